"""The review pages: the queue with its filters, bulk approval in two stages, returning
with a comment, target revision and reopening, with every refusal.

bob is the manager of 観光商工部 (一次評価), carol the DX office (二次評価), dave an
administrator; alice enters 観光商工部's values, frank 農林水産部's.
"""

import re

import pytest

from kpis import workflow
from kpis.models import EntryRound, EntryStatus, ReviewEvent, TargetRevision, YearlyValue
from plans.models import Department, User
from tests.factories import add_department_rows

FY = 2024
QUEUE = "/entry/sasebo-dx/2024/review/"


@pytest.fixture
def entry_round(sasebo):
    return EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)


def _row(code) -> YearlyValue:
    return YearlyValue.objects.get(indicator__strategy__code="sasebo-dx", indicator__code=code, fiscal_year=FY)


def _submitted(user, *codes_and_actuals):
    rows = []
    for code, actual in codes_and_actuals:
        row = _row(code)
        rows.append(workflow.entry_save(user=user, yearly_value=row, actual=actual, comment=f"{code}の評価",
                                        expected_version=row.version))
    workflow.entry_submit(user=user, yearly_values=rows)
    return [YearlyValue.objects.get(pk=row.pk) for row in rows]


def _queue_rows(html) -> list[str]:
    """The yearly value ids listed in the queue, in order."""
    return re.findall(r'<tr id="review-(\d+)"', html)


def _checkboxes(html) -> list[str]:
    return re.findall(r'name="rows" value="(\d+)" form="approve-form"', html)


def _status(row):
    return YearlyValue.objects.get(pk=row.pk).status


@pytest.mark.parametrize("username", ["alice", "frank", "erin"])
def test_only_reviewers_open_the_queue(client, db, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(QUEUE).status_code == 403


def test_manager_sees_submitted_rows_of_the_department_waiting_for_him(client, alice, bob, frank):
    mine = _submitted(alice, ("観光-KPI1", "8"), ("観光-KPI3", "15"))
    farm = YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=FY, indicator__responsible_department=frank.department
    ).first()
    workflow.entry_save(user=frank, yearly_value=farm, actual="1", comment="", expected_version=farm.version)
    workflow.entry_submit(user=frank, yearly_values=[farm])
    client.force_login(bob)
    html = client.get(QUEUE).content.decode()
    assert sorted(_queue_rows(html)) == sorted(str(r.pk) for r in mine)
    assert sorted(_checkboxes(html)) == sorted(str(r.pk) for r in mine)
    assert 'name="department"' not in html  # managers review their own department only
    assert "観光-KPI1の評価" in html  # the department's comment is shown to the reviewer
    # Even asking for another department by URL shows only his own.
    other = client.get(f"{QUEUE}?status=&department={frank.department_id}").content.decode()
    assert str(farm.pk) not in _queue_rows(other)


def test_filters_grade_behind_and_worse(client, alice, bob):
    # 観光-KPI3: plan 20, last year 20 → 15 is grade C, behind and worse than last year.
    # 観光-KPI1: plan 6, last year 7 → 8 is grade A and better than last year.
    behind, ahead = _submitted(alice, ("観光-KPI3", "15"), ("観光-KPI1", "8"))
    client.force_login(bob)
    html = client.get(QUEUE).content.decode()
    assert "75.0%" in html and "133.3%" in html
    assert _queue_rows(client.get(QUEUE + "?status=waiting&behind=on").content.decode()) == [str(behind.pk)]
    assert _queue_rows(client.get(QUEUE + "?status=waiting&worse=on").content.decode()) == [str(behind.pk)]
    assert _queue_rows(client.get(QUEUE + "?status=waiting&grade=A").content.decode()) == [str(ahead.pk)]
    assert _queue_rows(client.get(QUEUE + "?status=approved").content.decode()) == []


def test_dx_office_filters_by_department_and_status(client, alice, carol):
    _submitted(alice, ("観光-KPI1", "8"))
    client.force_login(carol)
    department = alice.department_id
    html = client.get(f"{QUEUE}?status=&department={department}").content.decode()
    expected = YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=FY, indicator__responsible_department=department
    ).count()
    assert len(_queue_rows(html)) == expected == 18
    assert _checkboxes(html) == []  # submitted rows wait for the manager first
    other = Department.objects.get(municipality__code="sasebo", name="農林水産部")
    html = client.get(f"{QUEUE}?status=&department={other.pk}").content.decode()
    assert str(_row("観光-KPI1").pk) not in _queue_rows(html)


def test_two_stage_bulk_approval(client, alice, bob, carol):
    first, second = _submitted(alice, ("観光-KPI1", "8"), ("観光-KPI2", "5"))
    client.force_login(bob)
    response = client.post(QUEUE + "approve/", {"rows": [first.pk, second.pk], "next": QUEUE + "?status=waiting"})
    assert response.status_code == 302 and response.url == QUEUE + "?status=waiting"
    assert {_status(first), _status(second)} == {EntryStatus.FIRST_APPROVED}
    client.force_login(carol)
    html = client.get(QUEUE).content.decode()
    assert sorted(_checkboxes(html)) == sorted([str(first.pk), str(second.pk)])
    client.post(QUEUE + "approve/", {"rows": [first.pk], "comment": "確認しました"})
    assert (_status(first), _status(second)) == (EntryStatus.APPROVED, EntryStatus.FIRST_APPROVED)
    assert ReviewEvent.objects.filter(yearly_value=first, comment="確認しました").exists()


def test_bulk_approval_is_all_or_nothing(client, alice, bob):
    (waiting,) = _submitted(alice, ("観光-KPI1", "8"))
    draft = _row("観光-KPI2")
    workflow.entry_save(user=alice, yearly_value=draft, actual="1", comment="", expected_version=draft.version)
    client.force_login(bob)
    response = client.post(QUEUE + "approve/", {"rows": [waiting.pk, draft.pk]}, follow=True)
    assert _status(waiting) == EntryStatus.SUBMITTED and _status(draft) == EntryStatus.DRAFT
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 2 and errors[1].startswith("観光-KPI2 ")


def test_the_dx_office_cannot_approve_before_the_manager(client, alice, carol):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    client.force_login(carol)
    client.post(QUEUE + "approve/", {"rows": [row.pk]})
    assert _status(row) == EntryStatus.SUBMITTED


def test_staff_cannot_approve(client, alice):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    client.force_login(alice)
    client.post(QUEUE + "approve/", {"rows": [row.pk]})
    assert _status(row) == EntryStatus.SUBMITTED


def test_return_needs_a_comment_and_goes_back_to_the_department(client, alice, bob):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    url = f"/entry/values/{row.pk}/return/"
    client.force_login(bob)
    page = client.get(url + "?next=" + QUEUE)
    assert page.status_code == 200 and "観光-KPI1" in page.content.decode()
    refused = client.post(url, {"comment": "   ", "next": QUEUE})
    assert refused.status_code == 400 and _status(row) == EntryStatus.SUBMITTED
    response = client.post(url, {"comment": "実績の出典を書いてください", "next": QUEUE})
    assert response.status_code == 302 and response.url == QUEUE
    assert _status(row) == EntryStatus.RETURNED
    assert ReviewEvent.objects.get(yearly_value=row, action="returned").comment == "実績の出典を書いてください"


def test_returning_a_row_not_waiting_for_you_is_refused(client, alice, bob, carol, frank):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    url = f"/entry/values/{row.pk}/return/"
    for user in (carol, frank):  # the manager's stage first; staff never review
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"comment": "x"}).status_code == 403
    assert _status(row) == EntryStatus.SUBMITTED


def test_next_must_stay_on_this_site(client, alice, bob):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    client.force_login(bob)
    response = client.post(f"/entry/values/{row.pk}/return/", {"comment": "x", "next": "https://evil.example/"})
    assert response.url == QUEUE


def test_target_revision_with_reason_by_the_dx_office(client, alice, carol):
    row = _row("観光-KPI1")
    url = f"/entry/values/{row.pk}/revise-target/"
    client.force_login(carol)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"planned": "7", "reason": ""})
    assert refused.status_code == 400 and _row("観光-KPI1").planned.display() == "6"
    assert client.post(url, {"planned": "７", "reason": "補正予算で拡充"}).status_code == 302
    revision = TargetRevision.objects.get(yearly_value=row)
    assert (revision.old.display(), revision.new.display(), revision.reason, revision.revised_by) == (
        "6", "7", "補正予算で拡充", carol
    )
    history = client.get(f"/entry/indicators/{row.indicator_id}/history/").content.decode()
    assert "補正予算で拡充" in history


@pytest.mark.parametrize("username", ["alice", "bob", "erin"])
def test_only_the_dx_office_and_admins_revise_targets(client, db, username):
    row = _row("観光-KPI1")
    client.force_login(User.objects.get(username=username))
    assert client.post(f"/entry/values/{row.pk}/revise-target/", {"planned": "9", "reason": "x"}).status_code == 403
    assert _row("観光-KPI1").planned.display() == "6"


def test_no_target_revision_in_a_closed_year(client, carol, entry_round):
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    row = _row("観光-KPI1")
    client.force_login(carol)
    response = client.post(f"/entry/values/{row.pk}/revise-target/", {"planned": "9", "reason": "x"})
    assert response.status_code == 400 and _row("観光-KPI1").planned.display() == "6"


def test_an_admin_reopens_an_approved_row_with_a_reason(client, alice, bob, carol, dave):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    workflow.review_approve(user=bob, yearly_values=[row])
    workflow.review_approve(user=carol, yearly_values=[row])
    url = f"/entry/values/{row.pk}/reopen/"
    client.force_login(carol)
    assert client.post(url, {"reason": "訂正"}).status_code == 403
    client.force_login(dave)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert _status(row) == EntryStatus.APPROVED
    assert client.post(url, {"reason": "出典の年度違い"}).status_code == 302
    assert _status(row) == EntryStatus.RETURNED
    client.force_login(alice)
    grid = client.get("/entry/sasebo-dx/2024/").content.decode()
    assert "出典の年度違い" in grid and f'id="actual-{row.pk}"' in grid


def test_reopening_a_row_that_is_not_approved_is_refused(client, alice, dave):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    client.force_login(dave)
    assert client.post(f"/entry/values/{row.pk}/reopen/", {"reason": "x"}).status_code == 400
    assert _status(row) == EntryStatus.SUBMITTED


def test_no_review_in_a_closed_year(client, alice, bob, carol, entry_round):
    (row,) = _submitted(alice, ("観光-KPI1", "8"))
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    client.force_login(bob)
    html = client.get(QUEUE).content.decode()
    assert "window-closed" in html and _checkboxes(html) == []
    client.post(QUEUE + "approve/", {"rows": [row.pk]})
    assert _status(row) == EntryStatus.SUBMITTED


def test_queue_query_count_is_the_same_for_10_and_100_indicators(client, carol, sasebo, django_assert_num_queries):
    department = Department.objects.create(municipality=sasebo.municipality, name="テスト課", order=99)
    client.force_login(carol)
    url = f"{QUEUE}?status=&department={department.pk}"

    def page():
        # session, user, strategy, entry round, departments with rows (filter choices),
        # rows (with indicator, department, last year's actual as subqueries),
        # reviewer comments (prefetch), the round's texts (with their nodes), carol's department
        # and its parent (page header)
        with django_assert_num_queries(10):
            return client.get(url).content.decode()

    add_department_rows(sasebo, department, 10, status=EntryStatus.FIRST_APPROVED)
    assert len(_checkboxes(page())) == 10
    add_department_rows(sasebo, department, 90, status=EntryStatus.FIRST_APPROVED)
    assert len(_checkboxes(page())) == 100
