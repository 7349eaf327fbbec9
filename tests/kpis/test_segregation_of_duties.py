"""Segregation of duties (issue 14, defect 6): whoever last entered (saved the actual or the
comment of) a row, or submitted it, cannot approve it, unless the row's department allows
self-approval (one-person departments). Through the service (single and bulk), the API,
the review queue, the entry grid and the admin; and the migration that fills who entered
and submitted existing rows.

bob manages 観光商工部 (first review) and may enter its rows too; alice is its staff.
"""

import importlib
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from kpis import permissions, workflow
from kpis.models import EntryStatus, ReviewEvent, YearlyValue
from plans.models import Department
from tests.test_admin import _change_data

FY = 2024
QUEUE = f"/entry/sasebo-dx/{FY}/review/"
SELF_APPROVAL = "職務の分離"  # (segregation of duties) in the Japanese UI


def _rows(n):
    return list(YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=FY, status=EntryStatus.NOT_ENTERED,
        indicator__responsible_department__name="観光商工部",
    ).order_by("pk")[:n])


def _enter(user, row, actual="10"):
    return workflow.entry_save(user=user, yearly_value=row, actual=actual, comment="評価", expected_version=row.version)


def _entered_and_submitted(enterer, submitter, row):
    row = _enter(enterer, row)
    workflow.entry_submit(user=submitter, yearly_values=[row])
    return YearlyValue.objects.get(pk=row.pk)


def _state(rows):
    return [(YearlyValue.objects.filter(pk=r.pk).values().get(), ReviewEvent.objects.filter(yearly_value=r).count(),
             YearlyValue.history.filter(id=r.pk).count()) for r in rows]


@pytest.fixture
def tourism(db):
    return Department.objects.get(municipality__code="sasebo", name="観光商工部")


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize(("enterer", "submitter", "reason"), [
    ("bob", "bob", "自分で入力した行"),
    ("alice", "bob", "自分で提出した行"),
    ("bob", "alice", "自分で入力した行"),
])
def test_a_manager_cannot_approve_a_row_they_entered_or_submitted(request, alice, bob, enterer, submitter, reason):
    (row,) = _rows(1)
    row = _entered_and_submitted(request.getfixturevalue(enterer), request.getfixturevalue(submitter), row)
    before = _state([row])
    with pytest.raises(PermissionDenied) as refused:
        workflow.review_approve(user=bob, yearly_values=[row])
    assert reason in str(refused.value) and row.indicator.name in str(refused.value)
    assert _state([row]) == before
    assert (row.entered_by, row.submitted_by) == (request.getfixturevalue(enterer), request.getfixturevalue(submitter))


def test_someone_else_approves_it(alice, bob):
    (row,) = _rows(1)
    row = _entered_and_submitted(alice, alice, row)
    (approved,) = workflow.review_approve(user=bob, yearly_values=[row])
    assert approved.status == EntryStatus.FIRST_APPROVED


def test_bulk_approval_is_all_or_none_and_names_the_own_rows(alice, bob):
    theirs, mine = _rows(2)
    theirs = _entered_and_submitted(alice, alice, theirs)
    mine = _entered_and_submitted(bob, bob, mine)
    before = _state([theirs, mine])
    with pytest.raises(PermissionDenied) as refused:
        workflow.review_approve(user=bob, yearly_values=[theirs, mine])
    (line,) = refused.value.rows  # only the own row is named
    assert mine.indicator.name in line and "自分で入力した行" in line
    assert _state([theirs, mine]) == before


def test_a_one_person_department_may_allow_self_approval(bob, tourism):
    Department.objects.filter(pk=tourism.pk).update(allow_self_approval=True)
    (row,) = _rows(1)
    row = _entered_and_submitted(bob, bob, row)
    (approved,) = workflow.review_approve(user=bob, yearly_values=[row])
    assert approved.status == EntryStatus.FIRST_APPROVED


def test_returning_ones_own_row_is_allowed(bob):
    (row,) = _rows(1)
    row = _entered_and_submitted(bob, bob, row)
    assert workflow.review_return(user=bob, yearly_value=row, comment="取り下げ").status == EntryStatus.RETURNED


def test_the_rule_names_no_one_for_rows_nobody_entered(bob, carol):
    (row,) = _rows(1)
    row = YearlyValue.objects.select_related("indicator__responsible_department").get(pk=row.pk)
    for user in (bob, carol):
        assert permissions.self_approval_refusal(user, row) is None


# --- the API -------------------------------------------------------------------------------


def test_the_api_refuses_self_approval_single_and_bulk(alice, bob):
    theirs, mine = _rows(2)
    theirs = _entered_and_submitted(alice, alice, theirs)
    mine = _entered_and_submitted(bob, bob, mine)
    client = APIClient()
    client.force_authenticate(bob)
    before = _state([theirs, mine])
    single = client.post(f"/api/v1/yearly-values/{mine.pk}/approve/", {}, format="json")
    assert single.status_code == 403 and SELF_APPROVAL in single.json()["detail"]
    bulk = client.post("/api/v1/yearly-values/bulk-approve/", {"ids": [theirs.pk, mine.pk]}, format="json")
    assert bulk.status_code == 403 and mine.indicator.name in bulk.json()["detail"]
    assert _state([theirs, mine]) == before
    assert client.post(f"/api/v1/yearly-values/{theirs.pk}/approve/", {}, format="json").status_code == 200


# --- the pages -----------------------------------------------------------------------------


def _checkboxes(html) -> list[str]:
    return re.findall(r'name="rows" value="(\d+)" form="approve-form"', html)


def test_the_queue_offers_no_approval_of_ones_own_row_and_says_why(client, alice, bob):
    theirs, mine = _rows(2)
    theirs = _entered_and_submitted(alice, alice, theirs)
    mine = _entered_and_submitted(bob, bob, mine)
    client.force_login(bob)
    page = client.get(QUEUE).content.decode()
    assert _checkboxes(page) == [str(theirs.pk)]
    own_line = page[page.index(f'id="review-{mine.pk}"'):]
    own_line = own_line[:own_line.index("</tr>")]
    assert "not-approvable" in own_line and "自分で入力した行" in own_line  # the reason, in Japanese
    assert reverse("entry:return", args=[mine.pk]) in own_line  # returning stays possible
    # Posting the own row anyway approves nothing, and says which row and why.
    before = _state([theirs, mine])
    response = client.post(reverse("entry:approve", args=["sasebo-dx", FY]),
                           {"rows": [theirs.pk, mine.pk]}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(mine.indicator.name in m and "自分で入力した行" in m for m in messages), messages
    assert _state([theirs, mine]) == before


def test_the_entry_grid_counts_only_rows_waiting_for_someone_else(client, alice, bob):
    theirs, mine = _rows(2)
    _entered_and_submitted(alice, alice, theirs)
    _entered_and_submitted(bob, bob, mine)
    client.force_login(bob)
    response = client.get(f"/entry/sasebo-dx/{FY}/")
    assert response.context["waiting_review"] == 1


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_shows_the_department_setting_and_who_entered(client, alice, dave, tourism):
    client.force_login(dave)
    listing = client.get(reverse("admin:plans_department_changelist")).content.decode()
    assert "allow_self_approval" in listing  # the column and its filter
    form = client.get(reverse("admin:plans_department_change", args=[tourism.pk])).content.decode()
    assert 'name="allow_self_approval"' in form
    (row,) = _rows(1)
    row = _entered_and_submitted(alice, alice, row)
    page = client.get(reverse("admin:kpis_yearlyvalue_change", args=[row.pk])).content.decode()
    assert "field-entered_by" in page and "field-submitted_by" in page


def test_an_actual_changed_in_the_admin_counts_as_entered(client, alice, bob, carol, dave):
    (row,) = _rows(1)
    row = _entered_and_submitted(alice, alice, row)
    workflow.review_approve(user=bob, yearly_values=[row])
    row = YearlyValue.objects.get(pk=row.pk)
    client.force_login(dave)
    response = client.post(reverse("admin:kpis_yearlyvalue_change", args=[row.pk]),
                           _change_data(row, actual_value="11"))
    assert response.status_code == 302
    row = YearlyValue.objects.get(pk=row.pk)
    assert row.entered_by == dave
    with pytest.raises(PermissionDenied):
        workflow.review_approve(user=dave, yearly_values=[row])
    (approved,) = workflow.review_approve(user=carol, yearly_values=[row])
    assert approved.status == EntryStatus.APPROVED


# --- existing rows -------------------------------------------------------------------------


def test_the_migration_fills_who_entered_and_submitted_from_history(alice, bob):
    first, second, blank = _rows(3)
    first = _entered_and_submitted(alice, bob, first)  # alice entered, bob submitted
    second = _enter(alice, second)
    second = _enter(bob, YearlyValue.objects.get(pk=second.pk), actual="20")  # bob saved last
    YearlyValue.objects.filter(pk__in=[first.pk, second.pk, blank.pk]).update(entered_by=None, submitted_by=None)
    migration = importlib.import_module("kpis.migrations.0006_yearly_value_entered_submitted_by")
    from django.apps import apps

    migration.fill_from_history(apps, None)
    got = {v.pk: (v.entered_by_id, v.submitted_by_id)
           for v in YearlyValue.objects.filter(pk__in=[first.pk, second.pk, blank.pk])}
    assert got == {first.pk: (alice.pk, bob.pk), second.pk: (bob.pk, None), blank.pk: (None, None)}
