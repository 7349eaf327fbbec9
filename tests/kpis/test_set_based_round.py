"""Submit and approve are set-based (issue 16): one UPDATE per batch, review events and history
rows in bulk, and a query count independent of the number of rows. The audit trail they leave
(columns, versions, entered/submitted/updated by, stored rate, history rows, review events) is
the one the former row-by-row code left, kept below as the reference."""

import pytest
from django.db import transaction

from kpis import workflow
from kpis.models import EntryStatus, ReviewAction, ReviewEvent, ReviewStage, YearlyValue
from kpis.permissions import review_stage_for

FY = 2024


def _rows(n):
    return list(
        YearlyValue.objects.filter(
            indicator__strategy__code="sasebo-dx", fiscal_year=FY, status=EntryStatus.NOT_ENTERED,
            indicator__responsible_department__name="観光商工部",
        ).order_by("pk")[:n]
    )


# --- the former row-by-row code: a save() per row, simple-history's signal, an event per row ---


def _old_record_and_bump(value, *, user, stage, action, to_status, comment="", reason=""):
    ReviewEvent.objects.create(yearly_value=value, stage=stage, action=action, from_status=value.status,
                               to_status=to_status, comment=comment, user=user)
    value.status = to_status
    value.version += 1
    value.updated_by = user
    value._history_user = user
    if reason:
        value._change_reason = reason
    value.save()


def _old_submit(user, values):
    for value in workflow._locked(v.pk for v in values):
        value.submitted_by = user
        _old_record_and_bump(value, user=user, stage=ReviewStage.DEPARTMENT, action=ReviewAction.SUBMITTED,
                             to_status=workflow._status_after_submit(value.indicator.strategy))


def _old_approve(user, values, comment=""):
    for value in workflow._locked(v.pk for v in values):
        stage = review_stage_for(user, value)
        to_status = (EntryStatus.FIRST_APPROVED if stage == ReviewStage.MANAGER and value.indicator.strategy.dx_review
                     else EntryStatus.APPROVED)
        _old_record_and_bump(value, user=user, stage=stage, action=ReviewAction.APPROVED, to_status=to_status,
                             comment=comment)


def _new_submit(user, values):
    workflow.entry_submit(user=user, yearly_values=values)


def _new_approve(user, values, comment=""):
    workflow.review_approve(user=user, yearly_values=values, comment=comment)


# --- the audit trail, without what differs by construction (ids, clock readings) ---------------

ROW_COLUMNS = ("status", "version", "entered_by_id", "submitted_by_id", "updated_by_id", "rate", "actual_state",
               "actual_number", "actual_places", "actual_text", "comment", "planned_state", "planned_number")


def _audit(values):
    trail = []
    for value in values:
        row = YearlyValue.objects.filter(pk=value.pk).values(*ROW_COLUMNS, "updated_at").get()
        history = list(
            YearlyValue.history.filter(id=value.pk).order_by("history_id").values(
                "history_type", "history_user_id", "history_change_reason", "updated_at",
                *(c for c in ROW_COLUMNS if c != "rate"),
            )
        )
        # The newest history row holds the row as stored, its update time included.
        assert history[-1]["updated_at"] == row.pop("updated_at")
        for entry in history:
            entry.pop("updated_at")
        events = list(
            ReviewEvent.objects.filter(yearly_value=value).order_by("pk")
            .values_list("stage", "action", "from_status", "to_status", "comment", "user_id")
        )
        trail.append((row, history, events))
    return trail


class _Undo(Exception):
    pass


def _trail_of(submit, approve, rows, *, alice, bob, carol):
    """The audit trail after the same round walked with `submit` and `approve`, then undone."""
    trail = None
    try:
        with transaction.atomic():
            for value in rows:
                workflow.entry_save(user=alice, yearly_value=value, actual="12", comment="入力しました",
                                    expected_version=YearlyValue.objects.get(pk=value.pk).version)
            submit(alice, rows)
            approve(bob, rows, "確認しました")
            approve(carol, rows[:2])
            trail = _audit(rows)
            raise _Undo
    except _Undo:
        pass
    return trail


def test_set_based_round_leaves_the_row_by_row_audit_trail(alice, bob, carol):
    rows = _rows(4)
    old = _trail_of(_old_submit, _old_approve, rows, alice=alice, bob=bob, carol=carol)
    new = _trail_of(_new_submit, _new_approve, rows, alice=alice, bob=bob, carol=carol)
    assert [row["status"] for row, _history, _events in new] == [EntryStatus.APPROVED] * 2 + [
        EntryStatus.FIRST_APPROVED] * 2
    assert all(row["submitted_by_id"] == alice.pk and row["updated_by_id"] for row, _h, _e in new)
    assert len(new[0][1]) == 5 and len(new[0][2]) == 3  # created, saved, submitted, 2 approvals; 3 events
    assert new == old


def test_return_and_reopen_keep_the_reason_as_the_change_reason(alice, bob, carol, dave):
    (value,) = _rows(1)
    workflow.entry_save(user=alice, yearly_value=value, actual="3", comment="", expected_version=value.version)
    workflow.entry_submit(user=alice, yearly_values=[value])
    workflow.review_return(user=bob, yearly_value=value, comment="桁を確認してください")
    last = YearlyValue.history.filter(id=value.pk).order_by("-history_id").first()
    assert (last.history_change_reason, last.history_user_id, last.status) == (
        "桁を確認してください", bob.pk, EntryStatus.RETURNED)


def _approve_queries(rows, *, alice, bob, django_assert_num_queries):
    for value in rows:
        # a comment, since 7 may be far from some rows' plans (a plausibility warning must be explained)
        workflow.entry_save(user=alice, yearly_value=value, actual="7", comment="確認済み",
                            expected_version=YearlyValue.objects.get(pk=value.pk).version)
    workflow.entry_submit(user=alice, yearly_values=rows)
    # SAVEPOINT; the rows locked, with indicator, strategy, department and updated_by joined;
    # their entry rounds; the review events (one INSERT); the rows' status, version and
    # updated_by (one UPDATE); their history rows (one INSERT); RELEASE SAVEPOINT.
    with django_assert_num_queries(7):
        workflow.review_approve(user=bob, yearly_values=rows)


@pytest.mark.parametrize("n", [2, 12])
def test_bulk_approve_costs_the_same_queries_for_any_number_of_rows(n, alice, bob, django_assert_num_queries):
    rows = _rows(n)
    assert len(rows) == n
    _approve_queries(rows, alice=alice, bob=bob, django_assert_num_queries=django_assert_num_queries)
    assert set(YearlyValue.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {
        EntryStatus.FIRST_APPROVED}


def test_a_save_is_one_locked_read_and_writes_only_what_it_changes(alice, django_assert_num_queries):
    (value,) = _rows(1)
    # SAVEPOINT; the row locked (with its indicator, strategy, department, updated_by); its
    # entry round; last year's actual (the plausibility check); the UPDATE of the changed
    # columns; the history row; RELEASE SAVEPOINT.
    with django_assert_num_queries(7) as captured:
        saved = workflow.entry_save(user=alice, yearly_value=value, actual="42", comment="ok",
                                    expected_version=value.version)
    update = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"planned_number"' not in update and '"note"' not in update  # update_fields, not every column
    assert YearlyValue.objects.get(pk=value.pk).rate == saved.rate
    history = YearlyValue.history.filter(id=value.pk).latest("history_id")
    assert (history.version, history.actual_number, history.history_user_id) == (saved.version, 42, alice.pk)
