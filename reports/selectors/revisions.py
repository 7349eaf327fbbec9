"""The data export's 目標値の修正 sheet: every target revision of the strategy in scope,
keyed by imports.export_contract.REVISION_HEADINGS (1 query, streamed)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone

from kpis.models import TargetRevision, stored_value
from plans import fiscal_years
from reports.selectors.columns import CHUNK
from reports.selectors.scope import Scope


def data_revisions(scope: Scope) -> Iterator[dict]:
    """Revisions in the order they were made (the same scope as the データ sheet)."""
    revisions = TargetRevision.objects.filter(
        scope.departments("yearly_value__indicator__responsible_department"),
        yearly_value__indicator__strategy=scope.strategy,
    )
    if scope.basic_policy is not None:
        prefix = "yearly_value__indicator__"
        revisions = revisions.filter(
            Q(**{f"{prefix}basic_policy": scope.basic_policy}) | Q(**{f"{prefix}measure__basic_policy": scope.basic_policy})
            | Q(**{f"{prefix}project__basic_policy": scope.basic_policy})
        )
    rows = revisions.order_by("revised_at", "pk").values_list(
        "yearly_value__indicator__code", "yearly_value__indicator__name", "yearly_value__fiscal_year",
        "old_state", "old_number", "old_places", "old_text", "new_state", "new_number", "new_places", "new_text",
        "reason", "revised_at", "revised_by__username", named=True,
    ).iterator(chunk_size=CHUNK)
    for r in rows:
        yield {
            "indicator_code": r.yearly_value__indicator__code, "indicator_name": r.yearly_value__indicator__name,
            "fiscal_year": r.yearly_value__fiscal_year,
            "fiscal_year_label": fiscal_years.era_label(r.yearly_value__fiscal_year),
            "old_planned": _plain(stored_value(r.old_state, r.old_number, r.old_places, r.old_text)),
            "new_planned": _plain(stored_value(r.new_state, r.new_number, r.new_places, r.new_text)),
            "reason": r.reason, "revised_at": timezone.localtime(r.revised_at).isoformat(timespec="seconds"),
            "revised_by": r.revised_by__username or "",
        }


def _plain(value) -> str:
    """The データ sheet's display form: 36000, －, …, the text, or ''."""
    return format(value.number, "f") if value.is_number else value.display()
