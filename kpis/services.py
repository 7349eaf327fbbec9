"""Writes of indicators' yearly values.

A planned value is set once; changing it afterwards is a target revision and
needs a reason, which is kept (TargetRevision) beside the model history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kpis.models import Indicator, TargetRevision, YearlyValue, value_places
from plans import achievement


def _columns(prefix: str, value: achievement.Value) -> dict:
    return {
        f"{prefix}_state": value.state,
        f"{prefix}_number": value.number,
        f"{prefix}_places": value_places(value),
        f"{prefix}_text": value.text,
    }


def _check_fiscal_year(indicator: Indicator, fiscal_year: int) -> None:
    strategy = indicator.strategy
    if not strategy.first_fiscal_year - 5 <= fiscal_year <= strategy.last_fiscal_year + 5:
        raise ValidationError(
            _("Fiscal year %(fy)s is outside the period of %(strategy)s.") % {"fy": fiscal_year, "strategy": strategy}
        )


@transaction.atomic
def yearly_value_set_initial(
    *, indicator: Indicator, fiscal_year: int, planned=None, actual=None, comment: str = "", note: str = "", user=None
) -> YearlyValue:
    """Create or overwrite a value as the plan prints it (demo data, first entry of a plan)."""
    _check_fiscal_year(indicator, fiscal_year)
    columns = {
        **_columns("planned", achievement.Value.of(planned)),
        **_columns("actual", achievement.Value.of(actual)),
        "comment": comment,
        "note": note,
        "updated_by": user,
    }
    value, created = YearlyValue.objects.get_or_create(indicator=indicator, fiscal_year=fiscal_year, defaults=columns)
    if not created:
        changed = {name: new for name, new in columns.items() if getattr(value, name) != new}
        if changed:
            for name, new in changed.items():
                setattr(value, name, new)
            value.version += 1
            value.save()
    return value


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
    new = achievement.Value.of(planned)
    old = locked.planned
    if old == new:
        return None
    revision = TargetRevision.objects.create(
        yearly_value=locked,
        **{f"old_{k.split('_', 1)[1]}": v for k, v in _columns("planned", old).items()},
        **{f"new_{k.split('_', 1)[1]}": v for k, v in _columns("planned", new).items()},
        reason=reason,
        revised_by=user,
    )
    for name, column in _columns("planned", new).items():
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
