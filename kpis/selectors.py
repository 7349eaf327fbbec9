"""Reads of indicators and their values. Each selector owns its select_related /
prefetch_related so a list costs a fixed number of queries whatever its length."""

from django.db.models import Prefetch, Q, QuerySet

from kpis.models import Indicator, TargetRevision, YearlyValue


def indicator_list() -> QuerySet[Indicator]:
    """Indicators with strategy (for its grade bands) and department joined; values and
    their revisions prefetched (3 queries: indicators, values, revisions).

    Prefetching `values` sets each value's `indicator` to the row above, so rates and
    grades need nothing more.
    """
    revisions = TargetRevision.objects.select_related("revised_by").order_by("revised_at", "pk")
    values = YearlyValue.objects.order_by("fiscal_year").prefetch_related(Prefetch("revisions", queryset=revisions))
    return (
        Indicator.objects.select_related("strategy", "responsible_department")
        .prefetch_related(Prefetch("values", queryset=values))
        .order_by("strategy__order", "strategy__code", "order", "pk")
    )


# The API's order of yearly values; (indicator, fiscal year) is unique, so it is a total order
# its keyset pages can follow (plans.api_query.KeysetPagination).
YEARLY_VALUE_ORDER = ("indicator__strategy__order", "indicator__strategy__code", "indicator__order", "indicator_id",
                      "fiscal_year")


def yearly_value_list() -> QuerySet[YearlyValue]:
    """Values with their indicator and its strategy joined (1 query)."""
    return YearlyValue.objects.select_related("indicator__strategy").order_by(*YEARLY_VALUE_ORDER)


def under_basic_policy(basic_policy_id: int, prefix: str = "") -> Q:
    """Indicators attached to a basic policy or to a measure or project under it."""
    return (
        Q(**{f"{prefix}basic_policy_id": basic_policy_id})
        | Q(**{f"{prefix}measure__basic_policy_id": basic_policy_id})
        | Q(**{f"{prefix}project__basic_policy_id": basic_policy_id})
    )


def under_measure(measure_id: int, prefix: str = "") -> Q:
    """Indicators attached to a measure or to a project under it."""
    return Q(**{f"{prefix}measure_id": measure_id}) | Q(**{f"{prefix}project__measure_id": measure_id})
