"""The yearly entry and review round: save, submit, approve, return, close, reopen.

Every function locks the rows it changes (select_for_update) and checks the
permission rules in kpis.permissions before writing, so the web pages and the
API behave the same. A save carries the version the user started from: if
someone else saved in between, the save is refused with their value
(EntryConflict) instead of overwriting it. Batch actions are all-or-nothing.

Writes stay close to the database (issue 16): one locked read per call, returning the
rows; a save writes only the columns it changes (update_fields); the status changes of
submit, approve, return and reopen are one UPDATE per batch, their review events one
bulk INSERT, and the history rows are built from the rows in memory (kpis.history_rows)
rather than by simple-history's per-row signal.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models import Value as V
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kpis import permissions, plausibility, services
from kpis.entry_input import EntryInputError, parse_actual, parse_planned
from kpis.history_rows import history_rows_create
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    Indicator,
    IndicatorKind,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    YearlyValue,
)
from kpis.values import value_columns
from plans.models import Strategy
from plans.write_scope import writing_strategies, writing_strategy

COMMENT_MAX_LENGTH = 4000


class EntryConflict(Exception):
    """Someone saved the row after this user loaded it; `current` is what they saved."""

    def __init__(self, current: YearlyValue):
        self.current = current
        who = current.updated_by.display_name if current.updated_by else "?"
        super().__init__(
            _(
                "%(who)s saved this row after you opened it: actual %(actual)s, comment “%(comment)s”. "
                "Your change was not saved; reload the row and enter it again."
            )
            % {"who": who, "actual": current.actual.display() or "—", "comment": current.comment}
        )


def entry_round_for(value: YearlyValue) -> EntryRound | None:
    return EntryRound.objects.filter(
        strategy_id=value.indicator.strategy_id, fiscal_year=value.fiscal_year
    ).first()


def _locked(pks) -> list[YearlyValue]:
    """The rows, locked in primary-key order (a fixed order cannot deadlock)."""
    rows = (
        YearlyValue.objects.select_for_update(of=("self",))
        .select_related("indicator__strategy", "indicator__responsible_department", "updated_by")
        .filter(pk__in=list(pks))
        .order_by("pk")
    )
    return list(rows)


def _rounds_for(values) -> dict:
    keys = {(v.indicator.strategy_id, v.fiscal_year) for v in values}
    rounds = EntryRound.objects.filter(
        strategy_id__in={k[0] for k in keys}, fiscal_year__in={k[1] for k in keys}
    )
    return {(r.strategy_id, r.fiscal_year): r for r in rounds}


def _round_of(rounds, value):
    return rounds.get((value.indicator.strategy_id, value.fiscal_year))


def _row_label(value: YearlyValue) -> str:
    return value.indicator.label


def _refuse_unless(allowed: bool, *, user, strategy, reason: str) -> None:
    """PermissionDenied unless `allowed` (a kpis.permissions rule asked with `strategy`): the
    boundary's reason when the strategy is another city's, else `reason` (the role's)."""
    if not allowed:
        raise PermissionDenied(permissions.strategy_refusal(user, strategy) or reason)


def _refuse_rows(problems: list[tuple[YearlyValue, str]], *, denied: bool):
    lines = [f"{_row_label(value)}: {reason}" for value, reason in problems]
    error = PermissionDenied(" / ".join(lines)) if denied else ValidationError(" / ".join(lines))
    error.rows = lines  # one line per refused row, for pages that list them
    raise error


def _transition(moves, *, user, action, comment="", reason=None, submitted=False) -> None:
    """Move locked rows on in the round: `moves` is a list of (value, stage, to_status).
    Each row gets a review event (one bulk INSERT), a new status and version, `updated_by`
    (and `submitted_by` when `submitted`) in one UPDATE, and a history row under `user` with
    `reason` as the change reason. The values in memory are updated to match."""
    if not moves:
        return
    now = timezone.now()
    events, ids_by_status = [], defaultdict(list)
    for value, stage, to_status in moves:
        events.append(ReviewEvent(yearly_value=value, stage=stage, action=action, from_status=value.status,
                                  to_status=to_status, comment=comment, user=user))
        ids_by_status[to_status].append(value.pk)
        value.status, value.version, value.updated_by, value.updated_at = to_status, value.version + 1, user, now
        if submitted:
            value.submitted_by = user
    if len(ids_by_status) == 1:
        status = V(next(iter(ids_by_status)))
    else:
        status = Case(*(When(pk__in=ids, then=V(to)) for to, ids in ids_by_status.items()))
    columns = {"status": status, "version": F("version") + 1, "updated_by": user, "updated_at": now}
    if submitted:
        columns["submitted_by"] = user
    # The plan's dashboard counts only are renewed (plans.write_scope).
    with writing_strategies(value.indicator.strategy_id for value, _stage, _to in moves):
        ReviewEvent.objects.bulk_create(events)
        YearlyValue.objects.filter(pk__in=[value.pk for value, _stage, _to in moves]).update(**columns)
    history_rows_create(values=[value for value, _stage, _to in moves], user=user, reason=reason, date=now)


def _clean_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("The comment is too long (%(n)s characters; at most %(max)s).")
             % {"n": len(comment), "max": COMMENT_MAX_LENGTH}}
        )
    return comment


@transaction.atomic
def entry_save(*, user, yearly_value: YearlyValue, actual: str, comment: str, expected_version: int) -> YearlyValue:
    """Save a draft of the actual value and the evaluation comment of one row."""
    (value,) = _locked([yearly_value.pk])
    refusal = permissions.entry_refusal(user, value, entry_round=entry_round_for(value))
    if refusal:
        raise PermissionDenied(refusal)
    if value.version != expected_version:
        raise EntryConflict(value)
    try:
        parsed = parse_actual(actual)
    except EntryInputError as error:
        raise ValidationError({"actual": error.message(get_language())}) from None
    comment = _clean_comment(comment)
    new_columns = {**value_columns("actual", parsed), "comment": comment,
                   "actual_warnings": _plausibility(value, parsed, typed=actual)}
    if all(getattr(value, name) == new for name, new in new_columns.items()):
        return value  # nothing changed: no new version, no history row
    for name, new in new_columns.items():
        setattr(value, name, new)
    value.status = EntryStatus.DRAFT
    value.version += 1
    value.updated_by = user
    value.entered_by = user
    value.skip_history_when_saving = True  # written below, from the row in memory
    try:
        # save() adds the stored rate, recomputed from the new actual; the plan's dashboard
        # counts only are renewed (plans.write_scope).
        with writing_strategy(value.indicator.strategy_id):
            value.save(update_fields=[*new_columns, "status", "version", "updated_by", "entered_by", "updated_at"])
    finally:
        del value.skip_history_when_saving
    history_rows_create(values=[value], user=user, date=value.updated_at)
    return value


def _plausibility(value: YearlyValue, parsed, *, typed: str) -> list[dict]:
    """kpis.plausibility's warnings on an entered actual (one query: last year's actual)."""
    previous = YearlyValue.objects.filter(indicator_id=value.indicator_id, fiscal_year=value.fiscal_year - 1).first()
    return plausibility.check_actual(
        actual=parsed, planned=value.planned, previous=previous.actual if previous else None,
        unit=value.indicator.unit, typed=typed, factor=value.indicator.strategy.plausibility_factor)


def _status_after_submit(strategy) -> str:
    if strategy.manager_review or strategy.dx_review:
        return EntryStatus.SUBMITTED
    return EntryStatus.APPROVED


@transaction.atomic
def entry_submit(*, user, yearly_values) -> list[YearlyValue]:
    """Submit the department's rows for review; all or none."""
    values = _locked(v.pk for v in yearly_values)
    rounds = _rounds_for(values)
    denied = [(v, r) for v in values if (r := permissions.entry_refusal(user, v, entry_round=_round_of(rounds, v)))]
    if denied:
        _refuse_rows(denied, denied=True)
    empty = [(v, _("enter a value, 「－」 or 「…」 before submitting.")) for v in values if v.actual.state == "empty"]
    if empty:
        _refuse_rows(empty, denied=False)
    unexplained = [(v, _("the value was saved with a warning; explain it in the evaluation comment before submitting."))
                   for v in values if v.actual_warnings and not v.comment.strip()]
    if unexplained:
        _refuse_rows(unexplained, denied=False)
    moves = [(value, ReviewStage.DEPARTMENT, _status_after_submit(value.indicator.strategy)) for value in values]
    _transition(moves, user=user, action=ReviewAction.SUBMITTED, submitted=True)
    return values


@transaction.atomic
def review_approve(*, user, yearly_values, comment: str = "") -> list[YearlyValue]:
    """Approve rows in the user's review stage, none of them entered or submitted by the user
    (segregation of duties); all or none."""
    comment = _clean_comment(comment)
    values = _locked(v.pk for v in yearly_values)
    rounds = _rounds_for(values)
    denied = [(v, r) for v in values if (r := permissions.approval_refusal(user, v, entry_round=_round_of(rounds, v)))]
    if denied:
        _refuse_rows(denied, denied=True)
    moves = []
    for value in values:
        stage = permissions.review_stage_for(user, value)
        strategy = value.indicator.strategy
        to_status = (
            EntryStatus.FIRST_APPROVED if stage == ReviewStage.MANAGER and strategy.dx_review else EntryStatus.APPROVED
        )
        moves.append((value, stage, to_status))
    _transition(moves, user=user, action=ReviewAction.APPROVED, comment=comment)
    return values


@transaction.atomic
def review_return(*, user, yearly_value: YearlyValue, comment: str) -> YearlyValue:
    """Send a row back to its department with a comment saying what to correct."""
    comment = _clean_comment(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what the department should correct when returning a row.")})
    (value,) = _locked([yearly_value.pk])
    refusal = permissions.review_refusal(user, value, entry_round=entry_round_for(value))
    if refusal:
        raise PermissionDenied(refusal)
    stage = permissions.review_stage_for(user, value)
    _transition([(value, stage, EntryStatus.RETURNED)], user=user, action=ReviewAction.RETURNED, comment=comment,
                reason=comment)
    return value


@transaction.atomic
def value_reopen(*, user, yearly_value: YearlyValue, reason: str) -> YearlyValue:
    """An administrator sends an approved row back to its department, with the reason."""
    if not permissions.can_reopen(user):
        raise PermissionDenied(_("Only administrators can reopen an approved row."))
    reason = _clean_comment(reason)
    if not reason:
        raise ValidationError({"reason": _("A reason is required to reopen.")})
    (value,) = _locked([yearly_value.pk])
    _refuse_unless(permissions.can_reopen(user, value.indicator.strategy), user=user, strategy=value.indicator.strategy,
                   reason=_("Only administrators can reopen an approved row."))
    entry_round = entry_round_for(value)
    if entry_round is not None and entry_round.is_closed:
        raise ValidationError(_("The fiscal year is closed; reopen the year first."))
    if value.status != EntryStatus.APPROVED:
        raise ValidationError(_("Only approved rows can be reopened; this row is %(status)s.")
                              % {"status": value.get_status_display()})
    _transition([(value, ReviewStage.ADMIN, EntryStatus.RETURNED)], user=user, action=ReviewAction.REOPENED,
                comment=reason, reason=reason)
    return value


@transaction.atomic
def target_revise(*, user, yearly_value: YearlyValue, planned: str, reason: str):
    """A target revision by the DX office or an administrator (see kpis.services)."""
    if not permissions.can_revise_target(user):
        raise PermissionDenied(_("Only the DX office and administrators can revise targets."))
    strategy = Strategy.objects.get(indicators__values__pk=yearly_value.pk)
    _refuse_unless(permissions.can_revise_target(user, strategy), user=user, strategy=strategy,
                   reason=_("Only the DX office and administrators can revise targets."))
    entry_round = entry_round_for(yearly_value)
    if entry_round is not None and entry_round.is_closed:
        raise ValidationError(_("The DX office has closed this fiscal year."))
    try:
        parsed = parse_planned(planned)
    except EntryInputError as error:
        raise ValidationError({"planned": error.message(get_language())}) from None
    return services.yearly_value_revise_plan(yearly_value=yearly_value, planned=parsed, reason=reason, user=user)


@transaction.atomic
def entry_round_save(*, user, strategy, fiscal_year: int, opens_at, deadline, reminder_days=None) -> EntryRound:
    """Open (or reschedule) the entry period of a fiscal year."""
    _refuse_unless(permissions.can_manage_rounds(user, strategy), user=user, strategy=strategy,
                   reason=_("Only the DX office and administrators set entry periods."))
    if opens_at >= deadline:
        raise ValidationError({"deadline": _("The deadline must be after the opening.")})
    # A year either side, as the entry-period form offers (a baseline year, a closing report).
    if not strategy.first_fiscal_year - 1 <= fiscal_year <= strategy.last_fiscal_year + 1:
        raise ValidationError({"fiscal_year": _("Fiscal year %(fy)s is outside the period of %(strategy)s.")
                               % {"fy": fiscal_year, "strategy": strategy}})
    days = list(reminder_days if reminder_days is not None else [7, 3, 1])
    if any(not isinstance(d, int) or d < 0 or d > 90 for d in days):
        raise ValidationError({"reminder_days": _("Reminder days are whole numbers from 0 to 90.")})
    entry_round, _created = EntryRound.objects.select_for_update().update_or_create(
        strategy=strategy, fiscal_year=fiscal_year,
        defaults={"opens_at": opens_at, "deadline": deadline, "reminder_days": sorted(set(days), reverse=True)},
    )
    entry_rows_ensure(strategy=strategy, fiscal_year=fiscal_year)
    return entry_round


@transaction.atomic
def entry_rows_ensure(*, strategy, fiscal_year: int) -> int:
    """Create the 未入力 rows departments must fill for the year.

    Every KPI and outcome indicator is reported each year; an activity indicator
    only in a year its project has a plan for (an empty plan means the project
    does not run then). Existing rows are left as they are. Returns how many were created.
    The texts and statuses of the year are made alongside (kpis.text_workflow.round_texts_ensure).
    """
    has_row = YearlyValue.objects.filter(indicator=OuterRef("pk"), fiscal_year=fiscal_year)
    missing = Indicator.objects.filter(strategy=strategy).filter(~Exists(has_row)).filter(
        ~Q(kind=IndicatorKind.ACTIVITY)
    )
    rows = [YearlyValue(indicator_id=pk, fiscal_year=fiscal_year) for pk in missing.values_list("pk", flat=True)]
    YearlyValue.objects.bulk_create(rows, ignore_conflicts=True)
    from kpis.text_workflow import round_texts_ensure  # it builds on this module's helpers

    round_texts_ensure(strategy=strategy, fiscal_year=fiscal_year)
    return len(rows)


@transaction.atomic
def entry_round_close(*, user, entry_round: EntryRound, reason: str = "") -> EntryRound:
    """Close the fiscal year: every value of it is locked."""
    if not permissions.can_manage_rounds(user):
        raise PermissionDenied(_("Only the DX office and administrators close a fiscal year."))
    entry_round = EntryRound.objects.select_for_update(of=("self",)).select_related("strategy").get(pk=entry_round.pk)
    _refuse_unless(permissions.can_manage_rounds(user, entry_round.strategy), user=user,
                   strategy=entry_round.strategy, reason=_("Only the DX office and administrators close a fiscal year."))
    if entry_round.is_closed:
        raise ValidationError(_("This fiscal year is already closed."))
    entry_round.closed_at = timezone.now()
    entry_round.closed_by = user
    entry_round.save()
    EntryRoundEvent.objects.create(
        entry_round=entry_round, action=EntryRoundEvent.Action.CLOSED, reason=(reason or "").strip(), user=user
    )
    return entry_round


@transaction.atomic
def entry_round_reopen(*, user, entry_round: EntryRound, reason: str) -> EntryRound:
    if not permissions.can_reopen(user):
        raise PermissionDenied(_("Only administrators can reopen a closed fiscal year."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required to reopen.")})
    entry_round = EntryRound.objects.select_for_update(of=("self",)).select_related("strategy").get(pk=entry_round.pk)
    _refuse_unless(permissions.can_reopen(user, entry_round.strategy), user=user, strategy=entry_round.strategy,
                   reason=_("Only administrators can reopen a closed fiscal year."))
    if not entry_round.is_closed:
        raise ValidationError(_("This fiscal year is not closed."))
    entry_round.closed_at = None
    entry_round.closed_by = None
    entry_round.save()
    EntryRoundEvent.objects.create(
        entry_round=entry_round, action=EntryRoundEvent.Action.REOPENED, reason=reason, user=user
    )
    return entry_round
