"""The REST API across the municipality boundary (issue 13): every role of one city × every
action × objects of another city — zero rows listed, 404 (as missing) or 403 with a reason on
detail and writes, and a database that has not changed.

Attackers: Sasebo's alice (staff), bob (manager), carol (DX office), dave (administrator), erin
(viewer) and an anonymous client against Nagasaki's objects; Nagasaki's nina (DX office) and nora
(administrator) against Sasebo's. paula (wide-area viewer, granted Sasebo and Nagasaki) reads
their approved figures only, nothing of Miyakonojo, and changes nothing; oscar (the operator,
granted nothing) reads no figures at all. The tables are one row per endpoint or action: a new
action of the API adds one row to WRITES (and a new list one to LISTS).
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kpis import permissions, text_workflow, workflow
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    Indicator,
    ReviewEvent,
    RoundText,
    RoundTextEvent,
    TargetRevision,
    YearlyValue,
)
from kpis.models.round_texts import TEXT_KINDS
from plans.models import BasicPolicy, Department, Measure, Municipality, Role, Step, Strategy, User
from projects.models import Project
from tests.api.test_api import QUERIES
from tests.factories import grow

S = EntryStatus
CITY_A_ROLES = ("alice", "bob", "carol", "dave", "erin", None)  # None: anonymous
NAGASAKI_ROLES = ("nina", "nora")
ROUND_MANAGERS = ("carol", "dave", "nina", "nora")


@dataclass(frozen=True)
class Side:
    """A city's plan with an open entry round and the people who walk its rows."""

    city: str
    strategy: str
    fiscal_year: int
    department: str  # the department whose rows and texts the test walks
    staff: str
    manager: str
    office: str
    admin: str


SIDES = {
    "sasebo": Side("sasebo", "sasebo-dx", 2024, "観光商工部", "alice", "bob", "carol", "dave"),
    "nagasaki": Side("nagasaki", "nagasaki-h", 2025, "広報広聴課", "nami", "nate", "nina", "nora"),
}


@pytest.fixture
def nagasaki_people(db):
    """A staff member and a manager of Nagasaki's 広報広聴課 (the owner of policy H1's indicators)."""
    department = Department.objects.get(municipality__code="nagasaki", name="広報広聴課")
    return {
        "nami": User.objects.create_user(username="nami", role=Role.STAFF, department=department),
        "nate": User.objects.create_user(username="nate", role=Role.MANAGER, department=department),
    }


@pytest.fixture
def people(alice, bob, carol, dave, erin, nina, nora, paula, oscar, nagasaki_people):
    return {u.username: u for u in (alice, bob, carol, dave, erin, nina, nora, paula, oscar)} | nagasaki_people


@pytest.fixture
def nagasaki_round(people):
    """Nagasaki's entry round of FY2025, opened by its DX office through the service; for the test,
    広報広聴課 answers for all five indicators and six texts of policy area H (three departments
    share them in the plan), so one department has a row in every status."""
    now = timezone.now()
    strategy = Strategy.objects.get(code="nagasaki-h")
    department = Department.objects.get(municipality__code="nagasaki", name="広報広聴課")
    Indicator.objects.filter(strategy=strategy).update(responsible_department=department)
    entry_round = workflow.entry_round_save(user=people["nina"], strategy=strategy, fiscal_year=2025,
                                            opens_at=now - timedelta(days=1), deadline=now + timedelta(days=14))
    RoundText.objects.filter(strategy=strategy).update(department=department)
    return entry_round


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- a city's objects, walked to the statuses the actions need --------------------------------


def _values(side: Side, n: int) -> list[YearlyValue]:
    return list(YearlyValue.objects.filter(
        indicator__strategy__code=side.strategy, fiscal_year=side.fiscal_year, status=S.NOT_ENTERED,
        indicator__responsible_department__name=side.department,
    ).select_related("indicator__strategy").order_by("pk")[:n])


def _walk_value(value, status, side, people):
    if status == S.NOT_ENTERED:
        return value
    workflow.entry_save(user=people[side.staff], yearly_value=value, actual="10", comment="入力済み",
                        expected_version=value.version)
    if status != S.DRAFT:
        workflow.entry_submit(user=people[side.staff], yearly_values=[value])
    if status in (S.FIRST_APPROVED, S.APPROVED):
        workflow.review_approve(user=people[side.manager], yearly_values=[value])
    if status == S.APPROVED:
        workflow.review_approve(user=people[side.office], yearly_values=[value])
    return YearlyValue.objects.get(pk=value.pk)


def _walk_text(text, status, side, people):
    if status == S.NOT_ENTERED:
        return text
    text = text_workflow.round_text_save(user=people[side.staff], round_text=text, content="今年度の目標",
                                         expected_version=text.version)
    if status != S.DRAFT:
        text_workflow.round_text_submit(user=people[side.staff], round_texts=[text])
    if status in (S.FIRST_APPROVED, S.APPROVED):
        text_workflow.round_text_approve(user=people[side.manager], round_texts=[text])
    if status == S.APPROVED:
        text_workflow.round_text_approve(user=people[side.office], round_texts=[text])
    return RoundText.objects.get(pk=text.pk)


@dataclass
class Objects:
    """One city's rows that the actions and lists aim at."""

    side: Side
    values: dict  # status -> YearlyValue
    texts: dict  # status -> RoundText
    entry_round: EntryRound
    strategy: Strategy
    policy: BasicPolicy
    measure: Measure
    department: Department


STATUSES = (S.NOT_ENTERED, S.DRAFT, S.SUBMITTED, S.FIRST_APPROVED, S.APPROVED)


def build(side: Side, people) -> Objects:
    rows = _values(side, len(STATUSES))
    texts = list(RoundText.objects.filter(
        strategy__code=side.strategy, fiscal_year=side.fiscal_year, status=S.NOT_ENTERED,
        department__name=side.department, kind__in=TEXT_KINDS,
    ).order_by("pk")[:len(STATUSES)])
    assert len(rows) == len(texts) == len(STATUSES), (side, len(rows), len(texts))
    strategy = Strategy.objects.get(code=side.strategy)
    policy = BasicPolicy.objects.filter(strategy=strategy).order_by("order").first()
    return Objects(
        side=side,
        values={status: _walk_value(row, status, side, people) for status, row in zip(STATUSES, rows)},
        texts={status: _walk_text(text, status, side, people) for status, text in zip(STATUSES, texts)},
        entry_round=EntryRound.objects.get(strategy=strategy, fiscal_year=side.fiscal_year),
        strategy=strategy, policy=policy, measure=Measure.objects.filter(basic_policy=policy).first(),
        department=Department.objects.get(municipality__code=side.city, name=side.department),
    )


@pytest.fixture
def nagasaki(people, nagasaki_round):
    return build(SIDES["nagasaki"], people)


@pytest.fixture
def sasebo_objects(people, sasebo):
    return build(SIDES["sasebo"], people)


def snapshot() -> dict:
    """Everything an action of the round could change, both cities."""
    return {
        "values": list(YearlyValue.objects.order_by("pk").values()),
        "texts": list(RoundText.objects.order_by("pk").values()),
        "rounds": list(EntryRound.objects.order_by("pk").values()),
        "events": (ReviewEvent.objects.count(), RoundTextEvent.objects.count(), EntryRoundEvent.objects.count(),
                   TargetRevision.objects.count()),
        "history": (YearlyValue.history.count(), RoundText.history.count()),
    }


# --- the write matrix: one row per action ---------------------------------------------------

NOT_FOUND, INVALID, ROUNDS = "404", "400", "rounds"  # ROUNDS: 403 for who may not set periods, else 404


@dataclass
class Write:
    method: str
    path: Callable  # Objects -> str
    body: Callable = lambda o: {}
    expected: str = NOT_FOUND
    creates: bool = False  # names the other city's plan in the body rather than a row in the path


def _value(status, tail):
    return lambda o: f"/api/v1/yearly-values/{o.values[status].pk}/{tail}/"


def _text(status, tail):
    return lambda o: f"/api/v1/round-texts/{o.texts[status].pk}/{tail}/"


WRITES = {
    "value_save": Write("post", _value(S.NOT_ENTERED, "save"),
                        lambda o: {"actual": "99", "comment": "越境", "version": o.values[S.NOT_ENTERED].version}),
    "value_submit": Write("post", _value(S.DRAFT, "submit")),
    "value_approve_first": Write("post", _value(S.SUBMITTED, "approve")),
    "value_approve_second": Write("post", _value(S.FIRST_APPROVED, "approve"), lambda o: {"comment": "可"}),
    "value_return": Write("post", _value(S.FIRST_APPROVED, "return"), lambda o: {"comment": "差し戻し"}),
    "value_reopen": Write("post", _value(S.APPROVED, "reopen"), lambda o: {"reason": "訂正"}),
    "value_revise_target": Write("post", _value(S.NOT_ENTERED, "revise-target"),
                                 lambda o: {"planned": "1", "reason": "見直し"}),
    "value_bulk_submit": Write("post", lambda o: "/api/v1/yearly-values/bulk-submit/",
                               lambda o: {"ids": [o.values[S.DRAFT].pk]}, INVALID),
    "value_bulk_approve": Write("post", lambda o: "/api/v1/yearly-values/bulk-approve/",
                                lambda o: {"ids": [o.values[S.FIRST_APPROVED].pk, o.values[S.SUBMITTED].pk]},
                                INVALID),
    "round_open": Write("post", lambda o: "/api/v1/entry-rounds/", lambda o: {
        "strategy": o.side.strategy, "fiscal_year": o.side.fiscal_year + 1,
        "opens_at": timezone.now().isoformat(), "deadline": (timezone.now() + timedelta(days=9)).isoformat()},
        ROUNDS, creates=True),
    "round_reschedule": Write("patch", lambda o: f"/api/v1/entry-rounds/{o.entry_round.pk}/",
                              lambda o: {"deadline": (o.entry_round.deadline + timedelta(days=3)).isoformat()},
                              ROUNDS),
    "round_close": Write("post", lambda o: f"/api/v1/entry-rounds/{o.entry_round.pk}/close/",
                         lambda o: {"reason": "締切"}, ROUNDS),
    "round_reopen": Write("post", lambda o: f"/api/v1/entry-rounds/{o.entry_round.pk}/reopen/",
                          lambda o: {"reason": "訂正"}, ROUNDS),
    "text_save": Write("post", _text(S.NOT_ENTERED, "save"),
                       lambda o: {"content": "越境", "version": o.texts[S.NOT_ENTERED].version}),
    "text_submit": Write("post", _text(S.DRAFT, "submit")),
    "text_approve": Write("post", _text(S.FIRST_APPROVED, "approve")),
    "text_return": Write("post", _text(S.SUBMITTED, "return"), lambda o: {"comment": "差し戻し"}),
    "text_reopen": Write("post", _text(S.APPROVED, "reopen"), lambda o: {"reason": "訂正"}),
}


def expected_status(write: Write, username) -> int:
    if username is None:
        return 401
    if write.expected == ROUNDS:
        if username not in ROUND_MANAGERS:
            return 403  # the role may not set entry periods anywhere
        return 400 if write.creates else 404  # another city's plan code: "does not exist", as a missing one
    return int(write.expected)


def _attempt(write, objects, user):
    client = client_for(user)
    return getattr(client, write.method)(write.path(objects), write.body(objects), format="json")


def _assert_refused(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body.get("detail") or any(body.values()), body  # a reason, never a row
    for key in ("id", "version", "results", "current"):
        assert key not in body, body


@pytest.mark.parametrize("username", CITY_A_ROLES)
@pytest.mark.parametrize("action", WRITES)
def test_sasebo_roles_change_nothing_of_nagasaki(people, nagasaki, action, username):
    write = WRITES[action]
    before = snapshot()
    response = _attempt(write, nagasaki, people.get(username))
    _assert_refused(response, expected_status(write, username))
    assert snapshot() == before


@pytest.mark.parametrize("username", NAGASAKI_ROLES)
@pytest.mark.parametrize("action", WRITES)
def test_nagasaki_roles_change_nothing_of_sasebo(people, sasebo_objects, action, username):
    write = WRITES[action]
    before = snapshot()
    response = _attempt(write, sasebo_objects, people[username])
    _assert_refused(response, expected_status(write, username))
    assert snapshot() == before


@pytest.mark.parametrize("action", WRITES)
def test_the_wide_area_viewer_reads_nagasaki_but_changes_nothing(people, nagasaki, action):
    """paula may open Nagasaki's rows: the refusal is a 403 with the reason, not a 404."""
    write = WRITES[action]
    before = snapshot()
    response = _attempt(write, nagasaki, people["paula"])
    _assert_refused(response, 403)
    assert snapshot() == before


@pytest.mark.parametrize("action", WRITES)
def test_the_operator_changes_no_figures(people, nagasaki, action):
    write = WRITES[action]
    before = snapshot()
    response = _attempt(write, nagasaki, people["oscar"])
    _assert_refused(response, expected_status(write, "oscar"))
    assert snapshot() == before


def test_a_batch_with_one_row_of_another_city_is_refused_whole(people, nagasaki, sasebo_objects):
    own = _walk_value(_values(SIDES["sasebo"], 1)[0], S.DRAFT, SIDES["sasebo"], people)
    before = snapshot()
    response = client_for(people["alice"]).post(
        "/api/v1/yearly-values/bulk-submit/", {"ids": [own.pk, nagasaki.values[S.DRAFT].pk]}, format="json")
    assert response.status_code == 400
    assert str(nagasaki.values[S.DRAFT].pk) in response.json()["ids"][0]
    assert str(own.pk) not in response.json()["ids"][0]
    assert snapshot() == before


def test_the_wide_area_viewer_batch_is_refused_with_the_boundary_reason(people, nagasaki):
    before = snapshot()
    response = client_for(people["paula"]).post(
        "/api/v1/yearly-values/bulk-approve/", {"ids": [nagasaki.values[S.FIRST_APPROVED].pk]}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == str(
        _boundary_reason(people["paula"], nagasaki.strategy.municipality_id))
    assert snapshot() == before


def _boundary_reason(user, municipality_id):
    from plans import boundary

    return boundary.refusal(user, municipality_id)


# --- positive: within its own city, Nagasaki works through the API ---------------------------


def test_nagasaki_enters_reviews_and_opens_rounds_within_nagasaki(people, nagasaki_round):
    side = SIDES["nagasaki"]
    (value,) = _values(side, 1)
    staff, manager, office = (client_for(people[name]) for name in (side.staff, side.manager, side.office))
    saved = staff.post(f"/api/v1/yearly-values/{value.pk}/save/",
                       {"actual": "55.5", "comment": "長崎の実績", "version": value.version}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["actual"]["display"] == "55.5"
    assert staff.post(f"/api/v1/yearly-values/{value.pk}/submit/").status_code == 200
    assert manager.post(f"/api/v1/yearly-values/{value.pk}/approve/").json()["status"] == S.FIRST_APPROVED
    approved = office.post("/api/v1/yearly-values/bulk-approve/", {"ids": [value.pk], "comment": "確認"},
                           format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["results"][0]["status"] == S.APPROVED
    assert YearlyValue.objects.get(pk=value.pk).status == S.APPROVED
    now = timezone.now()
    opened = office.post("/api/v1/entry-rounds/", {
        "strategy": "nagasaki-dx", "fiscal_year": 2026, "opens_at": now.isoformat(),
        "deadline": (now + timedelta(days=9)).isoformat()}, format="json")
    assert opened.status_code == 201, opened.content
    assert office.get("/api/v1/entry-rounds/").json()["count"] == 2  # Nagasaki's two, none of Sasebo's


def test_the_entry_round_form_offers_the_own_citys_plans_only(people):
    """The strategy choices of a round (the browsable API's form) come from the user's city."""
    from kpis.api_entry import EntryRoundSerializer

    request = type("Request", (), {"user": people["nina"]})()
    choices = EntryRoundSerializer(context={"request": request}).fields["strategy"].get_queryset()
    assert set(choices.values_list("code", flat=True)) == {"nagasaki-dx", "nagasaki-h"}
    request.user = people["paula"]
    assert not EntryRoundSerializer(context={"request": request}).fields["strategy"].get_queryset().exists()


# --- reading: one row per list, with a filter naming the other city's row --------------------


def _ids_of(model, path, city):
    return set(model.objects.filter(**{path: city}).values_list("pk", flat=True))


@dataclass
class Listing:
    url: str
    params: Callable  # Objects -> dict (a filter with the other city's value, or none)
    rows: Callable  # city code -> set of ids (or codes) of that city
    key: str = "id"


def _codes(city):
    return set(Strategy.objects.filter(municipality__code=city).values_list("code", flat=True))


LISTS = {
    "strategies": Listing("/api/v1/strategies/", lambda o: {}, _codes, key="code"),
    "strategies_by_city": Listing("/api/v1/strategies/", lambda o: {"municipality": o.side.city}, _codes, "code"),
    "departments": Listing("/api/v1/departments/", lambda o: {},
                           lambda c: _ids_of(Department, "municipality__code", c)),
    "departments_by_city": Listing("/api/v1/departments/", lambda o: {"municipality": o.side.city},
                                   lambda c: _ids_of(Department, "municipality__code", c)),
    "basic_policies": Listing("/api/v1/basic-policies/", lambda o: {"strategy": o.side.strategy},
                              lambda c: _ids_of(BasicPolicy, "strategy__municipality__code", c)),
    "basic_policies_by_department": Listing("/api/v1/basic-policies/", lambda o: {"department": o.department.pk},
                                            lambda c: _ids_of(BasicPolicy, "strategy__municipality__code", c)),
    "measures": Listing("/api/v1/measures/", lambda o: {"basic_policy": o.policy.pk},
                        lambda c: _ids_of(Measure, "basic_policy__strategy__municipality__code", c)),
    "steps": Listing("/api/v1/steps/", lambda o: {"measure": o.measure.pk},
                     lambda c: _ids_of(Step, "measure__basic_policy__strategy__municipality__code", c)),
    "projects": Listing("/api/v1/projects/", lambda o: {},
                        lambda c: _ids_of(Project, "strategy__municipality__code", c)),
    "indicators": Listing("/api/v1/indicators/", lambda o: {"strategy": o.side.strategy},
                          lambda c: _ids_of(Indicator, "strategy__municipality__code", c)),
    "indicators_by_policy": Listing("/api/v1/indicators/", lambda o: {"basic_policy": o.policy.pk},
                                    lambda c: _ids_of(Indicator, "strategy__municipality__code", c)),
    "yearly_values": Listing("/api/v1/yearly-values/", lambda o: {"fiscal_year": o.side.fiscal_year},
                             lambda c: _ids_of(YearlyValue, "indicator__strategy__municipality__code", c)),
    "yearly_values_by_department": Listing(
        "/api/v1/yearly-values/", lambda o: {"department": o.department.pk, "status": S.APPROVED},
        lambda c: _ids_of(YearlyValue, "indicator__strategy__municipality__code", c)),
    "entry_rounds": Listing("/api/v1/entry-rounds/", lambda o: {"strategy": o.side.strategy},
                            lambda c: _ids_of(EntryRound, "strategy__municipality__code", c)),
    "round_texts": Listing("/api/v1/round-texts/", lambda o: {"department": o.department.pk},
                           lambda c: _ids_of(RoundText, "strategy__municipality__code", c)),
}


def _all_rows(client, url, params) -> tuple[list, str]:
    """Every page of a list, following `next` (keyset pages included), and its raw text."""
    rows, texts = [], []
    response = client.get(url, {**params, "limit": 500})
    while True:
        assert response.status_code == 200, response.content
        texts.append(response.content.decode())
        body = response.json()
        rows += body["results"] if isinstance(body, dict) else body
        if not isinstance(body, dict) or not body.get("next"):
            return rows, "".join(texts)
        response = client.get(body["next"])


def _secrets(objects) -> list[str]:
    """Texts of the other city that must never appear: its plan's codes and titles, the
    indicator names and the figures and comments its round has entered."""
    city = objects.side.city
    words = [objects.side.strategy, objects.strategy.title, "入力済み", "今年度の目標"]
    words += list(Indicator.objects.filter(strategy__municipality__code=city).values_list("name", flat=True)[:20])
    return words


def _check_no_leak(client, listing, objects, other_city):
    rows, text = _all_rows(client, listing.url, listing.params(objects))
    seen = {row[listing.key] for row in rows}
    assert not seen & listing.rows(other_city), listing.url
    return rows, text


@pytest.mark.parametrize("username", CITY_A_ROLES)
@pytest.mark.parametrize("listing", LISTS)
def test_sasebo_roles_list_nothing_of_nagasaki(people, nagasaki, listing, username):
    client = client_for(people.get(username))
    if username is None:
        assert client.get(LISTS[listing].url).status_code == 401
        return
    _rows, text = _check_no_leak(client, LISTS[listing], nagasaki, "nagasaki")
    for word in _secrets(nagasaki):
        assert word not in text, word


@pytest.mark.parametrize("username", NAGASAKI_ROLES)
@pytest.mark.parametrize("listing", LISTS)
def test_nagasaki_roles_list_nothing_of_sasebo(people, sasebo_objects, nagasaki_round, listing, username):
    client = client_for(people[username])
    rows, text = _check_no_leak(client, LISTS[listing], sasebo_objects, "sasebo")
    for word in ("sasebo-dx", sasebo_objects.strategy.title, "今年度の目標"):
        assert word not in text, word


# --- details: one row per kind of object -----------------------------------------------------

DETAILS = {
    "strategy": lambda o: f"/api/v1/strategies/{o.strategy.code}/",
    "strategy_tree": lambda o: f"/api/v1/strategies/{o.strategy.code}/tree/",
    "department": lambda o: f"/api/v1/departments/{o.department.pk}/",
    "basic_policy": lambda o: f"/api/v1/basic-policies/{o.policy.pk}/",
    "measure": lambda o: f"/api/v1/measures/{o.measure.pk}/",
    "project": lambda o: f"/api/v1/projects/{Project.objects.filter(strategy__municipality__code=o.side.city).first().pk}/",
    "indicator": lambda o: f"/api/v1/indicators/{o.values[S.APPROVED].indicator_id}/",
    "yearly_value": lambda o: f"/api/v1/yearly-values/{o.values[S.APPROVED].pk}/",
    "entry_round": lambda o: f"/api/v1/entry-rounds/{o.entry_round.pk}/",
    "round_text": lambda o: f"/api/v1/round-texts/{o.texts[S.APPROVED].pk}/",
}


@pytest.mark.parametrize("username", CITY_A_ROLES)
@pytest.mark.parametrize("detail", DETAILS)
def test_sasebo_roles_open_no_nagasaki_object(people, nagasaki, detail, username):
    response = client_for(people.get(username)).get(DETAILS[detail](nagasaki))
    assert response.status_code == (401 if username is None else 404), response.content
    for word in _secrets(nagasaki):
        assert word not in response.content.decode()


@pytest.mark.parametrize("username", NAGASAKI_ROLES + ("oscar",))
@pytest.mark.parametrize("detail", DETAILS)
def test_nagasaki_roles_and_the_operator_open_no_sasebo_object(people, sasebo_objects, detail, username):
    response = client_for(people[username]).get(DETAILS[detail](sasebo_objects))
    assert response.status_code == 404, response.content
    assert "sasebo-dx" not in response.content.decode()


def test_a_missing_and_another_citys_row_answer_alike(people, nagasaki):
    client = client_for(people["carol"])
    theirs = client.get(f"/api/v1/yearly-values/{nagasaki.values[S.APPROVED].pk}/")
    missing = client.get(f"/api/v1/yearly-values/{10**12}/")
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())


# --- the wide-area viewer and the operator ---------------------------------------------------


def test_the_wide_area_viewer_reads_approved_figures_of_granted_cities_only(people, nagasaki, sasebo_objects):
    paula = people["paula"]
    client = client_for(paula)
    codes = {row["code"] for row in client.get("/api/v1/strategies/").json()["results"]}
    assert codes == _codes("sasebo") | _codes("nagasaki")  # nothing of Miyakonojo (not granted)
    assert _codes("miyakonojo")
    for listing in LISTS.values():
        if listing.url != "/api/v1/strategies/":
            _check_no_leak(client, listing, nagasaki, "miyakonojo")
    assert client.get("/api/v1/strategies/miyakonojo-dx/").status_code == 404
    departments = {row["municipality"] for row in client.get("/api/v1/departments/", {"limit": 500}).json()["results"]}
    assert departments == {"sasebo", "nagasaki"}

    rows, _text = _all_rows(client, "/api/v1/yearly-values/", {"fiscal_year": 2025, "strategy": "nagasaki-h"})
    walked = {value.pk: status for status, value in nagasaki.values.items()}
    assert set(walked) <= {row["id"] for row in rows}
    for row in rows:
        assert row["actual_visible"] is (row["status"] == S.APPROVED), row
        if row["status"] != S.APPROVED:
            assert (row["actual"]["display"], row["comment"]) == ("", "")
    (approved,) = [row for row in rows if row["id"] == nagasaki.values[S.APPROVED].pk]
    assert (approved["actual"]["display"], approved["comment"]) == ("10", "入力済み")

    texts, _text = _all_rows(client, "/api/v1/round-texts/", {"strategy": "nagasaki-h"})
    assert texts and all(text["return_comment"] is None for text in texts)  # never the review trail
    for text in texts:
        assert text["visible"] is (text["status"] == S.APPROVED)
    # The same rule as the pages, row by row.
    for row in rows:
        value = YearlyValue.objects.select_related("indicator").get(pk=row["id"])
        assert row["actual_visible"] is permissions.can_view_value(paula, value)


def test_the_operator_reads_no_figures_without_a_grant(people, nagasaki, sasebo_objects):
    client = client_for(people["oscar"])
    for name, listing in LISTS.items():
        rows, _text = _all_rows(client, listing.url, {})
        assert rows == [], name


def test_a_granted_operator_reads_approved_figures_only(people, nagasaki):
    oscar = people["oscar"]
    oscar.granted_municipalities.set([Municipality.objects.get(code="nagasaki")])
    oscar = User.objects.get(pk=oscar.pk)  # the grants are read once per user object
    rows, _text = _all_rows(client_for(oscar), "/api/v1/yearly-values/", {"strategy": "nagasaki-h"})
    assert rows and {row["id"] for row in rows if row["actual_visible"]} == {nagasaki.values[S.APPROVED].pk}
    assert "sasebo-dx" not in json.dumps(rows, ensure_ascii=False)


# --- the schema ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ("carol", "nina", "paula", "oscar"))
def test_the_schema_and_docs_build_for_every_kind_of_user(people, username):
    client = client_for(people[username])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/yearly-values/{id}/save/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


# --- query counts: the boundary is one filter, not a query per row ---------------------------


@pytest.mark.parametrize("url", QUERIES)
def test_the_wide_area_viewer_lists_cost_one_query_more_at_two_sizes(paula, sasebo, url, django_assert_num_queries):
    """paula's grants are read once per request (a fresh user object each time, as per request):
    the endpoint's own queries (tests/api/test_api.py) plus that one, at 1× and 10×."""
    params = {"strategy": "sasebo-dx"} if url not in ("/api/v1/departments/", "/api/v1/strategies/") else {}
    for grown in (False, True):
        if grown:
            grow(sasebo, factor=10)
        client = client_for(User.objects.get(pk=paula.pk))
        with django_assert_num_queries(QUERIES[url] + 1):
            response = client.get(url, params)
        assert response.status_code == 200 and "sasebo" in response.content.decode()  # Sasebo's rows, not none
