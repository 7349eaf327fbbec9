"""Reads behind the dashboards, as plain rows with a fixed number of queries.

Wide reads use values_list (tuples, no model instances) and the rate stored on each
yearly value (YearlyValue.rate, kept current by its writers). Pages that summarise a
whole plan count in the database instead: see reports.dashboards.aggregates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404

from kpis.models import EntryRound, Indicator, IndicatorKind, ReviewEvent, TargetRevision, YearlyValue
from kpis.values import column_names, value_from_columns
from plans import achievement
from plans.models import BasicPolicy, Category, Department, Measure, Narrative, Step, StepYear, Strategy
from projects.models import Project, ProjectYear


@dataclass(slots=True)
class DepartmentRow:
    id: int
    name: str
    parent_id: int | None
    label: str
    order: tuple


@dataclass(slots=True)
class ValueRow:
    """The columns of a YearlyValue a dashboard needs; Values are built only when shown."""

    fiscal_year: int
    status: str
    planned_state: str
    planned_number: Decimal | None
    planned_places: int
    planned_text: str
    actual_state: str
    actual_number: Decimal | None
    actual_places: int
    actual_text: str
    rate: Decimal | None

    @property
    def planned(self) -> achievement.Value:
        return value_from_columns(self, "planned")

    @property
    def actual(self) -> achievement.Value:
        return value_from_columns(self, "actual")


@dataclass(slots=True)
class IndicatorRow:
    id: int
    code: str
    name: str
    kind: str
    unit: str
    direction: str
    department_id: int | None
    policy_id: int | None
    measure_id: int | None
    project_id: int | None
    leading: bool
    values: dict[int, ValueRow] = field(default_factory=dict)
    department: DepartmentRow | None = None  # filled in by the dashboard for display
    policy: object = None
    owner: tuple | None = None  # ("measure" | "project", id, code, title), see owner_names

    @property
    def label(self) -> str:
        return self.name or self.code or f"#{self.id}"

    @property
    def kind_label(self) -> str:
        return IndicatorKind(self.kind).label


_VALUE_COLUMNS = ("indicator_id", "fiscal_year", "status", *column_names("planned"), *column_names("actual"), "rate")


def indicator_rows(strategy: Strategy, fiscal_years, *, where: Q | None = None) -> list[IndicatorRow]:
    """Indicators of a strategy (optionally narrowed by `where`) with their values for
    `fiscal_years` and the stored rate of each (2 queries: indicators, values)."""
    indicators = Indicator.objects.filter(strategy=strategy)
    if where is not None:
        indicators = indicators.filter(where)
    columns = indicators.order_by("order", "pk").values_list(
        "id", "code", "name", "kind", "unit", "direction", "responsible_department_id",
        "basic_policy_id", "measure_id", "measure__basic_policy_id", "project_id", "project__measure_id",
        "project__basic_policy_id", "project__leading",
    )
    rows = {}
    for (pk, code, name, kind, unit, direction, department_id, policy_id, measure_id, measure_policy_id,
         project_id, project_measure_id, project_policy_id, leading) in columns:
        rows[pk] = IndicatorRow(
            pk, code, name, kind, unit, direction, department_id, policy_id or measure_policy_id or project_policy_id,
            measure_id or project_measure_id, project_id, bool(leading),
        )
    values = YearlyValue.objects.filter(fiscal_year__in=list(fiscal_years), indicator__strategy=strategy)
    if where is not None:
        values = values.filter(indicator__in=indicators.values("pk"))
    for indicator_id, fiscal_year, *columns in values.values_list(*_VALUE_COLUMNS):
        row = rows.get(indicator_id)
        if row is not None:
            row.values[fiscal_year] = ValueRow(fiscal_year, *columns)
    return list(rows.values())


def actual_counts(strategy: Strategy) -> dict[int, int]:
    """Numeric actuals per fiscal year, to pick the default year (1 query)."""
    rows = (
        YearlyValue.objects.filter(indicator__strategy=strategy, actual_state=achievement.NUMBER)
        .values("fiscal_year").annotate(n=Count("*")).order_by()
    )
    return {row["fiscal_year"]: row["n"] for row in rows}


def departments(strategy: Strategy) -> dict[int, DepartmentRow]:
    """Departments of the strategy's municipality, 部局 before their 課 (1 query)."""
    rows = (
        Department.objects.filter(municipality_id=strategy.municipality_id)
        .values_list("id", "name", "parent_id", "parent__name", "order", "parent__order")
    )
    result = {}
    for pk, name, parent_id, parent_name, order, parent_order in rows:
        sort = (parent_order, parent_id, order, name) if parent_id else (order, pk, -1, name)
        result[pk] = DepartmentRow(pk, name, parent_id, f"{parent_name} {name}" if parent_id else name, sort)
    return dict(sorted(result.items(), key=lambda item: item[1].order))


def basic_policies(strategy: Strategy) -> list[BasicPolicy]:
    """Basic policies with lead department and categories (2 queries)."""
    categories = Category.objects.select_related("vocabulary").order_by("vocabulary__order", "order")
    return list(
        BasicPolicy.objects.filter(strategy=strategy).select_related("lead_department")
        .prefetch_related(Prefetch("categories", queryset=categories)).order_by("order", "pk")
    )


def categories(strategy: Strategy) -> list[Category]:
    """Every category of the strategy with its vocabulary, for the filter (1 query)."""
    return list(
        Category.objects.filter(vocabulary__strategy=strategy).select_related("vocabulary")
        .order_by("vocabulary__order", "vocabulary_id", "order", "pk")
    )


def category_members(category_id: int) -> tuple[set, set, set]:
    """Ids of the basic policies, measures and projects classified under a category (3 queries)."""
    return (
        set(BasicPolicy.categories.through.objects.filter(category_id=category_id).values_list("basicpolicy_id", flat=True)),
        set(Measure.categories.through.objects.filter(category_id=category_id).values_list("measure_id", flat=True)),
        set(Project.categories.through.objects.filter(category_id=category_id).values_list("project_id", flat=True)),
    )


def category_member_q(category_id: int) -> Q:
    """Indicators under a category, as summary.matches decides with category_members: their
    basic policy, measure or project is classified under it (for aggregates.indicators)."""
    return (
        Q(policy_key__in=BasicPolicy.categories.through.objects.filter(category_id=category_id).values("basicpolicy_id"))
        | Q(measure_key__in=Measure.categories.through.objects.filter(category_id=category_id).values("measure_id"))
        | Q(project_id__in=Project.categories.through.objects.filter(category_id=category_id).values("project_id"))
    )


def leading_projects(strategy: Strategy, *, policy_id: int | None = None) -> list[tuple]:
    """(id, code, name, basic_policy_id) of the leading projects, in plan order (1 query)."""
    projects = Project.objects.filter(strategy=strategy, leading=True)
    if policy_id is not None:
        projects = projects.filter(basic_policy_id=policy_id)
    return list(projects.order_by("order").values_list("id", "code", "name", "basic_policy_id"))


def project_changes(strategy: Strategy, fiscal_year: int) -> tuple[list[tuple], list[tuple]]:
    """Projects that start in `fiscal_year` (the year marked as their start) and those whose
    last year was the year before: ([(id, code, name, policy_id)], same) (1 query)."""
    later = ProjectYear.objects.filter(project=OuterRef("project"), fiscal_year__gte=fiscal_year)
    rows = (
        ProjectYear.objects.filter(project__strategy=strategy)
        .filter(Q(fiscal_year=fiscal_year, is_start=True) | Q(Q(fiscal_year=fiscal_year - 1) & ~Exists(later)))
        .order_by("project__order")
        .values_list("project_id", "project__code", "project__name", "project__basic_policy_id", "fiscal_year")
    )
    new, ended = [], []
    for pk, code, name, policy_id, year in rows:
        (new if year == fiscal_year else ended).append((pk, code, name, policy_id))
    return new, ended


def round_fiscal_year(strategy: Strategy, now=None) -> int | None:
    """The fiscal year of the strategy's open entry round, else of its latest closed one, else
    None (1 query). The dashboards open on it: the year people are working on or just closed."""
    is_open = Case(When(EntryRound.open_q(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    return (EntryRound.objects.filter(strategy=strategy).filter(EntryRound.open_q(now) | Q(closed_at__isnull=False))
            .annotate(is_open=is_open).order_by("-is_open", "-fiscal_year")
            .values_list("fiscal_year", flat=True).first())


def entry_round(strategy: Strategy, fiscal_year: int) -> EntryRound | None:
    return EntryRound.objects.filter(strategy=strategy, fiscal_year=fiscal_year).first()


def narratives(**owner) -> list[Narrative]:
    """Texts of one basic policy, measure or project (1 query), newest year first."""
    return list(Narrative.objects.filter(**owner).order_by("-fiscal_year", "kind"))


def measures_of(policy: BasicPolicy) -> list[Measure]:
    return list(Measure.objects.filter(basic_policy=policy).select_related("lead_department").order_by("order", "pk"))


def steps_with_years(*conditions, **where) -> list[Step]:
    """Steps with their status per year (2 queries)."""
    return list(
        Step.objects.filter(*conditions, **where).select_related("measure")
        .prefetch_related(Prefetch("years", queryset=StepYear.objects.order_by("fiscal_year")))
        .order_by("measure__order", "order", "pk")
    )


def projects_with_years(*conditions, **where) -> list[Project]:
    """Projects with lead department and their phase per year (2 queries)."""
    return list(
        Project.objects.filter(*conditions, **where).select_related("lead_department", "lead_department__parent")
        .prefetch_related(Prefetch("years", queryset=ProjectYear.objects.order_by("fiscal_year")))
        .order_by("order", "pk")
    )


def measure(strategy: Strategy, measure_id: int) -> Measure:
    """A measure of the strategy with its basic policy and lead department (1 query)."""
    return get_object_or_404(
        Measure.objects.select_related("basic_policy", "lead_department"), pk=measure_id, basic_policy__strategy=strategy
    )


def step(strategy: Strategy, step_id: int) -> Step:
    """A step with its measure, basic policy and status per year (2 queries)."""
    return get_object_or_404(
        Step.objects.select_related("measure__basic_policy")
        .prefetch_related(Prefetch("years", queryset=StepYear.objects.order_by("fiscal_year"))),
        pk=step_id, measure__basic_policy__strategy=strategy,
    )


def project(strategy: Strategy, project_id: int) -> Project:
    """A project with its place in the tree, departments, categories and phases (4 queries)."""
    return get_object_or_404(
        Project.objects.select_related(
            "basic_policy", "measure", "step", "lead_department", "lead_department__parent", "merged_into"
        ).prefetch_related(
            Prefetch("years", queryset=ProjectYear.objects.order_by("fiscal_year")),
            Prefetch("co_departments", queryset=Department.objects.select_related("parent")),
            Prefetch("categories", queryset=Category.objects.select_related("vocabulary")),
        ),
        pk=project_id, strategy=strategy,
    )


def attach_owners(rows) -> None:
    """Set `owner` on each row: the project or measure it is attached to (2 queries)."""
    project_ids = {row.project_id for row in rows if row.project_id}
    measure_ids = {row.measure_id for row in rows if row.measure_id and not row.project_id}
    measures = {pk: ("measure", pk, code, title) for pk, code, title in
                Measure.objects.filter(pk__in=list(measure_ids) or [0]).values_list("pk", "code", "title")}
    projects = {pk: ("project", pk, code, name) for pk, code, name in
                Project.objects.filter(pk__in=list(project_ids) or [0]).values_list("pk", "code", "name")}
    for row in rows:
        row.owner = projects.get(row.project_id) if row.project_id else measures.get(row.measure_id)


def indicator_detail(indicator_id: int, strategy: Strategy) -> Indicator | None:
    """One indicator with everything its page shows (4 queries: indicator with its owners
    and department, values, target revisions, review events)."""
    revisions = TargetRevision.objects.select_related("revised_by").order_by("revised_at", "pk")
    events = ReviewEvent.objects.select_related("user").order_by("created_at", "pk")
    values = YearlyValue.objects.order_by("fiscal_year").prefetch_related(
        Prefetch("revisions", queryset=revisions), Prefetch("review_events", queryset=events)
    )
    return (
        Indicator.objects.filter(pk=indicator_id, strategy=strategy)
        .select_related(
            "strategy", "responsible_department", "responsible_department__parent",
            "basic_policy", "measure__basic_policy", "project__basic_policy", "project__measure", "project__step",
        )
        .prefetch_related(Prefetch("values", queryset=values))
        .first()
    )


def value_history(indicator: Indicator, limit: int = 50) -> list:
    """The latest recorded changes of the indicator's values (1 query)."""
    return list(
        YearlyValue.history.filter(indicator_id=indicator.pk).select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def indicator_history(indicator: Indicator, limit: int = 20) -> list:
    return list(
        Indicator.history.filter(id=indicator.pk).select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def group_by(items, key) -> dict:
    result = defaultdict(list)
    for item in items:
        result[key(item)].append(item)
    return result
