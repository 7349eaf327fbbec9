"""Writes of indicators' yearly values: the demo and a plan's first entry, a target revision,
an administrator's correction (the admin's pages). The entry round's writes are kpis.workflow.

A planned value is set once; changing it afterwards is a target revision and
needs a reason, which is kept (TargetRevision) beside the model history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kpis.models import Indicator, TargetRevision, YearlyValue
from kpis.values import limit_exceeded, value_columns
from plans import achievement


def checked_value(raw, *, field: str) -> achievement.Value:
    """A Value from what was typed or read (a Value, a number, 「－」, 「…」, text), or a
    ValidationError on `field` saying why it cannot be stored: unreadable, or beyond the
    columns' limits (kpis.values.limit_exceeded)."""
    try:
        value = achievement.Value.of(raw)
    except (ValueError, TypeError) as error:
        raise ValidationError({field: achievement.said_in(error, get_language())}) from None
    problem = limit_exceeded(value)
    if problem is not None:
        raise ValidationError({field: problem.message(get_language())})
    return value


def check_fiscal_year(indicator: Indicator, fiscal_year: int) -> None:
    """A value's fiscal year lies within five years of the strategy's period, else ValidationError."""
    strategy = indicator.strategy
    if not strategy.first_fiscal_year - 5 <= fiscal_year <= strategy.last_fiscal_year + 5:
        raise ValidationError({"fiscal_year": _("Fiscal year %(fy)s is outside the period of %(strategy)s.")
                               % {"fy": fiscal_year, "strategy": strategy}})


# Columns whose change means the user entered the row (YearlyValue.entered_by).
ENTERED_COLUMNS = frozenset({"actual_state", "actual_number", "actual_places", "actual_text", "comment"})


def _save_changes(value: YearlyValue, columns: dict, *, user) -> bool:
    """Write the columns that differ, with a new version (the entry round refuses a save based
    on an older read) and one history row under `user`. False when nothing differs."""
    changed = {name: new for name, new in columns.items() if getattr(value, name) != new}
    if not changed:
        return False
    for name, new in changed.items():
        setattr(value, name, new)
    value.version += 1
    value.updated_by = user
    if ENTERED_COLUMNS & changed.keys():
        value.entered_by = user  # who entered a row may not approve it (kpis.permissions)
    if user is not None:
        value._history_user = user  # outside a request simple-history would record no user
    value.save()
    return True


@transaction.atomic
def yearly_value_set_initial(
    *, indicator: Indicator, fiscal_year: int, planned=None, actual=None, comment: str = "", note: str = "", user=None
) -> YearlyValue:
    """Create or overwrite a value as the plan prints it (demo data, first entry of a plan)."""
    check_fiscal_year(indicator, fiscal_year)
    columns = {
        **value_columns("planned", checked_value(planned, field="planned")),
        **value_columns("actual", checked_value(actual, field="actual")),
        "comment": comment,
        "note": note,
    }
    value, created = YearlyValue.objects.get_or_create(
        indicator=indicator, fiscal_year=fiscal_year, defaults={**columns, "updated_by": user}
    )
    if not created:
        _save_changes(value, {**columns, "updated_by": user}, user=user)
    return value


@transaction.atomic
def yearly_value_correct(*, yearly_value: YearlyValue, user, actual=None, planned=None, comment: str | None = None,
                         note: str | None = None) -> YearlyValue:
    """An administrator's correction of a stored value (the admin's pages): the actual, the
    comment and the note, and the planned value while none is set. None leaves a field as it
    is. A set planned value changes only through yearly_value_revise_plan, with a reason.
    A change gets a new version and a history row under `user`; no change writes nothing.
    Returns `yearly_value`, re-read."""
    # The indicator is read by save() for the stored rate; only the value row is locked.
    locked = YearlyValue.objects.select_related("indicator").select_for_update(of=("self",)).get(pk=yearly_value.pk)
    columns = {}
    if actual is not None:
        columns.update(value_columns("actual", checked_value(actual, field="actual")))
    if planned is not None:
        new = checked_value(planned, field="planned")
        if new != locked.planned:
            if locked.planned.state != achievement.EMPTY:
                raise ValidationError({"planned": _("A set target changes only as a revision, with a reason.")})
            columns.update(value_columns("planned", new))
    for name, text in (("comment", comment), ("note", note)):
        if text is not None:
            columns[name] = text
    _save_changes(locked, columns, user=user)
    yearly_value.refresh_from_db()
    return yearly_value


@transaction.atomic
def yearly_value_revise_plan(*, yearly_value: YearlyValue, planned, reason: str, user) -> TargetRevision | None:
    """Change a planned value that was already set; the old value and the reason are kept.

    Returns None when the new value equals the current one (nothing to revise).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required to revise a target.")})
    # The indicator is read by save() for the stored rate; only the value row is locked.
    locked = YearlyValue.objects.select_related("indicator").select_for_update(of=("self",)).get(pk=yearly_value.pk)
    new = checked_value(planned, field="planned")
    old = locked.planned
    if old == new:
        return None
    revision = TargetRevision.objects.create(
        yearly_value=locked,
        **value_columns("old", old),
        **value_columns("new", new),
        reason=reason,
        revised_by=user,
    )
    for name, column in value_columns("planned", new).items():
        setattr(locked, name, column)
    locked.version += 1
    locked.updated_by = user
    # Set explicitly: outside a request, and in API requests (which authenticate after
    # the history middleware ran), simple-history would otherwise record no user.
    locked._history_user = user
    locked._change_reason = reason  # picked up by django-simple-history
    locked.save()
    yearly_value.refresh_from_db()
    return revision
