"""History rows of yearly values written by the entry round, without simple-history's signal.

django-simple-history writes a history row from its post_save signal: it looks the
history manager up through a descriptor that builds a manager class on every access
(HistoryDescriptor.__get__ → from_queryset → inspect.getmembers; 12 % of a bulk
approval's CPU in issue 16) and inserts one row per saved value. The round's services
instead save with `skip_history_when_saving` and hand the saved rows here: their history
rows are built from the values in memory (no re-read) and written with one bulk INSERT
per batch. The rows are those simple-history writes: the tracked columns, the date, the
user, the change reason (None when none is given) and the type "~" (changed).
"""

from django.apps import apps
from django.conf import settings
from django.utils import timezone

BATCH_SIZE = 1000


def _history_model():
    # The history model by name: `YearlyValue.history.model` would build a manager per call.
    return apps.get_model("kpis", "HistoricalYearlyValue")


def history_rows_create(*, values, user, reason: str | None = None, date=None) -> None:
    """One "~" history row per value in `values` (YearlyValue instances as just saved)."""
    if not values or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    model = _history_model()
    attnames = [field.attname for field in model.tracked_fields]
    date = date or timezone.now()
    user_id = getattr(user, "pk", None)
    rows = [
        model(**{name: getattr(value, name) for name in attnames}, history_date=date, history_type="~",
              history_user_id=user_id, history_change_reason=reason)
        for value in values
    ]
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
