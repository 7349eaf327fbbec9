"""Every role × every action of the entry round through the REST API, and no leak.

Roles: staff and manager of the row's department (alice, bob, 観光商工部), staff and manager of
another department (frank, grace, 農林水産部), the DX office (carol), an administrator (dave),
a viewer (erin) and an anonymous client. An allowed action answers with its success status
and changes the data; a refused one answers 403 with the reason and changes nothing at all.

Reading: rows stay listed (the plan is public) but another department's actual, comment,
rate and grade are hidden until the row is approved (kpis.permissions.can_view_value).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from kpis import permissions, workflow
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    ReminderLog,
    ReviewEvent,
    TargetRevision,
    YearlyValue,
    refresh_rates,
)
from plans.models import Department, Role, User
from tests.factories import grow

FY = 2024
ROLES = {
    "staff_own": "alice", "staff_other": "frank", "manager_own": "bob", "manager_other": "grace",
    "dx_office": "carol", "admin": "dave", "viewer": "erin", "anonymous": None,
}
DEPARTMENT = ("staff_own", "manager_own")
OFFICE = ("dx_office", "admin")


@pytest.fixture
def grace(db):
    department = Department.objects.get(municipality__code="sasebo", name="農林水産部")
    return User.objects.create_user(username="grace", role=Role.MANAGER, department=department)


@pytest.fixture
def users(alice, bob, carol, dave, erin, frank, grace):
    return {user.username: user for user in (alice, bob, carol, dave, erin, frank, grace)}


def client_for(role, users) -> APIClient:
    client = APIClient()
    if ROLES[role]:
        client.force_authenticate(users[ROLES[role]])
    return client


def _pending_rows(department_name, n):
    return list(YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=FY, status=EntryStatus.NOT_ENTERED,
        indicator__responsible_department__name=department_name,
    ).select_related("indicator__strategy").order_by("pk")[:n])


def prepare(value, status, users):
    """Walk a row of 観光商工部 to `status` through the services."""
    if status == EntryStatus.NOT_ENTERED:
        return value
    workflow.entry_save(user=users["alice"], yearly_value=value, actual="10", comment="入力済み",
                        expected_version=value.version)
    if status != EntryStatus.DRAFT:
        workflow.entry_submit(user=users["alice"], yearly_values=[value])
    if status in (EntryStatus.FIRST_APPROVED, EntryStatus.APPROVED):
        workflow.review_approve(user=users["bob"], yearly_values=[value])
    if status == EntryStatus.APPROVED:
        workflow.review_approve(user=users["carol"], yearly_values=[value])
    return YearlyValue.objects.get(pk=value.pk)


def snapshot(values):
    rounds = list(EntryRound.objects.order_by("pk").values())
    return {
        "rows": [YearlyValue.objects.filter(pk=v.pk).values().get() for v in values],
        "history": YearlyValue.history.count(),
        "events": ReviewEvent.objects.count(),
        "revisions": TargetRevision.objects.count(),
        "rounds": rounds,
        "round_events": EntryRoundEvent.objects.count(),
        "values": YearlyValue.objects.count(),
    }


@dataclass
class Case:
    status: str  # of the rows the action works on
    allowed: tuple
    call: Callable  # (client, rows, entry_round) -> response
    rows: int = 1
    closed: bool = False  # close the year before acting
    ok: int = 200


def _post(path, data=None):
    return lambda client, rows, entry_round: client.post(path.format(row=rows[0].pk, round=entry_round.pk),
                                                         data or {}, format="json")


def _save(client, rows, entry_round):
    return client.post(f"/api/v1/yearly-values/{rows[0].pk}/save/",
                       {"actual": "７", "comment": "API から", "version": rows[0].version}, format="json")


def _bulk(action, **extra):
    return lambda client, rows, entry_round: client.post(
        f"/api/v1/yearly-values/{action}/", {"ids": [row.pk for row in rows], **extra}, format="json"
    )


def _open_round(client, rows, entry_round):
    now = timezone.now()
    return client.post("/api/v1/entry-rounds/", {
        "strategy": "sasebo-dx", "fiscal_year": 2025, "opens_at": now.isoformat(),
        "deadline": (now + timedelta(days=14)).isoformat(), "reminder_days": [3, 1],
    }, format="json")


def _reschedule_round(client, rows, entry_round):
    deadline = entry_round.deadline + timedelta(days=3)
    return client.patch(f"/api/v1/entry-rounds/{entry_round.pk}/", {"deadline": deadline.isoformat()}, format="json")


S = EntryStatus
CASES = {
    "save": Case(S.NOT_ENTERED, DEPARTMENT, _save),
    "save_returned": Case(S.DRAFT, DEPARTMENT, _save),
    "submit": Case(S.DRAFT, DEPARTMENT, _post("/api/v1/yearly-values/{row}/submit/")),
    "bulk_submit": Case(S.DRAFT, DEPARTMENT, _bulk("bulk-submit"), rows=2),
    "approve_first": Case(S.SUBMITTED, ("manager_own",), _post("/api/v1/yearly-values/{row}/approve/")),
    "approve_second": Case(S.FIRST_APPROVED, OFFICE, _post("/api/v1/yearly-values/{row}/approve/", {"comment": "可"})),
    "bulk_approve_second": Case(S.FIRST_APPROVED, OFFICE, _bulk("bulk-approve", comment="一括承認"), rows=2),
    "return_first": Case(S.SUBMITTED, ("manager_own",),
                         _post("/api/v1/yearly-values/{row}/return/", {"comment": "桁を確認"})),
    "return_second": Case(S.FIRST_APPROVED, OFFICE,
                          _post("/api/v1/yearly-values/{row}/return/", {"comment": "根拠を追記"})),
    "revise_target": Case(S.NOT_ENTERED, OFFICE,
                          _post("/api/v1/yearly-values/{row}/revise-target/", {"planned": "123", "reason": "見直し"})),
    "reopen_row": Case(S.APPROVED, ("admin",), _post("/api/v1/yearly-values/{row}/reopen/", {"reason": "訂正"})),
    "open_round": Case(S.NOT_ENTERED, OFFICE, _open_round, ok=201),
    "reschedule_round": Case(S.NOT_ENTERED, OFFICE, _reschedule_round),
    "close_round": Case(S.NOT_ENTERED, OFFICE, _post("/api/v1/entry-rounds/{round}/close/", {"reason": "締切"})),
    "reopen_round": Case(S.NOT_ENTERED, ("admin",), _post("/api/v1/entry-rounds/{round}/reopen/", {"reason": "訂正"}),
                         closed=True),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", CASES)
def test_role_action_matrix(users, sasebo, action, role):
    case = CASES[action]
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)
    rows = [prepare(value, case.status, users) for value in _pending_rows("観光商工部", case.rows)]
    if action == "save_returned":
        workflow.entry_submit(user=users["alice"], yearly_values=rows)
        workflow.review_return(user=users["bob"], yearly_value=rows[0], comment="再入力してください")
        rows = [YearlyValue.objects.get(pk=rows[0].pk)]
    if case.closed:
        workflow.entry_round_close(user=users["carol"], entry_round=entry_round)
    entry_round.refresh_from_db()
    before = snapshot(rows)
    response = case.call(client_for(role, users), rows, entry_round)
    if role in case.allowed:
        assert response.status_code == case.ok, response.content
        assert snapshot(rows) != before
    else:
        # Anonymous clients are asked to authenticate (401, WWW-Authenticate: Token); the others refused.
        assert response.status_code == (401 if role == "anonymous" else 403), response.content
        assert response.json()["detail"]  # the reason
        assert snapshot(rows) == before


# --- reading: what each role sees -----------------------------------------------------------

SEES_UNAPPROVED = ("staff_own", "manager_own", "dx_office", "admin")


def _secret(value, number, comment, status):
    YearlyValue.objects.filter(pk=value.pk).update(
        actual_state="number", actual_number=number, actual_places=0, actual_text="", comment=comment, status=status
    )
    refresh_rates([value.indicator_id])  # a bulk write: the stored rate follows, as after any


def _value_from(data, pk):
    (found,) = [value for value in data if value["id"] == pk]
    return found


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.FIRST_APPROVED, S.RETURNED, S.APPROVED])
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_an_actual_and_its_comment(users, sasebo, role, status):
    (value,) = _pending_rows("観光商工部", 1)
    YearlyValue.objects.filter(pk=value.pk).update(planned_state="number", planned_number=100, planned_places=0)
    _secret(value, 424242, "内部メモ-424242", status)
    client = client_for(role, users)
    list_response = client.get("/api/v1/yearly-values/", {"indicator": value.indicator_id, "fiscal_year": FY})
    detail = client.get(f"/api/v1/yearly-values/{value.pk}/")
    nested = client.get(f"/api/v1/indicators/{value.indicator_id}/")
    if role == "anonymous":
        assert {list_response.status_code, detail.status_code, nested.status_code} == {401}
        return
    seen = [
        _value_from(list_response.json()["results"], value.pk),
        detail.json(),
        [v for v in nested.json()["values"] if v["fiscal_year"] == FY][0],
    ]
    visible = role in SEES_UNAPPROVED or status == S.APPROVED
    for data in seen:
        assert data["status"] == status and data["planned"]["display"] == "100"  # the plan is public
        assert data["actual_visible"] is visible
        if visible:
            assert (data["actual"]["display"], data["comment"]) == ("424,242", "内部メモ-424242")
            assert data["achievement_rate"] is not None
        else:
            assert data["actual"] == {"state": "empty", "number": None, "text": "", "display": ""}
            assert (data["comment"], data["achievement_rate"], data["grade"]) == ("", None, "－")
    assert ("424242" in detail.content.decode()) is visible
    assert ("424,242" in nested.content.decode()) is visible


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_leak_of_other_departments_values_anywhere_in_the_lists(users, sasebo, role):
    """Each department gets an unapproved row with a marked actual and comment; a user's whole
    list responses may contain only the markers of the departments they may see."""
    markers = {}
    for n, department in enumerate(Department.objects.filter(municipality__code="sasebo"), start=1):
        rows = _pending_rows(department.name, 2)
        if not rows:
            continue
        numbers = [900000 + n * 1111 + i for i in range(len(rows))]
        for row, number, status in zip(rows, numbers, (S.SUBMITTED, S.RETURNED)):
            _secret(row, number, f"LEAK-{number}", status)
        markers[department.pk] = numbers
    user = users[ROLES[role]]
    client = client_for(role, users)
    texts = [
        _all_pages(client, "/api/v1/yearly-values/", {"fiscal_year": FY}),
        _all_pages(client, "/api/v1/indicators/", {"strategy": "sasebo-dx"}),
        _all_pages(client, "/api/v1/yearly-values/", {"fiscal_year": FY, "actual_state": "number"}),
    ]
    for department_id, numbers in markers.items():
        # Every staff member and manager sees their own department's, frank and grace included.
        may_see = role in OFFICE or (user.role in (Role.STAFF, Role.MANAGER) and department_id == user.department_id)
        for number in numbers:
            for text in texts[:2]:
                assert (f"LEAK-{number}" in text) is may_see, (role, department_id)
                assert (f"{number:,}" in text) is may_see
            assert (f"LEAK-{number}" in texts[2]) is may_see  # filtering on a hidden actual finds nothing


def test_the_sql_visibility_filter_agrees_with_the_rule_row_by_row(users, sasebo):
    rows = list(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year__in=(2023, FY))
                .select_related("indicator__strategy"))
    statuses = list(S.values)
    for i, value in enumerate(rows):  # spread every status over every department
        YearlyValue.objects.filter(pk=value.pk).update(status=statuses[i % len(statuses)])
        value.status = statuses[i % len(statuses)]
    for user in users.values():
        by_rule = {value.pk for value in rows if permissions.can_view_value(user, value)}
        by_sql = set(YearlyValue.objects.filter(pk__in=[v.pk for v in rows])
                     .filter(permissions.actual_visible_q(user)).values_list("pk", flat=True))
        assert by_sql == by_rule, user.username
        assert 0 < len(by_rule) <= len(rows)


def test_listing_with_hidden_values_costs_the_same_queries_at_two_sizes(users, sasebo, django_assert_num_queries):
    client = client_for("staff_other", users)
    params = {"strategy": "sasebo-dx", "limit": 200}
    # count; values + indicator + strategy (the visibility rule needs nothing more)
    with django_assert_num_queries(2):
        client.get("/api/v1/yearly-values/", params)
    grow(sasebo, factor=10)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/yearly-values/", params)
    assert response.status_code == 200 and len(response.json()["results"]) == 200


# --- refusals carry the service's reason; conflicts the other value -------------------------


def test_refusals_and_validation_errors_carry_the_services_messages(users, sasebo):
    (value,) = _pending_rows("観光商工部", 1)
    frank = client_for("staff_other", users)
    response = frank.post(f"/api/v1/yearly-values/{value.pk}/save/", {"actual": "1", "comment": "", "version": 1},
                          format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == permissions.entry_refusal(
        users["frank"], YearlyValue.objects.select_related("indicator__strategy").get(pk=value.pk),
        entry_round=EntryRound.objects.get(strategy=sasebo, fiscal_year=FY),
    )
    alice = client_for("staff_own", users)
    response = alice.post(f"/api/v1/yearly-values/{value.pk}/save/", {"actual": "１２ab", "comment": "",
                                                                      "version": value.version}, format="json")
    assert response.status_code == 400
    (message,) = response.json()["actual"]
    assert "「１２ab」は数値として読めません" in message
    response = alice.post(f"/api/v1/yearly-values/{value.pk}/submit/")
    assert response.status_code == 400 and value.indicator.name in response.json()["non_field_errors"][0]
    bob = client_for("manager_own", users)
    response = bob.post(f"/api/v1/yearly-values/{value.pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["comment"] == [_("Say what the department should correct when returning a row.")]
    response = bob.post(f"/api/v1/yearly-values/{value.pk}/return/", {"comment": "確認"}, format="json")
    assert response.status_code == 403 and "評価待ちではありません" in response.json()["detail"]  # not submitted
    assert YearlyValue.objects.get(pk=value.pk).version == value.version


def test_a_stale_save_answers_409_with_the_row_as_it_now_stands(users):
    (value,) = _pending_rows("観光商工部", 1)
    bob, alice = client_for("manager_own", users), client_for("staff_own", users)
    first = bob.post(f"/api/v1/yearly-values/{value.pk}/save/",
                     {"actual": "2,500.0", "comment": "所属長が入力", "version": value.version}, format="json")
    assert first.status_code == 200 and first.json()["version"] == value.version + 1
    stale = alice.post(f"/api/v1/yearly-values/{value.pk}/save/",
                       {"actual": "1", "comment": "古い版から", "version": value.version}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert "2,500.0" in body["detail"]
    assert body["current"]["version"] == value.version + 1
    assert (body["current"]["actual"]["display"], body["current"]["comment"]) == ("2,500.0", "所属長が入力")
    assert body["current"]["updated_by"] == "bob"
    assert YearlyValue.objects.get(pk=value.pk).comment == "所属長が入力"


def test_bulk_actions_refuse_unknown_ids_and_change_nothing(users):
    rows = [prepare(value, S.DRAFT, users) for value in _pending_rows("観光商工部", 2)]
    before = snapshot(rows)
    response = client_for("staff_own", users).post(
        "/api/v1/yearly-values/bulk-submit/", {"ids": [rows[0].pk, 10**9]}, format="json"
    )
    assert response.status_code == 400 and str(10**9) in response.json()["ids"][0]
    assert client_for("staff_own", users).post("/api/v1/yearly-values/bulk-submit/", {"ids": []},
                                               format="json").status_code == 400
    assert snapshot(rows) == before


def _all_pages(client, url, params) -> str:
    """Every page of a list (at most 500 rows each), as one text."""
    texts, offset = [], 0
    while True:
        response = client.get(url, {**params, "limit": 500, "offset": offset})
        texts.append(response.content.decode())
        if response.status_code != 200 or not response.json()["next"]:
            return "".join(texts)
        offset += 500


def test_entry_rounds_are_listed_for_everyone_logged_in(users, sasebo):
    for role in ROLES:
        response = client_for(role, users).get("/api/v1/entry-rounds/", {"strategy": "sasebo-dx"})
        if role == "anonymous":
            assert response.status_code == 401
            continue
        (entry_round,) = response.json()["results"]
        assert (entry_round["fiscal_year"], entry_round["is_open"], entry_round["closed_at"]) == (FY, True, None)


def test_opening_a_round_validates_through_the_service(users, sasebo):
    client = client_for("dx_office", users)
    now = timezone.now()
    count = EntryRound.objects.count()
    response = client.post("/api/v1/entry-rounds/", {"strategy": "sasebo-dx", "fiscal_year": 2025,
                                                     "opens_at": now.isoformat(), "deadline": now.isoformat()},
                           format="json")
    assert response.status_code == 400 and "deadline" in response.json()
    response = client.post("/api/v1/entry-rounds/", {"strategy": "sasebo-dx", "fiscal_year": FY,
                                                     "opens_at": now.isoformat(),
                                                     "deadline": (now + timedelta(days=1)).isoformat()},
                           format="json")
    assert response.status_code == 400  # the year already has a round: reschedule it with PATCH
    assert EntryRound.objects.count() == count


# --- the admin shows the workflow's records read-only --------------------------------------


@pytest.mark.parametrize("model", [EntryRound, EntryRoundEvent, ReviewEvent, ReminderLog])
def test_admin_shows_workflow_records_read_only(client, users, sasebo, model):
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)
    workflow.entry_round_close(user=users["carol"], entry_round=entry_round, reason="締切")
    (value,) = _pending_rows("観光商工部", 1)
    ReviewEvent.objects.create(yearly_value=value, stage="department", action="submitted", from_status="draft",
                               to_status="submitted", user=users["alice"])
    ReminderLog.objects.create(entry_round=entry_round, kind="summary", sent_on=timezone.localdate(), recipients="x")
    client.force_login(users["dave"])
    info = (model._meta.app_label, model._meta.model_name)
    obj = model.objects.order_by("pk").first()
    assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200
    assert client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 200  # view only
    assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 403
    before = list(model.objects.values())
    client.post(reverse("admin:%s_%s_change" % info, args=[obj.pk]), {})
    client.post(reverse("admin:%s_%s_delete" % info, args=[obj.pk]), {"post": "yes"})
    assert list(model.objects.values()) == before


# --- the same matrix through the web pages (kpis/urls.py, namespace "entry") -----------------
#
# The pages answer a refusal with the "not allowed" page (403), or, for the forms that act on
# a selection of rows (submit, approve), by redirecting back with an error message; an
# anonymous visitor is sent to the login page. Whatever the form, nothing may change.


def _local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _web(name, args, data):
    def call(client, rows, entry_round):
        resolved = [rows[0].pk if arg == "row" else arg for arg in args]
        payload = data(rows, entry_round) if callable(data) else data
        return client.post(reverse(f"entry:{name}", args=resolved), payload)
    return call


def _web_round_form(rows, entry_round):
    now = timezone.now()
    return {"fiscal_year": 2025, "opens_at": _local_input(now), "deadline": _local_input(now + timedelta(days=14)),
            "reminder_days": "3, 1"}


def _web_reschedule(rows, entry_round):
    return {"opens_at": _local_input(entry_round.opens_at),
            "deadline": _local_input(entry_round.deadline + timedelta(days=3)), "reminder_days": "7, 1"}


WEB_CASES = {
    "save": Case(S.NOT_ENTERED, DEPARTMENT, _web("save-row", ["row"], lambda rows, _r: {
        "actual": "７", "comment": "画面から", "version": rows[0].version})),
    "submit": Case(S.DRAFT, DEPARTMENT, _web("submit", ["sasebo-dx", FY], lambda rows, _r: {
        "rows": [row.pk for row in rows]}), rows=2),
    "approve_first": Case(S.SUBMITTED, ("manager_own",), _web("approve", ["sasebo-dx", FY], lambda rows, _r: {
        "rows": [row.pk for row in rows]})),
    "approve_second": Case(S.FIRST_APPROVED, OFFICE, _web("approve", ["sasebo-dx", FY], lambda rows, _r: {
        "rows": [row.pk for row in rows], "comment": "可"}), rows=2),
    "return_first": Case(S.SUBMITTED, ("manager_own",), _web("return", ["row"], {"comment": "桁を確認"})),
    "return_second": Case(S.FIRST_APPROVED, OFFICE, _web("return", ["row"], {"comment": "根拠を追記"})),
    "revise_target": Case(S.NOT_ENTERED, OFFICE, _web("revise-target", ["row"], {"planned": "123", "reason": "見直し"})),
    "reopen_row": Case(S.APPROVED, ("admin",), _web("reopen-value", ["row"], {"reason": "訂正"})),
    "open_round": Case(S.NOT_ENTERED, OFFICE, _web("round-new", ["sasebo-dx"], _web_round_form)),
    "reschedule_round": Case(S.NOT_ENTERED, OFFICE, _web("round-edit", ["sasebo-dx", FY], _web_reschedule)),
    "close_round": Case(S.NOT_ENTERED, OFFICE, _web("round-close", ["sasebo-dx", FY], {"reason": "締切"})),
    "reopen_round": Case(S.NOT_ENTERED, ("admin",), _web("round-reopen", ["sasebo-dx", FY], {"reason": "訂正"}),
                         closed=True),
}


def _web_client(role, users):
    from django.test import Client

    client = Client()
    if ROLES[role]:
        client.force_login(users[ROLES[role]])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", WEB_CASES)
def test_role_action_matrix_on_the_web(users, sasebo, action, role):
    from django.contrib.messages import ERROR, get_messages

    case = WEB_CASES[action]
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)
    rows = [prepare(value, case.status, users) for value in _pending_rows("観光商工部", case.rows)]
    if case.closed:
        workflow.entry_round_close(user=users["carol"], entry_round=entry_round)
    entry_round.refresh_from_db()
    before = snapshot(rows)
    response = case.call(_web_client(role, users), rows, entry_round)
    if role in case.allowed:
        assert response.status_code in (200, 302), response.content[:500]
        assert snapshot(rows) != before
        return
    assert snapshot(rows) == before
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif response.status_code == 302:  # a selection form: back to the page, saying why
        assert [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
    else:
        assert response.status_code == 403, (response.status_code, response.content[:300])


SECRET = "秘密の下書き-737373"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_leak_on_the_web_pages(users, sasebo, role):
    """alice submits 737,373 with a marked comment: it shows on the grid and in the history to
    those who may see it, and on no page (grid, review queue, tracker, histories) to the others."""
    (value,) = _pending_rows("観光商工部", 1)
    workflow.entry_save(user=users["alice"], yearly_value=value, actual="737373", comment=SECRET,
                        expected_version=value.version)
    workflow.entry_submit(user=users["alice"], yearly_values=[value])
    department = value.indicator.responsible_department_id
    client = _web_client(role, users)
    grid = reverse("entry:grid", args=["sasebo-dx", FY]) + f"?department={department}"
    history = reverse("entry:indicator-history", args=[value.indicator_id])
    pages = [
        grid, history,
        reverse("entry:review", args=["sasebo-dx", FY]) + "?status=",
        reverse("entry:tracker", args=["sasebo-dx", FY]),
        reverse("entry:department-history", args=["sasebo-dx", FY]) + f"?department={department}",
    ]
    html = {page: client.get(page).content.decode() for page in pages}
    if role in SEES_UNAPPROVED:
        for page in (grid, history):
            assert SECRET in html[page] and "737,373" in html[page], (role, page)
    else:
        for page, text in html.items():
            assert SECRET not in text and "737,373" not in text and "737373" not in text, (role, page)
