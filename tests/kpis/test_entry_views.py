"""The entry pages: landing, the grid, saving a row (htmx and plain), submitting, the
tracker, the history and the entry periods, with every refusal.

Demo data: Sasebo opens 令和6年度 (FY2024). alice (staff) and bob (manager) are
観光商工部, frank is staff of 農林水産部, carol the DX office, dave an administrator,
erin a viewer. Pages are Japanese by default; the assertions look for data (codes,
values) and for the status labels the catalogue already translates.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kpis import workflow
from kpis.models import EntryRound, EntryRoundEvent, EntryStatus, RoundText, YearlyValue
from plans.models import Department, Role, User
from tests.factories import add_department_rows

FY = 2024
GRID = "/entry/sasebo-dx/2024/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def entry_round(sasebo):
    return EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)


def _row(code) -> YearlyValue:
    return YearlyValue.objects.get(indicator__strategy__code="sasebo-dx", indicator__code=code, fiscal_year=FY)


def _save_url(row):
    return f"/entry/values/{row.pk}/save/"


def _html(response) -> str:
    return response.content.decode()


def _input_value(html, row, name="actual"):
    if name == "actual":
        match = re.search(rf'id="actual-{row.pk}"[^>]*?value="([^"]*)"', html, re.S)
    else:
        match = re.search(rf'id="comment-{row.pk}"[^>]*>([^<]*)</textarea>', html, re.S)
    return match.group(1) if match else None


# --- landing -------------------------------------------------------------------------------


def test_staff_and_managers_land_on_the_entry_grid(client, alice, bob):
    for user in (alice, bob):
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302 and response.url == GRID


def test_the_plan_list_stays_reachable(client, alice):
    client.force_login(alice)
    response = client.get("/?list=1")
    assert response.status_code == 200 and "佐世保市DX戦略" in _html(response)


@pytest.mark.parametrize("username", ["carol", "dave", "erin"])
def test_other_roles_land_on_the_plan_list(client, db, username):
    client.force_login(User.objects.get(username=username))
    assert client.get("/").status_code == 200


def test_no_landing_redirect_once_the_year_is_closed(client, alice, carol, entry_round):
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    client.force_login(alice)
    assert client.get("/").status_code == 200


def test_pages_need_login(client, sasebo):
    for url in ("/entry/", GRID, GRID + "review/", GRID + "tracker/", "/entry/rounds/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- the grid ----------------------------------------------------------------------------------


def test_grid_shows_the_departments_rows_with_inputs(client, alice, entry_round):
    client.force_login(alice)
    response = client.get(GRID)
    html = _html(response)
    assert response.status_code == 200
    assert html.count('name="actual"') == 18  # every 観光商工部 row of FY2024
    assert "観光-KPI1" in html and "データを活用した事業立案数" in html
    assert "DX重点課題" in html and "課題" in html  # level names from the strategy
    assert "令和6年度 (2024年度)" in html
    assert "未入力" in html  # status as text, from the catalogue
    assert "window-open" in html
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html and 'src="/static/js/entry_grid.js"' in html
    assert "http://" not in html.replace('xmlns="http://', "") and "https://" not in html


def test_grid_shows_earlier_actuals_and_plan(client, alice):
    client.force_login(alice)
    html = _html(client.get(GRID))
    row = _row("観光-KPI3")
    body = html[html.index(f'id="row-{row.pk}"'):]
    body = body[:body.index("</tbody>")]
    cells = re.findall(r'<td class="num (?:planned|previous|target)">([^<]*)', body)
    assert cells == ["20", "10", "16", "20", "20"]  # plan R6, actuals R3–R5, final target (R9 plan)


def test_other_department_sees_the_grid_read_only_without_drafts(client, alice, frank):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="4321", comment="下書きのコメント",
                        expected_version=row.version)
    client.force_login(frank)
    html = _html(client.get(f"{GRID}?department={alice.department_id}"))
    assert 'name="actual"' not in html
    assert "4321" not in html and "下書きのコメント" not in html


def test_dx_office_picks_a_department_and_reads_everything(client, alice, carol):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="4321", comment="", expected_version=row.version)
    client.force_login(carol)
    html = _html(client.get(GRID))
    assert 'name="department"' in html and 'name="actual"' not in html
    html = _html(client.get(f"{GRID}?department={alice.department_id}"))
    assert "4,321" in html and 'name="actual"' not in html


@pytest.mark.parametrize("state", ["ended", "upcoming", "closed"])
def test_outside_the_window_the_grid_is_read_only_and_says_so(client, alice, carol, entry_round, state):
    now = timezone.now()
    if state == "ended":
        entry_round.opens_at, entry_round.deadline = now - timedelta(days=30), now - timedelta(minutes=1)
        entry_round.save()
    elif state == "upcoming":
        entry_round.opens_at, entry_round.deadline = now + timedelta(days=1), now + timedelta(days=30)
        entry_round.save()
    else:
        workflow.entry_round_close(user=carol, entry_round=entry_round)
    client.force_login(alice)
    html = _html(client.get(GRID))
    assert f"window-{state}" in html
    assert 'name="actual"' not in html and 'id="submit-form"' not in html
    deadline = timezone.localtime(entry_round.deadline)
    if state != "closed":
        assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in html


def test_no_round_for_the_year(client, alice):
    client.force_login(alice)
    html = _html(client.get("/entry/sasebo-dx/2025/"))
    assert "window-none" in html and 'name="actual"' not in html


# --- saving a row -------------------------------------------------------------------------------


def test_htmx_save_normalises_the_value_and_returns_the_row(client, alice):
    row = _row("観光-KPI1")
    client.force_login(alice)
    response = client.post(_save_url(row), {"actual": " １２，３４５ ", "comment": "順調", "version": row.version},
                           **HTMX)
    assert response.status_code == 200 and response["X-Entry-Outcome"] == "saved"
    html = _html(response)
    assert html.lstrip().startswith(f'<tbody id="row-{row.pk}"')
    assert _input_value(html, row) == "12,345"
    assert f'name="version" value="{row.version + 1}"' in html
    assert "下書き" in html
    row.refresh_from_db()
    assert (row.actual.display(), row.comment, row.status) == ("12,345", "順調", EntryStatus.DRAFT)


@pytest.mark.parametrize("typed, shown", [("－", "－"), ("…", "…"), ("５．５％", "5.5")])
def test_dash_ellipsis_and_percent_are_values(client, alice, typed, shown):
    row = _row("観光-KPI2")
    client.force_login(alice)
    client.post(_save_url(row), {"actual": typed, "comment": "", "version": row.version}, **HTMX)
    row.refresh_from_db()
    assert row.actual.display() == shown and row.status == EntryStatus.DRAFT


def test_invalid_value_is_refused_naming_the_row_and_keeps_the_typed_text(client, alice):
    row = _row("観光-KPI1")
    client.force_login(alice)
    response = client.post(_save_url(row), {"actual": "12件くらい", "comment": "途中まで", "version": row.version},
                           **HTMX)
    assert response["X-Entry-Outcome"] == "invalid"
    html = _html(response)
    assert _input_value(html, row) == "12件くらい"
    assert _input_value(html, row, "comment") == "途中まで"
    assert "data-unsaved" in html and 'aria-invalid="true"' in html
    message = re.search(r'<p class="error" role="alert">([^<]*)</p>', html).group(1)
    assert message.startswith("観光-KPI1 データを活用した事業立案数")
    assert "数値として読めません" in message
    unchanged = YearlyValue.objects.get(pk=row.pk)
    assert (unchanged.version, unchanged.actual_state, unchanged.comment) == (row.version, "empty", "")


def test_stale_save_shows_the_other_value_keeps_the_typed_one_and_overwrites_nothing(client, alice, bob):
    row = _row("観光-KPI1")
    loaded = row.version  # both opened the page at this version
    client.force_login(alice)
    client.post(_save_url(row), {"actual": "111", "comment": "アリスの値", "version": loaded}, **HTMX)
    client.force_login(bob)
    response = client.post(_save_url(row), {"actual": "222", "comment": "ボブの値", "version": loaded}, **HTMX)
    assert response["X-Entry-Outcome"] == "conflict"
    html = _html(response)
    assert '<span class="their-actual">111</span>' in html
    assert '<span class="their-comment">アリスの値</span>' in html
    assert _input_value(html, row) == "222" and _input_value(html, row, "comment") == "ボブの値"
    assert "data-unsaved" in html
    stored = YearlyValue.objects.get(pk=row.pk)
    assert (stored.actual.display(), stored.comment, stored.version) == ("111", "アリスの値", loaded + 1)
    # The row now carries the current version: saving again replaces the value knowingly.
    assert f'name="version" value="{loaded + 1}"' in html
    again = client.post(_save_url(row), {"actual": "222", "comment": "ボブの値", "version": loaded + 1}, **HTMX)
    assert again["X-Entry-Outcome"] == "saved"
    assert YearlyValue.objects.get(pk=row.pk).actual.display() == "222"


def test_another_department_cannot_save(client, frank):
    row = _row("観光-KPI1")
    client.force_login(frank)
    response = client.post(_save_url(row), {"actual": "5", "comment": "", "version": row.version}, **HTMX)
    assert response["X-Entry-Outcome"] == "refused"
    assert YearlyValue.objects.get(pk=row.pk).version == row.version


@pytest.mark.parametrize("username", ["carol", "erin"])
def test_reviewers_and_viewers_cannot_save(client, db, username):
    row = _row("観光-KPI1")
    client.force_login(User.objects.get(username=username))
    response = client.post(_save_url(row), {"actual": "5", "comment": "", "version": row.version})
    assert response.status_code == 403
    assert YearlyValue.objects.get(pk=row.pk).actual_state == "empty"


def test_no_save_after_the_deadline(client, alice, entry_round):
    entry_round.opens_at = timezone.now() - timedelta(days=30)
    entry_round.deadline = timezone.now() - timedelta(seconds=1)
    entry_round.save()
    row = _row("観光-KPI1")
    client.force_login(alice)
    response = client.post(_save_url(row), {"actual": "5", "comment": "遅れた", "version": row.version}, **HTMX)
    assert response["X-Entry-Outcome"] == "refused"
    html = _html(response)
    # The row is read-only now, but what was typed is still shown so it is not lost.
    assert 'name="actual"' not in html
    assert '<span class="typed-actual">5</span>' in html and '<span class="typed-comment">遅れた</span>' in html
    assert YearlyValue.objects.get(pk=row.pk).actual_state == "empty"


def test_submitted_rows_are_read_only_to_staff(client, alice):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="5", comment="", expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    row.refresh_from_db()
    client.force_login(alice)
    html = _html(client.get(GRID))
    assert f'id="actual-{row.pk}"' not in html
    response = client.post(_save_url(row), {"actual": "6", "comment": "", "version": row.version}, **HTMX)
    assert response["X-Entry-Outcome"] == "refused"
    assert YearlyValue.objects.get(pk=row.pk).actual.display() == "5"


def test_plain_post_without_javascript(client, alice):
    row = _row("観光-KPI1")
    client.force_login(alice)
    response = client.post(_save_url(row), {"actual": "7", "comment": "", "version": row.version})
    assert response.status_code == 302 and response.url == f"{GRID}#row-{row.pk}"
    response = client.post(_save_url(row), {"actual": "七", "comment": "", "version": row.version + 1})
    assert response.status_code == 400
    html = _html(response)
    assert "<html" in html and _input_value(html, row) == "七"
    response = client.post(_save_url(row), {"actual": "8", "comment": "", "version": row.version})
    assert response.status_code == 409 and '<span class="their-actual">7</span>' in _html(response)


def test_missing_version_is_refused_without_saving(client, alice):
    row = _row("観光-KPI1")
    client.force_login(alice)
    response = client.post(_save_url(row), {"actual": "7", "comment": ""}, **HTMX)
    assert response["X-Entry-Outcome"] == "invalid"
    assert YearlyValue.objects.get(pk=row.pk).actual_state == "empty"


def test_save_needs_post(client, alice):
    client.force_login(alice)
    assert client.get(_save_url(_row("観光-KPI1"))).status_code == 405


# --- submitting ---------------------------------------------------------------------------------


def _draft(user, code, actual="5"):
    row = _row(code)
    return workflow.entry_save(user=user, yearly_value=row, actual=actual, comment="", expected_version=row.version)


def test_submit_all_drafts(client, alice):
    drafts = [_draft(alice, code) for code in ("観光-KPI1", "観光-KPI2", "観光-KPI3")]
    client.force_login(alice)
    response = client.post(GRID + "submit/", {"scope": "drafts"}, follow=True)
    assert response.redirect_chain == [(GRID, 302)]
    assert {YearlyValue.objects.get(pk=d.pk).status for d in drafts} == {EntryStatus.SUBMITTED}
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert "3" in str(list(response.context["messages"])[0])


def test_submit_a_selection_only(client, alice):
    first, second = _draft(alice, "観光-KPI1"), _draft(alice, "観光-KPI2")
    client.force_login(alice)
    client.post(GRID + "submit/", {"scope": "selected", "rows": [str(first.pk)]})
    assert YearlyValue.objects.get(pk=first.pk).status == EntryStatus.SUBMITTED
    assert YearlyValue.objects.get(pk=second.pk).status == EntryStatus.DRAFT


def test_submit_is_all_or_nothing_and_lists_the_reasons(client, alice):
    draft = _draft(alice, "観光-KPI1")
    empty = _row("観光-KPI2")
    client.force_login(alice)
    response = client.post(GRID + "submit/", {"scope": "selected", "rows": [draft.pk, empty.pk]}, follow=True)
    assert YearlyValue.objects.get(pk=draft.pk).status == EntryStatus.DRAFT
    assert YearlyValue.objects.get(pk=empty.pk).status == EntryStatus.NOT_ENTERED
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 2 and errors[1].startswith("観光-KPI2 ")


def test_submitting_another_departments_row_is_refused(client, alice, frank):
    draft = _draft(alice, "観光-KPI1")
    client.force_login(frank)
    response = client.post(GRID + "submit/", {"scope": "selected", "rows": [draft.pk]}, follow=True)
    assert YearlyValue.objects.get(pk=draft.pk).status == EntryStatus.DRAFT
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors[1].startswith("観光-KPI1 ")


def test_nothing_selected_submits_nothing(client, alice):
    _draft(alice, "観光-KPI1")
    client.force_login(alice)
    client.post(GRID + "submit/", {"scope": "selected"})
    assert not YearlyValue.objects.filter(status=EntryStatus.SUBMITTED, indicator__strategy__code="sasebo-dx").exists()


def test_a_returned_row_shows_the_comment_and_can_be_corrected_and_resubmitted(client, alice, bob):
    row = _draft(alice, "観光-KPI1", "5")
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_return(user=bob, yearly_value=row, comment="前年度の数値と取り違えていませんか")
    row.refresh_from_db()
    client.force_login(alice)
    html = _html(client.get(GRID))
    assert "review-comment is-returned" in html and "前年度の数値と取り違えていませんか" in html
    assert "差戻し" in html and f'id="actual-{row.pk}"' in html
    response = client.post(_save_url(row), {"actual": "6", "comment": "修正しました", "version": row.version}, **HTMX)
    assert response["X-Entry-Outcome"] == "saved"
    client.post(GRID + "submit/", {"scope": "drafts"})
    row.refresh_from_db()
    assert (row.status, row.actual.display()) == (EntryStatus.SUBMITTED, "6")


def test_entry_page_query_count_is_the_same_for_10_and_100_indicators(client, sasebo, django_assert_num_queries):
    department = Department.objects.create(municipality=sasebo.municipality, name="テスト課", order=99)
    tess = User.objects.create_user(username="tess", password="x", role=Role.STAFF, department=department)
    client.force_login(tess)

    def page():
        # session, user, strategy, the user's department, the entry round,
        # rows (with indicator, policy, measure, project), reviewer comments (prefetch),
        # earlier years' and the plan's last year's values, the round's texts (with their nodes)
        with django_assert_num_queries(9):
            return _html(client.get(GRID))

    add_department_rows(sasebo, department, 10)
    assert page().count('name="actual"') == 10
    add_department_rows(sasebo, department, 90)
    assert page().count('name="actual"') == 100


# --- tracker -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "erin"])
def test_tracker_counts_per_department_with_the_deadline(client, alice, username, entry_round):
    workflow.entry_submit(user=alice, yearly_values=[_draft(alice, "観光-KPI1")])
    _draft(alice, "観光-KPI2")
    client.force_login(User.objects.get(username=username))
    response = client.get(GRID + "tracker/")
    html = _html(response)
    assert response.status_code == 200
    line = re.search(rf'data-department="{alice.department_id}">(.*?)</tr>', html, re.S).group(1)
    counts = re.findall(r'class="num status-count-(\w+)">(\d+)<', line)
    # The department's texts and statuses of the round (all 未入力 here) count with its figures.
    texts = RoundText.objects.filter(department_id=alice.department_id, fiscal_year=FY, strategy__code="sasebo-dx")
    assert texts.exclude(status=EntryStatus.NOT_ENTERED).count() == 0
    assert dict(counts) == {"not_entered": str(16 + texts.count()), "draft": "1", "submitted": "1", "first_approved": "0",
                            "returned": "0", "approved": "0"}
    deadline = timezone.localtime(entry_round.deadline)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in line


# --- history ---------------------------------------------------------------------------------------


def test_history_of_an_indicator_shows_who_old_new_and_reason(client, alice, bob):
    row = _draft(alice, "観光-KPI1", "5")
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_return(user=bob, yearly_value=row, comment="単位は件です")
    client.force_login(alice)
    response = client.get(f"/entry/indicators/{row.indicator_id}/history/")
    html = _html(response)
    assert response.status_code == 200
    assert "単位は件です" in html and "bob" in html and "alice" in html
    assert '<span class="new">5</span>' in html


@pytest.mark.parametrize("username, status", [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 200),
                                              ("frank", 403), ("erin", 403)])
def test_history_is_for_the_department_and_the_dx_office(client, alice, username, status):
    row = _row("観光-KPI1")
    client.force_login(User.objects.get(username=username))
    assert client.get(f"/entry/indicators/{row.indicator_id}/history/").status_code == status
    assert client.get(f"{GRID}history/?department={alice.department_id}").status_code == status


def test_department_history_lists_the_years_changes(client, alice):
    _draft(alice, "観光-KPI1", "5")
    _draft(alice, "観光-KPI2", "－")
    client.force_login(alice)
    html = _html(client.get(GRID + "history/"))
    assert "観光-KPI1" in html and "観光-KPI2" in html and '<span class="new">－</span>' in html


# --- entry periods ---------------------------------------------------------------------------------


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_dx_office_opens_an_entry_period_and_the_rows_appear(client, carol, sasebo):
    client.force_login(carol)
    assert client.get("/entry/rounds/").status_code == 200
    assert client.get("/entry/rounds/sasebo-dx/new/").status_code == 200
    now = timezone.now()
    response = client.post("/entry/rounds/sasebo-dx/new/", {
        "fiscal_year": "2025", "opens_at": _local(now), "deadline": _local(now + timedelta(days=20)),
        "reminder_days": "７、３, 1",
    })
    assert response.status_code == 302
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=2025)
    assert entry_round.reminder_days == [7, 3, 1]
    assert YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2025, indicator__kind="kpi").count() == \
        sasebo.indicators.filter(kind="kpi").count()


def test_deadline_before_opening_is_refused(client, carol, sasebo):
    client.force_login(carol)
    now = timezone.now()
    response = client.post("/entry/rounds/sasebo-dx/new/", {
        "fiscal_year": "2025", "opens_at": _local(now), "deadline": _local(now - timedelta(days=1)),
        "reminder_days": "",
    })
    assert response.status_code == 400
    assert not EntryRound.objects.filter(strategy=sasebo, fiscal_year=2025).exists()


def test_rescheduling_keeps_the_fiscal_year(client, carol, entry_round):
    client.force_login(carol)
    new_deadline = entry_round.deadline + timedelta(days=7)
    response = client.post("/entry/rounds/sasebo-dx/2024/", {
        "fiscal_year": "2023", "opens_at": _local(entry_round.opens_at), "deadline": _local(new_deadline),
        "reminder_days": "3",
    })
    assert response.status_code == 302
    entry_round.refresh_from_db()
    assert entry_round.fiscal_year == FY and _local(entry_round.deadline) == _local(new_deadline)
    assert not EntryRound.objects.filter(strategy=entry_round.strategy, fiscal_year=2023).exists()


@pytest.mark.parametrize("username", ["alice", "bob", "erin"])
def test_only_the_dx_office_and_admins_manage_periods(client, username, entry_round):
    client.force_login(User.objects.get(username=username))
    assert client.get("/entry/rounds/").status_code == 403
    assert client.post("/entry/rounds/sasebo-dx/2024/close/").status_code == 403
    assert not EntryRound.objects.get(pk=entry_round.pk).is_closed


def test_close_the_year_then_an_admin_reopens_it_with_a_reason(client, carol, dave, entry_round):
    client.force_login(carol)
    assert client.get("/entry/rounds/sasebo-dx/2024/close/").status_code == 200
    assert client.post("/entry/rounds/sasebo-dx/2024/close/", {"reason": "年度確定"}).status_code == 302
    entry_round.refresh_from_db()
    assert entry_round.is_closed and entry_round.closed_by == carol
    assert client.post("/entry/rounds/sasebo-dx/2024/reopen/", {"reason": "誤り"}).status_code == 403
    client.force_login(dave)
    assert client.post("/entry/rounds/sasebo-dx/2024/reopen/", {"reason": ""}).status_code == 400
    assert EntryRound.objects.get(pk=entry_round.pk).is_closed
    assert client.post("/entry/rounds/sasebo-dx/2024/reopen/", {"reason": "議会資料の誤りを訂正"}).status_code == 302
    assert not EntryRound.objects.get(pk=entry_round.pk).is_closed
    assert EntryRoundEvent.objects.filter(entry_round=entry_round, action="reopened", reason="議会資料の誤りを訂正").exists()


def test_entry_index_lists_the_rounds(client, alice, erin):
    client.force_login(alice)
    html = _html(client.get("/entry/"))
    assert GRID in html and "令和6年度 (2024年度)" in html
    client.force_login(erin)
    assert GRID in _html(client.get("/entry/"))


# --- navigation targets ------------------------------------------------------------------------


def test_navigation_links_open_the_current_round(client, alice, carol, entry_round):
    client.force_login(alice)
    assert client.get("/entry/current/entry/").url == GRID
    client.force_login(carol)
    assert client.get("/entry/current/review/").url == GRID + "review/"
    assert client.get("/entry/current/tracker/").url == GRID + "tracker/"
    # A closed year is still the latest one: the tracker and review stay one click away.
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    assert client.get("/entry/current/review/").url == GRID + "review/"
    assert client.get("/entry/current/unknown/").status_code == 404


def test_navigation_without_any_round_goes_to_the_index(client, carol):
    EntryRound.objects.all().delete()
    client.force_login(carol)
    assert client.get("/entry/current/entry/").url == "/entry/"


def test_paged_review_queue_query_count_is_the_same_for_10_and_100_indicators(
        client, carol, sasebo, django_assert_num_queries, monkeypatch):
    """The queue is bounded (issue 16): a page of 5 rows costs the same at 10 and 100 rows
    waiting, the count and "approve all matching" included."""
    from kpis import selectors_review

    monkeypatch.setattr(selectors_review, "PAGE_SIZE", 5)
    department = Department.objects.create(municipality=sasebo.municipality, name="テスト課", order=99)
    client.force_login(carol)
    url = f"{GRID}review/?department={department.pk}&page=2"

    def page():
        # session, user, strategy, entry round, departments with rows (filter choices),
        # the page's rows plus one (with indicator, department, plan path, last year's actual),
        # their reviewer comments (prefetch), the count of matching rows, the ids of the rows
        # carol may approve ("approve all matching"), carol's department and its parent (header),
        # the round's texts and statuses waiting (one query with their nodes)
        with django_assert_num_queries(12):
            return _html(client.get(url))

    add_department_rows(sasebo, department, 10, status=EntryStatus.FIRST_APPROVED)
    html = page()
    assert html.count('<tr id="review-') == 5 and 'name="expected" value="10"' in html
    add_department_rows(sasebo, department, 90, status=EntryStatus.FIRST_APPROVED)
    html = page()
    assert html.count('<tr id="review-') == 5 and 'name="expected" value="100"' in html
