"""The entry round's services (kpis.workflow, kpis.text_workflow) refuse another city's rows,
texts and rounds themselves, whatever page or script calls them: PermissionDenied with a
reason, and nothing changed. Where the user's role alone would allow the action (the other
city's DX office or administrator), the reason is the boundary's (plans.boundary.refusal).
Table-driven: a new service is one row of SERVICES."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kpis import permissions, text_workflow, workflow
from plans import boundary
from tests.kpis.boundary_cities import FY, build_cities, snapshot


@dataclass(frozen=True)
class Service:
    call: Callable  # (user, the other city) -> None; raises
    role_allows: Callable  # (user) -> bool: whether the role alone would allow it


def _reviewer(user):
    return permissions.is_reviewer(user)


def _department(user):
    return permissions.is_department_user(user)


SERVICES = {
    "entry_save": Service(lambda user, city: workflow.entry_save(
        user=user, yearly_value=city.draft, actual="1", comment="", expected_version=city.draft.version), _department),
    "entry_submit": Service(lambda user, city: workflow.entry_submit(user=user, yearly_values=[city.draft]),
                            _department),
    "review_approve": Service(lambda user, city: workflow.review_approve(user=user, yearly_values=[city.waiting]),
                              _reviewer),
    "review_return": Service(lambda user, city: workflow.review_return(
        user=user, yearly_value=city.waiting, comment="越境"), _reviewer),
    "value_reopen": Service(lambda user, city: workflow.value_reopen(
        user=user, yearly_value=city.approved, reason="越境"), permissions.can_reopen),
    "target_revise": Service(lambda user, city: workflow.target_revise(
        user=user, yearly_value=city.draft, planned="1", reason="越境"), permissions.can_revise_target),
    "entry_round_save": Service(lambda user, city: workflow.entry_round_save(
        user=user, strategy=city.strategy, fiscal_year=FY, opens_at=timezone.now(),
        deadline=timezone.now() + timedelta(days=3)), permissions.can_manage_rounds),
    "entry_round_close": Service(lambda user, city: workflow.entry_round_close(
        user=user, entry_round=city.entry_round), permissions.can_manage_rounds),
    "entry_round_reopen": Service(lambda user, city: workflow.entry_round_reopen(
        user=user, entry_round=city.entry_round, reason="越境"), permissions.can_reopen),
    "round_text_save": Service(lambda user, city: text_workflow.round_text_save(
        user=user, round_text=city.text_waiting, content="越境", expected_version=city.text_waiting.version),
        _department),
    "round_text_submit": Service(lambda user, city: text_workflow.round_text_submit(
        user=user, round_texts=[city.text_waiting]), _department),
    "round_text_approve": Service(lambda user, city: text_workflow.round_text_approve(
        user=user, round_texts=[city.text_waiting]), _reviewer),
    "round_text_return": Service(lambda user, city: text_workflow.round_text_return(
        user=user, round_text=city.text_waiting, comment="越境"), _reviewer),
    "round_text_reopen": Service(lambda user, city: text_workflow.round_text_reopen(
        user=user, round_text=city.text_approved, reason="越境"), permissions.can_reopen),
}

PAIRS = [("carol", "nagasaki"), ("dave", "nagasaki"), ("alice", "nagasaki"), ("bob", "nagasaki"),
         ("erin", "nagasaki"), ("nina", "sasebo"), ("nora", "sasebo"), ("ned", "sasebo"),
         ("paula", "nagasaki"), ("oscar", "nagasaki")]


@pytest.fixture
def cities(db):
    return build_cities()


@pytest.mark.parametrize(("username", "other_name"), PAIRS)
def test_the_services_refuse_another_citys_rows_and_change_nothing(request, cities, username, other_name):
    user = request.getfixturevalue(username)
    other = cities[other_name]
    boundary_reason = boundary.refusal(user, other.municipality_id)
    assert boundary_reason
    problems = []
    for name, service in SERVICES.items():
        before = snapshot(other)
        try:
            service.call(user, other)
        except PermissionDenied as error:
            reason = str(error)
            if not reason:
                problems.append(f"{name}: refused without a reason")
            elif service.role_allows(user) and boundary_reason not in reason:
                problems.append(f"{name}: refused with {reason!r}, not the boundary's reason")
        else:
            problems.append(f"{name}: not refused")
        if snapshot(other) != before:
            problems.append(f"{name}: changed the other city's data")
    assert not problems, "\n".join(problems)


def test_the_same_services_work_in_the_users_own_city(cities, nina, nora):
    """The boundary is not a wall: Nagasaki's DX office and administrator act on Nagasaki."""
    nagasaki = cities["nagasaki"]
    workflow.review_approve(user=nina, yearly_values=[nagasaki.waiting])
    workflow.target_revise(user=nina, yearly_value=nagasaki.draft, planned="5", reason="見直し")
    text_workflow.round_text_approve(user=nina, round_texts=[nagasaki.text_waiting])
    workflow.value_reopen(user=nora, yearly_value=nagasaki.approved, reason="訂正")
    workflow.entry_round_close(user=nina, entry_round=nagasaki.entry_round)
    workflow.entry_round_reopen(user=nora, entry_round=nagasaki.entry_round, reason="訂正")
    nagasaki.waiting.refresh_from_db()
    nagasaki.approved.refresh_from_db()
    assert (nagasaki.waiting.status, nagasaki.approved.status) == ("approved", "returned")
