"""Reads of a whole strategy: its list with counts and its tree with projects and
indicator counts (they span plans, projects and kpis, so they live here). Each selector owns its select_related/prefetch_related
so that a page or an API list costs a fixed number of queries whatever the plan size."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kpis.models import Indicator
from plans.models import BasicPolicy, Measure, Step, Strategy
from projects.models import Project


def _count_of(model) -> Coalesce:
    rows = model.objects.filter(strategy=OuterRef("pk")).order_by().values("strategy")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def strategy_list() -> QuerySet[Strategy]:
    """Strategies with municipality, phases and node counts (2 queries).

    Counted by one subquery per relation: joining all three at once multiplies
    their rows (minutes at 10x the Sasebo plan).
    """
    return (
        Strategy.objects.select_related("municipality")
        .annotate(
            basic_policy_count=_count_of(BasicPolicy),
            project_count=_count_of(Project),
            indicator_count=_count_of(Indicator),
        )
        .prefetch_related("phases")
        .order_by("order", "code")
    )


def strategy_tree(strategy: Strategy) -> list[BasicPolicy]:
    """The basic policies of a strategy with measures, steps and projects (4 queries).

    Queries: basic policies (with their indicator count); measures; steps;
    projects under measures. Projects outside any measure come from
    `strategy_loose_projects`.
    """
    projects = Project.objects.select_related("lead_department", "lead_department__parent").order_by("order")
    steps = Step.objects.order_by("order")
    measures = Measure.objects.order_by("order").prefetch_related(
        Prefetch("steps", queryset=steps),
        Prefetch("projects", queryset=projects),
    )
    return list(
        BasicPolicy.objects.filter(strategy=strategy)
        .select_related("lead_department")
        .annotate(indicator_count=Count("indicators"))
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("order")
    )


def strategy_loose_projects(strategy: Strategy) -> list[Project]:
    """Projects outside any measure (Sasebo's 推進課題 and しかけ rows) (1 query)."""
    return list(
        Project.objects.filter(strategy=strategy, measure__isnull=True)
        .select_related("lead_department", "lead_department__parent", "basic_policy")
        .order_by("order")
    )
