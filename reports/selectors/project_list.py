"""The report's project list (事業一覧), streamed: projects in order, each with its
activity indicators, phases per fiscal year and categories merged in from ordered cursors,
so a 100× plan costs the same memory as the demo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from kpis.models import Indicator, RoundTextKind, YearlyValue
from projects.models import PHASE_MARKS, Project, ProjectYear
from reports.selectors.as_of import AsOf
from reports.selectors.columns import CHUNK, EMPTY, NO_VALUE, ValueColumns, YearValue, department_path
from reports.selectors.round_texts import RoundTexts
from reports.selectors.scope import Scope
from reports.workbook.rows import ProjectRow, ReportMeta

PLANNED, ACTUAL = ValueColumns("values__planned"), ValueColumns("values__actual")


class _Stream:
    """Named rows ordered by their `project__order`; take a project's rows."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, order: int) -> list:
        taken = []
        while self._next is not None and self._next.project__order <= order:
            if self._next.project__order == order:
                taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


class _Series(NamedTuple):
    """One activity indicator of a project: a value per fiscal year of the report."""

    name: str
    unit: str
    planned: tuple
    actual: tuple


def report_project_rows(scope: Scope, meta: ReportMeta) -> Iterator[ProjectRow]:
    """The project list, streamed in project order, values as of the scope's date (8 queries:
    the round's phases and their versions in force, the approved versions of values changed
    since or not approved, target revisions, then projects, activity indicators with values,
    phases, categories, each read in chunks through one cursor). A phase entered in the round
    prints as of the date (「未確定」 until approved); other years print the plan's. The fiscal
    year's 事業総括 (meta.project_summaries) prints the same way: the approved version, else 「未確定」."""
    strategy = scope.strategy
    round_phases, round_summaries = {}, {}
    round_texts = RoundTexts(strategy, scope.as_of, draft=scope.draft)
    round_texts.overlay("project", RoundTextKind.PHASE, round_phases)
    round_texts.overlay("project", RoundTextKind.SUMMARY, round_summaries)
    projects = Project.objects.filter(strategy=strategy)
    indicators = Indicator.objects.filter(project__strategy=strategy)
    if scope.basic_policy is not None:
        projects = projects.filter(basic_policy=scope.basic_policy)
        indicators = indicators.filter(project__basic_policy=scope.basic_policy)
    if scope.department is not None:
        projects = projects.filter(scope.departments("lead_department"))
        indicators = indicators.filter(scope.departments("responsible_department"))
    project_ids = projects.values("pk")
    indicators = indicators.filter(project__in=project_ids)
    as_of = scope.as_of_reading(YearlyValue.objects.filter(indicator__in=indicators.values("pk")))
    values = _Stream(
        indicators.order_by("project__order", "order", "pk", "values__fiscal_year")
        .values_list("project__order", "pk", "name", "unit", "values__fiscal_year", *PLANNED.names, *ACTUAL.names,
                     "values__pk", "values__status", "values__updated_at", named=True)
        .iterator(chunk_size=CHUNK)
    )
    phases = _Stream(
        ProjectYear.objects.filter(project__in=project_ids).order_by("project__order", "fiscal_year")
        .values_list("project__order", "fiscal_year", "phase", named=True).iterator(chunk_size=CHUNK)
    )
    vocabulary_names = {name: i for i, name in enumerate(meta.vocabularies)}
    categories = _Stream(
        Project.categories.through.objects.filter(project__in=project_ids)
        .order_by("project__order", "category__vocabulary__order", "category__order", "category__pk")
        .values_list("project__order", "category__vocabulary__name", "category__name", named=True)
        .iterator(chunk_size=CHUNK)
    )
    rows = projects.order_by("order").values_list(
        "pk", "order", "code", "name", "summary", "leading", "lead_department__name", "lead_department__parent__name",
        "basic_policy__title", "measure__title", "step__code", "step__title", named=True,
    ).iterator(chunk_size=CHUNK)
    for p in rows:
        texts = [[] for _ in meta.vocabularies]
        for c in categories.take(p.order):
            if c.category__vocabulary__name in vocabulary_names:
                texts[vocabulary_names[c.category__vocabulary__name]].append(c.category__name)
        marks = {y.fiscal_year: PHASE_MARKS[y.phase] for y in phases.take(p.order)}
        for fiscal_year, phase in round_phases.get(p.pk, {}).items():
            marks[fiscal_year] = PHASE_MARKS.get(phase, phase)  # 「未確定」 as it is, "" for no phase
        common = dict(
            categories=tuple("、".join(t) for t in texts),
            department=department_path(p.lead_department__name, p.lead_department__parent__name, " "),
            basic_policy=p.basic_policy__title or "", measure=p.measure__title or "",
            step=f"{p.step__code or ''} {p.step__title or ''}".strip(),
            code=p.code, name=p.name, summary=p.summary, leading=p.leading,
            phases=tuple(marks.get(fy, "") for fy in meta.phase_years),
            year_summary=round_summaries.get(p.pk, {}).get(scope.fiscal_year, "") if meta.project_summaries else "",
        )
        series = _indicator_series(values.take(p.order), meta.fiscal_years, as_of)
        if not series:
            yield ProjectRow(indicator="", unit="", planned=(EMPTY,) * len(meta.fiscal_years),
                             actual=(EMPTY,) * len(meta.fiscal_years), **common)
        for i, s in enumerate(series):
            yield ProjectRow(indicator=s.name, unit=s.unit, planned=s.planned, actual=s.actual, continued=i > 0,
                             **common)


def _indicator_series(rows: list, years, as_of: AsOf) -> list[_Series]:
    """A project's rows (one per indicator × stored year) as one series per indicator, as of the date."""
    names, by_indicator = {}, {}
    for row in rows:
        names.setdefault(row.pk, (row.name, row.unit))
        values = by_indicator.setdefault(row.pk, {})
        if row.values__fiscal_year is not None:
            actual, _comment = as_of.actual(row.values__pk, row.values__status, row.values__updated_at, ACTUAL(row), "")
            values[row.values__fiscal_year] = YearValue(as_of.planned(row.values__pk, PLANNED(row)), actual)
    return [
        _Series(name, unit, tuple(by_indicator[pk].get(fy, NO_VALUE).planned for fy in years),
                tuple(by_indicator[pk].get(fy, NO_VALUE).actual for fy in years))
        for pk, (name, unit) in names.items()
    ]
