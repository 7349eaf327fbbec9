"""The entry and review round through kpis.workflow: every transition and every refusal.

Rows are 令和6年度 (FY2024) KPIs of Sasebo, where the demo opens an entry round. alice
(staff) and bob (manager) are 観光商工部, frank is staff of 農林水産部, carol the DX office,
dave an administrator, erin a viewer. Every refusal also checks that nothing was written.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kpis import workflow
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    Indicator,
    IndicatorKind,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    TargetRevision,
    YearlyValue,
)
from plans.models import Department, Role, User
from tests.conftest import PASSWORD

FY = 2024
S, A, F, R, D = (EntryStatus.SUBMITTED, EntryStatus.APPROVED, EntryStatus.FIRST_APPROVED, EntryStatus.RETURNED,
                 EntryStatus.DRAFT)


@pytest.fixture
def entry_round(sasebo):
    return EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)


def _rows(department_name, n=2):
    return list(
        YearlyValue.objects.filter(
            indicator__strategy__code="sasebo-dx", fiscal_year=FY, status=EntryStatus.NOT_ENTERED,
            indicator__responsible_department__name=department_name,
        ).order_by("pk")[:n]
    )


@pytest.fixture
def row(alice):
    return _rows("観光商工部", 1)[0]


@pytest.fixture
def rows(alice):
    return _rows("観光商工部", 3)


@pytest.fixture
def other_manager(db):
    """A manager of 農林水産部 (frank's department)."""
    department = Department.objects.get(municipality__code="sasebo", name="農林水産部")
    return User.objects.create_user(username="grace", password=PASSWORD, role=Role.MANAGER, department=department)


def fresh(value) -> YearlyValue:
    return YearlyValue.objects.select_related("indicator__strategy", "updated_by").get(pk=value.pk)


def save(user, value, actual, comment=""):
    value = fresh(value)
    return workflow.entry_save(user=user, yearly_value=value, actual=actual, comment=comment,
                               expected_version=value.version)


def snapshot(*values):
    """Everything a refused action must leave as it was: the columns, history, events, revisions."""
    return [
        (
            YearlyValue.objects.filter(pk=v.pk).values().get(),
            YearlyValue.history.filter(id=v.pk).count(),
            ReviewEvent.objects.filter(yearly_value_id=v.pk).count(),
            TargetRevision.objects.filter(yearly_value_id=v.pk).count(),
        )
        for v in values
    ]


def to_status(value, status, *, alice, bob, carol):
    """Walk a row through the round to `status` with the usual actors."""
    save(alice, value, "10", "入力しました")
    if status == D:
        return fresh(value)
    workflow.entry_submit(user=alice, yearly_values=[value])
    if status in (F, A):
        workflow.review_approve(user=bob, yearly_values=[value])
    if status == A:
        workflow.review_approve(user=carol, yearly_values=[value])
    if status == R:
        workflow.review_return(user=bob, yearly_value=value, comment="桁を確認してください")
    return fresh(value)


def events(value):
    return list(
        ReviewEvent.objects.filter(yearly_value=value).order_by("created_at", "pk")
        .values_list("stage", "action", "from_status", "to_status", "user__username")
    )


# --- transitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "display", "number"),
    [
        ("１２，３４５", "12,345", Decimal("12345")),
        ("５．５％", "5.5", Decimal("5.5")),
        ("  1,234.50 % ", "1,234.50", Decimal("1234.5")),
        ("△３", "-3", Decimal("-3")),
        ("－", "－", None),
        ("…", "…", None),
        ("", "", None),
    ],
)
def test_save_normalises_input_into_a_draft(row, alice, typed, display, number):
    saved = save(alice, row, typed, "  順調に推移  ")
    stored = fresh(row)
    assert (stored.status, stored.version, stored.updated_by) == (D, row.version + 1, alice)
    assert (stored.actual.display(), stored.actual_number, stored.comment) == (display, number, "順調に推移")
    assert saved.version == stored.version


def test_save_keeps_history_with_the_user(row, alice, bob):
    save(alice, row, "10", "初回")
    save(bob, row, "11", "所属長が修正")
    history = list(YearlyValue.history.filter(id=row.pk).order_by("-history_date", "-history_id")[:2])
    assert [(h.history_user, h.actual_number, h.comment) for h in history] == [
        (bob, Decimal("11"), "所属長が修正"), (alice, Decimal("10"), "初回"),
    ]


def test_saving_the_same_values_again_writes_nothing(row, alice):
    save(alice, row, "10", "同じ")
    before = snapshot(row)
    save(alice, row, "１０", "同じ")
    assert snapshot(row) == before


def test_full_round_submit_manager_then_dx_office(row, alice, bob, carol):
    save(alice, row, "10", "入力")
    (submitted,) = workflow.entry_submit(user=alice, yearly_values=[row])
    assert fresh(row).status == S
    workflow.review_approve(user=bob, yearly_values=[row], comment="確認しました")
    assert fresh(row).status == F
    workflow.review_approve(user=carol, yearly_values=[row])
    stored = fresh(row)
    assert (stored.status, stored.updated_by) == (A, carol)
    assert events(row) == [
        (ReviewStage.DEPARTMENT, ReviewAction.SUBMITTED, D, S, "alice"),
        (ReviewStage.MANAGER, ReviewAction.APPROVED, S, F, "bob"),
        (ReviewStage.DX_OFFICE, ReviewAction.APPROVED, F, A, "carol"),
    ]
    assert ReviewEvent.objects.get(yearly_value=row, stage=ReviewStage.MANAGER).comment == "確認しました"
    # Every status change is in the model history too, by whom it was made.
    users = list(YearlyValue.history.filter(id=row.pk).order_by("history_date", "history_id")
                 .values_list("history_user__username", "status"))
    assert users[-4:] == [("alice", D), ("alice", S), ("bob", F), ("carol", A)]


def test_administrator_reviews_at_the_dx_stage(row, alice, bob, carol, dave):
    value = to_status(row, F, alice=alice, bob=bob, carol=carol)
    workflow.review_approve(user=dave, yearly_values=[value])
    assert fresh(row).status == A
    assert events(row)[-1] == (ReviewStage.DX_OFFICE, ReviewAction.APPROVED, F, A, "dave")


def test_manager_returns_and_staff_correct_and_resubmit(row, alice, bob, carol):
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    workflow.review_return(user=bob, yearly_value=value, comment="単位が違います")
    assert fresh(row).status == R
    assert events(row)[-1] == (ReviewStage.MANAGER, ReviewAction.RETURNED, S, R, "bob")
    assert ReviewEvent.objects.filter(yearly_value=row).last().comment == "単位が違います"
    assert YearlyValue.history.filter(id=row.pk).first().history_change_reason == "単位が違います"
    save(alice, row, "12", "修正しました")
    assert fresh(row).status == D
    workflow.entry_submit(user=alice, yearly_values=[row])
    assert fresh(row).status == S


def test_a_returned_row_can_be_resubmitted_unchanged(row, alice, bob, carol):
    value = to_status(row, R, alice=alice, bob=bob, carol=carol)
    workflow.entry_submit(user=alice, yearly_values=[value])
    assert events(row)[-1] == (ReviewStage.DEPARTMENT, ReviewAction.SUBMITTED, R, S, "alice")


def test_dx_office_returns_a_first_approved_row(row, alice, bob, carol):
    value = to_status(row, F, alice=alice, bob=bob, carol=carol)
    workflow.review_return(user=carol, yearly_value=value, comment="前年度との差を説明してください")
    assert fresh(row).status == R
    assert events(row)[-1] == (ReviewStage.DX_OFFICE, ReviewAction.RETURNED, F, R, "carol")


def test_without_manager_review_the_dx_office_reviews_submissions(row, sasebo, alice, bob, carol):
    sasebo.manager_review = False
    sasebo.save()
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    with pytest.raises(PermissionDenied):
        workflow.review_approve(user=bob, yearly_values=[value])
    workflow.review_approve(user=carol, yearly_values=[value])
    assert fresh(row).status == A
    assert events(row)[-1] == (ReviewStage.DX_OFFICE, ReviewAction.APPROVED, S, A, "carol")


def test_without_dx_review_the_manager_approval_is_final(row, sasebo, alice, bob, carol):
    sasebo.dx_review = False
    sasebo.save()
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    with pytest.raises(PermissionDenied):
        workflow.review_approve(user=carol, yearly_values=[value])
    workflow.review_approve(user=bob, yearly_values=[value])
    assert fresh(row).status == A
    assert events(row)[-1] == (ReviewStage.MANAGER, ReviewAction.APPROVED, S, A, "bob")
    with pytest.raises(PermissionDenied):
        workflow.review_approve(user=carol, yearly_values=[value])


def test_without_any_review_a_submission_is_approved(row, sasebo, alice):
    sasebo.manager_review = sasebo.dx_review = False
    sasebo.save()
    save(alice, row, "10")
    workflow.entry_submit(user=alice, yearly_values=[row])
    assert fresh(row).status == A
    assert events(row) == [(ReviewStage.DEPARTMENT, ReviewAction.SUBMITTED, D, A, "alice")]


def test_administrator_reopens_an_approved_row_with_a_reason(row, alice, bob, carol, dave):
    value = to_status(row, A, alice=alice, bob=bob, carol=carol)
    workflow.value_reopen(user=dave, yearly_value=value, reason="統計の訂正があったため")
    stored = fresh(row)
    assert (stored.status, stored.updated_by) == (R, dave)
    assert events(row)[-1] == (ReviewStage.ADMIN, ReviewAction.REOPENED, A, R, "dave")
    assert YearlyValue.history.filter(id=row.pk).first().history_change_reason == "統計の訂正があったため"
    save(alice, row, "11", "訂正")  # back with the department
    assert fresh(row).status == D


def test_target_revision_by_the_dx_office_is_recorded_with_the_user(row, carol):
    revision = workflow.target_revise(user=carol, yearly_value=fresh(row), planned="１，２００", reason="事業規模の見直し")
    assert (revision.new.display(), revision.reason, revision.revised_by) == ("1,200", "事業規模の見直し", carol)
    latest = YearlyValue.history.filter(id=row.pk).first()
    assert (latest.history_user, latest.history_change_reason, latest.planned_number) == (
        carol, "事業規模の見直し", Decimal("1200"),
    )


def test_opening_a_round_creates_the_rows_to_fill(sasebo, carol):
    now = timezone.now()
    values = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2025)
    reported = Indicator.objects.filter(strategy=sasebo).exclude(kind=IndicatorKind.ACTIVITY)
    values.filter(indicator__in=reported.order_by("pk")[:3]).delete()  # as if the plan printed no R7 cell
    missing = set(reported.exclude(pk__in=values.values("indicator_id")).values_list("pk", flat=True))
    activity_rows = values.filter(indicator__kind=IndicatorKind.ACTIVITY).count()
    existing = dict(values.values_list("pk", "version"))
    assert len(missing) == 3
    entry_round = workflow.entry_round_save(user=carol, strategy=sasebo, fiscal_year=2025, opens_at=now,
                                            deadline=now + timedelta(days=20), reminder_days=[1, 5, 5])
    assert entry_round.reminder_days == [5, 1]
    created = values.exclude(pk__in=existing)
    assert set(created.values_list("indicator_id", flat=True)) == missing
    assert {v.status for v in created} == {EntryStatus.NOT_ENTERED}
    assert values.filter(indicator__kind=IndicatorKind.ACTIVITY).count() == activity_rows
    assert dict(values.filter(pk__in=existing).values_list("pk", "version")) == existing  # left as they were
    rescheduled = workflow.entry_round_save(user=carol, strategy=sasebo, fiscal_year=2025, opens_at=now,
                                            deadline=now + timedelta(days=40))
    assert rescheduled.pk == entry_round.pk and rescheduled.deadline == now + timedelta(days=40)
    assert values.count() == len(existing) + len(missing)


def test_closing_and_reopening_the_year(entry_round, row, alice, carol, dave):
    workflow.entry_round_close(user=carol, entry_round=entry_round, reason="議会報告のため締切")
    entry_round.refresh_from_db()
    assert entry_round.is_closed and entry_round.closed_by == carol
    with pytest.raises(PermissionDenied, match="closed|締め"):
        save(alice, row, "10")
    workflow.entry_round_reopen(user=dave, entry_round=entry_round, reason="訂正のため再開")
    entry_round.refresh_from_db()
    assert not entry_round.is_closed and entry_round.closed_by is None
    assert list(entry_round.events.values_list("action", "reason", "user__username")) == [
        (EntryRoundEvent.Action.CLOSED, "議会報告のため締切", "carol"),
        (EntryRoundEvent.Action.REOPENED, "訂正のため再開", "dave"),
    ]
    save(alice, row, "10")
    assert fresh(row).status == D


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["carol", "dave", "erin"])
def test_only_staff_and_managers_enter(row, username):
    user = User.objects.get(username=username)
    before = snapshot(row)
    with pytest.raises(PermissionDenied, match="staff|職員"):
        save(user, row, "10")
    with pytest.raises(PermissionDenied):
        workflow.entry_submit(user=user, yearly_values=[row])
    assert snapshot(row) == before


def test_staff_of_another_department_cannot_enter(row, frank, other_manager):
    before = snapshot(row)
    for user in (frank, other_manager):
        with pytest.raises(PermissionDenied, match="another department|他の部署"):
            save(user, row, "10")
        with pytest.raises(PermissionDenied, match="another department|他の部署"):
            workflow.entry_submit(user=user, yearly_values=[row])
    assert snapshot(row) == before


@pytest.mark.parametrize(
    ("window", "reason"),
    [
        ({"opens_at": 1, "deadline": 10}, "not started|まだ"),
        ({"opens_at": -10, "deadline": -1}, "ended|終了"),
    ],
)
def test_entry_outside_the_window_is_refused(row, entry_round, alice, window, reason):
    now = timezone.now()
    EntryRound.objects.filter(pk=entry_round.pk).update(
        **{name: now + timedelta(days=days) for name, days in window.items()}
    )
    before = snapshot(row)
    with pytest.raises(PermissionDenied, match=reason):
        save(alice, row, "10")
    with pytest.raises(PermissionDenied, match=reason):
        workflow.entry_submit(user=alice, yearly_values=[row])
    assert snapshot(row) == before


def test_entry_without_a_round_is_refused(row, entry_round, alice):
    entry_round.delete()
    before = snapshot(row)
    with pytest.raises(PermissionDenied, match="No entry period|入力期間"):
        save(alice, row, "10")
    assert snapshot(row) == before


def test_entry_in_a_closed_year_is_refused(row, entry_round, alice, carol):
    save(alice, row, "10")
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    before = snapshot(row)
    with pytest.raises(PermissionDenied, match="closed|締め"):
        save(alice, row, "11")
    with pytest.raises(PermissionDenied, match="closed|締め"):
        workflow.entry_submit(user=alice, yearly_values=[row])
    assert snapshot(row) == before


@pytest.mark.parametrize("status", [S, F, A])
def test_submitted_and_approved_rows_are_read_only_to_the_department(row, alice, bob, carol, status):
    value = to_status(row, status, alice=alice, bob=bob, carol=carol)
    before = snapshot(value)
    for user in (alice, bob):
        with pytest.raises(PermissionDenied, match="cannot be edited|編集"):
            save(user, value, "99")
        with pytest.raises(PermissionDenied):
            workflow.entry_submit(user=user, yearly_values=[value])
    assert snapshot(value) == before


@pytest.mark.parametrize("actual", ["", None])
def test_submitting_an_empty_actual_is_refused(row, alice, actual):
    if actual is None:
        save(alice, row, "", "コメントだけ")
    before = snapshot(row)
    with pytest.raises(ValidationError) as error:
        workflow.entry_submit(user=alice, yearly_values=[row])
    assert row.indicator.name in str(error.value)
    assert snapshot(row) == before


def test_a_stale_save_is_a_conflict_carrying_the_other_value(row, alice, bob):
    started_from = fresh(row)  # alice opens the row …
    save(bob, row, "1,234", "所属長が先に入力")  # … bob saves first
    before = snapshot(row)
    with pytest.raises(workflow.EntryConflict) as conflict:
        workflow.entry_save(user=alice, yearly_value=started_from, actual="999", comment="上書き?",
                            expected_version=started_from.version)
    assert conflict.value.current.actual.display() == "1,234"
    assert conflict.value.current.comment == "所属長が先に入力"
    assert conflict.value.current.updated_by == bob
    assert "1,234" in str(conflict.value) and "bob" in str(conflict.value)
    assert snapshot(row) == before


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "abc"),
        ("実施済", "実施済"),
        ("%", "%"),
        ("1,2", "1,2"),
        ("1.1234567", "6"),
        ("123456789012345", "14"),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_changes(row, alice, typed, reason):
    save(alice, row, "10", "前の値")
    before = snapshot(row)
    with pytest.raises(ValidationError) as error:
        save(alice, row, typed, "新しいコメント")
    (message,) = error.value.message_dict["actual"]
    assert reason in message
    assert snapshot(row) == before


def test_an_overlong_comment_is_refused(row, alice):
    before = snapshot(row)
    with pytest.raises(ValidationError) as error:
        save(alice, row, "10", "あ" * (workflow.COMMENT_MAX_LENGTH + 1))
    assert "comment" in error.value.message_dict
    assert snapshot(row) == before


@pytest.mark.parametrize("username", ["alice", "frank", "erin"])
def test_only_reviewers_review(row, alice, bob, carol, username):
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    user = User.objects.get(username=username)
    before = snapshot(value)
    with pytest.raises(PermissionDenied, match="review|評価"):
        workflow.review_approve(user=user, yearly_values=[value])
    with pytest.raises(PermissionDenied, match="review|評価"):
        workflow.review_return(user=user, yearly_value=value, comment="x")
    assert snapshot(value) == before


def test_reviews_out_of_turn_are_refused(row, alice, bob, carol, dave, other_manager):
    submitted = to_status(row, S, alice=alice, bob=bob, carol=carol)
    before = snapshot(submitted)
    for user in (carol, dave, other_manager):  # the manager's stage comes first, and it is bob's department
        with pytest.raises(PermissionDenied, match="not waiting|評価待ちではありません"):
            workflow.review_approve(user=user, yearly_values=[submitted])
        with pytest.raises(PermissionDenied):
            workflow.review_return(user=user, yearly_value=submitted, comment="x")
    assert snapshot(submitted) == before
    first = to_status(_rows("観光商工部", 1)[0], F, alice=alice, bob=bob, carol=carol)
    before = snapshot(first)
    with pytest.raises(PermissionDenied):
        workflow.review_approve(user=bob, yearly_values=[first])  # bob already did his part
    assert snapshot(first) == before


@pytest.mark.parametrize("status", [D, R, A])
def test_rows_not_waiting_for_review_cannot_be_reviewed(row, alice, bob, carol, status):
    value = to_status(row, status, alice=alice, bob=bob, carol=carol)
    before = snapshot(value)
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            workflow.review_approve(user=user, yearly_values=[value])
    assert snapshot(value) == before


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_return_without_comment_is_refused(row, alice, bob, carol, comment):
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    before = snapshot(value)
    with pytest.raises(ValidationError) as error:
        workflow.review_return(user=bob, yearly_value=value, comment=comment)
    assert "comment" in error.value.message_dict
    assert snapshot(value) == before


def test_reviews_in_a_closed_year_are_refused(row, entry_round, alice, bob, carol):
    value = to_status(row, S, alice=alice, bob=bob, carol=carol)
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    before = snapshot(value)
    with pytest.raises(PermissionDenied, match="closed|締め"):
        workflow.review_approve(user=bob, yearly_values=[value])
    with pytest.raises(PermissionDenied, match="closed|締め"):
        workflow.review_return(user=bob, yearly_value=value, comment="締切後")
    assert snapshot(value) == before


def test_reopening_a_row_is_refused_unless_admin_approved_open_and_with_a_reason(
    row, entry_round, alice, bob, carol, dave
):
    draft = to_status(row, D, alice=alice, bob=bob, carol=carol)
    before = snapshot(draft)
    with pytest.raises(ValidationError, match="approved|承認"):
        workflow.value_reopen(user=dave, yearly_value=draft, reason="x")
    assert snapshot(draft) == before
    value = to_status(_rows("観光商工部", 1)[0], A, alice=alice, bob=bob, carol=carol)
    before = snapshot(value)
    with pytest.raises(PermissionDenied, match="administrators|管理者"):
        workflow.value_reopen(user=carol, yearly_value=value, reason="x")
    with pytest.raises(ValidationError) as error:
        workflow.value_reopen(user=dave, yearly_value=value, reason="  ")
    assert "reason" in error.value.message_dict
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    with pytest.raises(ValidationError, match="closed|締め"):
        workflow.value_reopen(user=dave, yearly_value=value, reason="訂正")
    assert snapshot(value) == before


def test_target_revisions_are_refused_to_others_without_reason_in_closed_years_and_for_bad_values(
    row, entry_round, alice, bob, carol
):
    before = snapshot(row)
    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            workflow.target_revise(user=user, yearly_value=fresh(row), planned="5", reason="x")
    with pytest.raises(ValidationError) as error:
        workflow.target_revise(user=carol, yearly_value=fresh(row), planned="5", reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        workflow.target_revise(user=carol, yearly_value=fresh(row), planned="1" * 15, reason="x")
    assert "planned" in error.value.message_dict
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    with pytest.raises(ValidationError, match="closed|締め"):
        workflow.target_revise(user=carol, yearly_value=fresh(row), planned="5", reason="x")
    assert snapshot(row) == before


def test_entry_rounds_are_refused_to_others_and_validated(sasebo, entry_round, alice, bob, erin, carol, dave):
    now = timezone.now()
    count = EntryRound.objects.count()
    for user in (alice, bob, erin):
        with pytest.raises(PermissionDenied):
            workflow.entry_round_save(user=user, strategy=sasebo, fiscal_year=2025, opens_at=now,
                                      deadline=now + timedelta(days=1))
        with pytest.raises(PermissionDenied):
            workflow.entry_round_close(user=user, entry_round=entry_round)
    for bad, field in [
        ({"fiscal_year": 2025, "opens_at": now, "deadline": now}, "deadline"),
        ({"fiscal_year": 2025, "opens_at": now, "deadline": now + timedelta(days=1), "reminder_days": [100]},
         "reminder_days"),
        ({"fiscal_year": 2040, "opens_at": now, "deadline": now + timedelta(days=1)}, "fiscal_year"),
    ]:
        with pytest.raises(ValidationError) as error:
            workflow.entry_round_save(user=carol, strategy=sasebo, **bad)
        assert field in error.value.message_dict
    assert EntryRound.objects.count() == count
    assert not YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2040).exists()
    with pytest.raises(ValidationError, match="not closed|締め"):
        workflow.entry_round_reopen(user=dave, entry_round=entry_round, reason="x")
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    with pytest.raises(ValidationError, match="already|すでに"):
        workflow.entry_round_close(user=carol, entry_round=entry_round)
    with pytest.raises(PermissionDenied):
        workflow.entry_round_reopen(user=carol, entry_round=entry_round, reason="x")
    with pytest.raises(ValidationError) as error:
        workflow.entry_round_reopen(user=dave, entry_round=entry_round, reason=" ")
    assert "reason" in error.value.message_dict
    assert EntryRound.objects.get(pk=entry_round.pk).is_closed
    assert entry_round.events.count() == 1


# --- batches are all or nothing ---------------------------------------------------------------


def test_a_batch_submit_with_one_empty_row_submits_none(rows, alice):
    save(alice, rows[0], "10")
    save(alice, rows[1], "－")
    before = snapshot(*rows)
    with pytest.raises(ValidationError) as error:
        workflow.entry_submit(user=alice, yearly_values=rows)
    assert rows[2].indicator.name in str(error.value) and rows[0].indicator.name not in str(error.value)
    assert snapshot(*rows) == before
    save(alice, rows[2], "…")
    workflow.entry_submit(user=alice, yearly_values=rows)
    assert {fresh(v).status for v in rows} == {S}


def test_a_batch_submit_with_another_departments_row_submits_none(rows, alice, frank):
    theirs = _rows("農林水産部", 1)[0]
    save(frank, theirs, "3")
    for value in rows:
        save(alice, value, "10")
    before = snapshot(*rows, theirs)
    with pytest.raises(PermissionDenied, match="another department|他の部署"):
        workflow.entry_submit(user=alice, yearly_values=[*rows, theirs])
    assert snapshot(*rows, theirs) == before


def test_a_batch_approval_with_one_row_out_of_turn_approves_none(rows, alice, bob, carol):
    submitted = [to_status(value, S, alice=alice, bob=bob, carol=carol) for value in rows[:2]]
    draft = to_status(rows[2], D, alice=alice, bob=bob, carol=carol)
    before = snapshot(*submitted, draft)
    with pytest.raises(PermissionDenied) as error:
        workflow.review_approve(user=bob, yearly_values=[*submitted, draft])
    assert draft.indicator.name in str(error.value)
    assert snapshot(*submitted, draft) == before
    workflow.review_approve(user=bob, yearly_values=submitted)
    assert [fresh(v).status for v in submitted] == [F, F]
