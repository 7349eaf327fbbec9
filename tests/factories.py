"""Synthetic plan rows for tests, as plain functions (bulk inserts, no services).

Used to measure query counts at two sizes: the demo as loaded, then `grow(strategy)`
which adds about ten times the strategy's rows at every level. Values cycle through
every state (number, －, …, text, empty) so serializers and admin columns see them all.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import cycle, islice

from django.utils import timezone

from kpis.models import (
    EntryRound,
    EntryStatus,
    Indicator,
    IndicatorKind,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    TargetRevision,
    YearlyValue,
)
from kpis.values import value_columns
from plans.models import (
    BasicPolicy,
    Category,
    Department,
    Measure,
    Municipality,
    Narrative,
    NarrativeKind,
    Step,
    StepStatus,
    StepYear,
    Strategy,
    User,
)
from projects.models import Phase, Project, ProjectYear


@dataclass(frozen=True)
class SmallRound:
    department: Department
    strategy: Strategy
    indicator: Indicator
    value: YearlyValue
    entry_round: EntryRound


def small_round(code: str, city: str, *, first_fiscal_year: int = 2024, last_fiscal_year: int = 2026,
                fiscal_year: int | None = None, status: str = EntryStatus.NOT_ENTERED, opens_at=None,
                deadline=None) -> SmallRound:
    """A municipality of its own (`city`, e.g. 故障市) with one department (…課), a strategy,
    one KPI and its row in an entry round (open from yesterday to tomorrow unless given):
    for tests that must not depend on the demo (transactional and live-server tests)."""
    fiscal_year = fiscal_year or first_fiscal_year
    stem = city.removesuffix("市")
    municipality = Municipality.objects.create(code=code, name=city)
    department = Department.objects.create(municipality=municipality, name=f"{stem}課")
    strategy = Strategy.objects.create(municipality=municipality, code=code, title=f"{stem}テスト計画",
                                       first_fiscal_year=first_fiscal_year, last_fiscal_year=last_fiscal_year)
    policy = BasicPolicy.objects.create(strategy=strategy, code="1", title="方針")
    indicator = Indicator.objects.create(strategy=strategy, basic_policy=policy, kind=IndicatorKind.KPI, code="K1",
                                         name=f"{stem}の指標", responsible_department=department)
    value = YearlyValue.objects.create(indicator=indicator, fiscal_year=fiscal_year, status=status)
    now = timezone.now()
    entry_round = EntryRound.objects.create(strategy=strategy, fiscal_year=fiscal_year,
                                            opens_at=opens_at or now - timedelta(days=1),
                                            deadline=deadline or now + timedelta(days=1))
    return SmallRound(department, strategy, indicator, value, entry_round)


SAMPLE_VALUES = ("10", "12.5", "－", "…", "実施済", "", "2,500.0")


def _take(items, n):
    return list(islice(cycle(items), n))


def _departments(strategy: Strategy) -> list[Department]:
    return list(Department.objects.filter(municipality=strategy.municipality).order_by("pk"))


def add_basic_policies(strategy: Strategy, n: int, *, measures_each: int = 3, steps_each: int = 2) -> list[Measure]:
    """n basic policies, each with measures, steps (with a status per fiscal year) and
    narratives. Returns the new measures."""
    departments = _departments(strategy)
    start = BasicPolicy.objects.filter(strategy=strategy).count() + 1
    policies = BasicPolicy.objects.bulk_create(
        BasicPolicy(strategy=strategy, code=f"X{start + i}", order=1000 + start + i, title=f"合成方針 {start + i}",
                    lead_department=department)
        for i, department in enumerate(_take(departments, n))
    )
    for policy, department in zip(policies, _take(departments, n)):
        policy.co_departments.add(department)
    measures = Measure.objects.bulk_create(
        Measure(basic_policy=policy, code=f"{j}", order=j, title=f"合成施策 {policy.code}-{j}")
        for policy in policies
        for j in range(1, measures_each + 1)
    )
    steps = Step.objects.bulk_create(
        Step(measure=measure, code=f"{measure.code}-{k}", order=k, title=f"合成ステップ {k}")
        for measure in measures
        for k in range(1, steps_each + 1)
    )
    StepYear.objects.bulk_create(
        StepYear(step=step, fiscal_year=fiscal_year, status=StepStatus.PLANNED)
        for step in steps
        for fiscal_year in strategy.fiscal_years
    )
    Narrative.objects.bulk_create(
        Narrative(measure=measure, fiscal_year=strategy.last_fiscal_year, kind=NarrativeKind.GOAL, text="合成の目標")
        for measure in measures
    )
    return measures


def add_projects(strategy: Strategy, n: int) -> list[Project]:
    """n projects spread over the strategy's measures (and their first step), with a phase
    for every fiscal year, a narrative, a co-department and a category."""
    measures = list(Measure.objects.filter(basic_policy__strategy=strategy).prefetch_related("steps").order_by("pk"))
    departments = _departments(strategy)
    categories = list(Category.objects.filter(vocabulary__strategy=strategy)) or [None]
    start = (Project.objects.filter(strategy=strategy).order_by("-order").values_list("order", flat=True).first()) or 0
    projects = Project.objects.bulk_create(
        Project(
            strategy=strategy, basic_policy_id=measure.basic_policy_id, measure=measure,
            step=next(iter(measure.steps.all()), None) if i % 2 else None,
            order=start + i + 1, code=f"合成{start + i + 1}", name=f"合成事業 {start + i + 1}",
            leading=i % 4 == 0, lead_department=department,
        )
        for i, (measure, department) in enumerate(zip(_take(measures, n), _take(departments, n)))
    )
    Through = Project.co_departments.through
    Through.objects.bulk_create(
        Through(project=project, department=department) for project, department in zip(projects, _take(departments, n))
    )
    if categories[0] is not None:
        Project.categories.through.objects.bulk_create(
            Project.categories.through(project=project, category=category)
            for project, category in zip(projects, _take(categories, n))
        )
    ProjectYear.objects.bulk_create(
        ProjectYear(project=project, fiscal_year=fiscal_year, phase=Phase.OPERATE)
        for project in projects
        for fiscal_year in strategy.fiscal_years
    )
    Narrative.objects.bulk_create(
        Narrative(project=project, fiscal_year=strategy.last_fiscal_year, kind=NarrativeKind.SUMMARY, text="合成の総括")
        for project in projects
    )
    return projects


def add_indicators(strategy: Strategy, n: int, *, kind: str = IndicatorKind.KPI) -> list[Indicator]:
    """n indicators on the strategy's measures (KPIs) or projects (activity indicators),
    each with a value for every fiscal year and a target revision on its first value."""
    departments = _departments(strategy)
    if kind == IndicatorKind.ACTIVITY:
        owners = [{"project": p} for p in Project.objects.filter(strategy=strategy).order_by("pk")]
    else:
        owners = [{"measure": m} for m in Measure.objects.filter(basic_policy__strategy=strategy).order_by("pk")]
    indicators = Indicator.objects.bulk_create(
        Indicator(strategy=strategy, kind=kind, order=5000 + i, name=f"合成指標 {i}", unit="件",
                  responsible_department=department, baseline_value=Decimal(0),
                  baseline_fiscal_year=strategy.first_fiscal_year, target_value=Decimal(100),
                  target_fiscal_year=strategy.last_fiscal_year, **owner)
        for i, (owner, department) in enumerate(zip(_take(owners, n), _take(departments, n)))
    )
    raw = cycle(SAMPLE_VALUES)
    values = YearlyValue.objects.bulk_create(
        YearlyValue(indicator=indicator, fiscal_year=fiscal_year, **value_columns("planned", next(raw)),
                    **value_columns("actual", next(raw)))
        for indicator in indicators
        for fiscal_year in strategy.fiscal_years
    )
    user = User.objects.order_by("pk").first()
    first_values = {value.indicator_id: value for value in reversed(values)}.values()
    TargetRevision.objects.bulk_create(
        TargetRevision(yearly_value=value, **value_columns("old", "5"), **value_columns("new", "6"), reason="合成の修正",
                       revised_by=user)
        for value in first_values
    )
    return indicators


def grow(strategy: Strategy, factor: int = 10) -> None:
    """Add `factor` times the strategy's current basic policies, projects and indicators."""
    policies = BasicPolicy.objects.filter(strategy=strategy).count()
    projects = Project.objects.filter(strategy=strategy).count()
    kpis = Indicator.objects.filter(strategy=strategy).exclude(kind=IndicatorKind.ACTIVITY).count()
    activities = Indicator.objects.filter(strategy=strategy, kind=IndicatorKind.ACTIVITY).count()
    add_basic_policies(strategy, factor * max(policies, 1))
    add_projects(strategy, factor * max(projects, 1))
    add_indicators(strategy, factor * max(kpis, 1), kind=IndicatorKind.KPI)
    add_indicators(strategy, factor * max(activities, 1), kind=IndicatorKind.ACTIVITY)


def add_department_rows(strategy, department, n, *, status=EntryStatus.NOT_ENTERED, comment_every=3, fiscal_year=2024):
    """n indicators of `department` (half KPIs on measures, half activity indicators on
    projects) with values for every fiscal year; the rows of `fiscal_year` get `status`, and every
    `comment_every`-th a reviewer's comment, so every prefetch has rows to fetch."""
    indicators = add_indicators(strategy, n - n // 2, kind=IndicatorKind.KPI)
    indicators += add_indicators(strategy, n // 2, kind=IndicatorKind.ACTIVITY)
    ids = [indicator.pk for indicator in indicators]
    Indicator.objects.filter(pk__in=ids).update(responsible_department=department)
    rows = list(YearlyValue.objects.filter(indicator_id__in=ids, fiscal_year=fiscal_year).order_by("pk"))
    YearlyValue.objects.filter(pk__in=[r.pk for r in rows]).update(status=status)
    ReviewEvent.objects.bulk_create(
        ReviewEvent(yearly_value=row, stage=ReviewStage.DX_OFFICE, action=ReviewAction.APPROVED,
                    from_status=EntryStatus.SUBMITTED, to_status=status, comment=f"確認済み {i}")
        for i, row in enumerate(rows) if i % comment_every == 0
    )
    return rows
