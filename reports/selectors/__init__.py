"""Reads for the report page and the workbooks.

Each selector runs a fixed number of queries whatever the plan size. The big readers
(project list, data export) stream ordered rows with `.iterator()` and merge them in
Python, so a 100× plan costs the same memory as the demo; the policy sections (KPIs
are a small share of the rows) are read whole.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from kpis import achievement
from kpis.models import Indicator, YearlyValue, stored_value
from plans import fiscal_years
from plans.models import BasicPolicy, CategoryVocabulary, Department, Measure, Narrative, NarrativeKind, Step, StepYear
from projects.models import PHASE_MARKS, Project, ProjectYear
from reports.models import ReportJob
from reports.workbook import labels
from reports.workbook.rows import (
    IndicatorRow,
    MeasureRow,
    PolicySection,
    ProjectRow,
    ReportMeta,
    StepRow,
)

CHUNK = 2000
_EMPTY = achievement.Value(achievement.EMPTY)
_SIDE = ("state", "number", "places", "text")


# --- the report page -----------------------------------------------------------------------


def report_job_list() -> QuerySet[ReportJob]:
    """Jobs, latest first, with who asked, strategy and scope joined (1 query)."""
    return ReportJob.objects.select_related(
        "requested_by", "strategy", "basic_policy", "department", "department__parent"
    ).order_by("-created_at", "-pk")


def report_job_get(job_id: int) -> ReportJob:
    """One job with what its page prints and the builder needs (1 query)."""
    return ReportJob.objects.select_related(
        "requested_by", "strategy__municipality", "basic_policy", "department", "department__parent"
    ).get(pk=job_id)


# --- scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a report covers: a strategy, optionally one basic policy or one department (with its 課)."""

    strategy: object
    fiscal_year: int
    basic_policy: BasicPolicy | None = None
    department: Department | None = None

    @classmethod
    def of(cls, job: ReportJob) -> Scope:
        return cls(job.strategy, job.fiscal_year, job.basic_policy, job.department)

    def departments(self, prefix: str) -> Q:
        if self.department is None:
            return Q()
        return Q(**{prefix: self.department}) | Q(**{f"{prefix}__parent": self.department})

    def label(self, strategy) -> str:
        """The cover's 対象 line: '' for the whole strategy."""
        if self.basic_policy is not None:
            policy = self.basic_policy
            name = f"{strategy.label_basic_policy} {policy.code} {policy.short_name or policy.title}"
            return labels.SCOPE_ONLY.format(name=name)
        if self.department is not None:
            return labels.SCOPE_ONLY.format(name=department_name(self.department, " "))
        return ""


def department_name(department: Department | None, separator: str = "/") -> str:
    if department is None:
        return ""
    if department.parent_id:
        return f"{department.parent.name}{separator}{department.name}"
    return department.name


def _department(name: str | None, parent: str | None, separator: str = "/") -> str:
    if not name:
        return ""
    return f"{parent}{separator}{name}" if parent else name


def _value(row, offset: int) -> achievement.Value:
    state, number, places, text = row[offset:offset + 4]
    if state is None:
        return _EMPTY
    return stored_value(state, number, places, text)


# --- the report workbook -------------------------------------------------------------------


def report_meta(scope: Scope, *, as_of) -> ReportMeta:
    """Title data, fiscal-year columns and category vocabularies (2 queries: vocabularies, phase years)."""
    strategy = scope.strategy
    vocabularies = tuple(
        CategoryVocabulary.objects.filter(strategy=strategy, categories__projects__isnull=False)
        .distinct().order_by("order", "pk").values_list("name", flat=True)
    )
    span = ProjectYear.objects.filter(
        project__strategy=strategy, fiscal_year__gte=strategy.first_fiscal_year,
        fiscal_year__lte=strategy.last_fiscal_year,
    ).aggregate(first=Min("fiscal_year"), last=Max("fiscal_year"))
    phase_years = tuple(range(span["first"], span["last"] + 1)) if span["first"] is not None else ()
    return ReportMeta(
        municipality=strategy.municipality.name, strategy_title=strategy.title, fiscal_year=scope.fiscal_year,
        as_of=as_of, plan_as_of=strategy.plan_as_of, actuals_as_of=strategy.actuals_as_of,
        fiscal_years=tuple(strategy.fiscal_years), phase_years=phase_years, bands=strategy.bands(),
        label_basic_policy=strategy.label_basic_policy, label_measure=strategy.label_measure,
        label_step=strategy.label_step, label_project=strategy.label_project,
        vocabularies=vocabularies, scope=scope.label(strategy),
    )


def report_sections(scope: Scope) -> list[PolicySection]:
    """One section per basic policy in scope (7 queries: policies, narratives, measures,
    steps, step years, indicators, their values)."""
    strategy, fy = scope.strategy, scope.fiscal_year
    policies = BasicPolicy.objects.filter(strategy=strategy).order_by("order", "pk")
    if scope.basic_policy is not None:
        policies = policies.filter(pk=scope.basic_policy.pk)
    policies = list(policies.values_list("pk", "code", "title", "short_name"))
    narratives = _narratives(strategy, fy)
    measures = defaultdict(list)
    for pk, policy_id, code, title, target_image in (
        Measure.objects.filter(basic_policy__strategy=strategy).order_by("order", "pk")
        .values_list("pk", "basic_policy_id", "code", "title", "target_image")
    ):
        measures[policy_id].append((pk, MeasureRow(code, title, target_image, narratives.get(("m", pk, "goal"), ""))))
    indicators = _section_indicators(scope)
    steps = _section_steps(strategy)

    sections = []
    for pk, code, title, short_name in policies:
        in_scope = indicators.get(("p", pk), [])
        shown = []
        for measure_id, measure in measures[pk]:
            rows = indicators.get(("m", measure_id), [])
            if scope.department is None or rows:
                shown.append((measure_id, measure))
                in_scope = in_scope + rows
        if scope.department is not None and not in_scope:
            continue
        sections.append(PolicySection(
            code=code, title=title, short_name=short_name,
            goal=narratives.get(("p", pk, "goal"), ""), summary=narratives.get(("p", pk, "summary"), ""),
            measures=tuple(m for _, m in shown), indicators=tuple(in_scope),
            steps=tuple(step for measure_id, _ in shown for step in steps.get(measure_id, [])),
        ))
    return sections


def _narratives(strategy, fiscal_year: int) -> dict:
    rows = Narrative.objects.filter(
        Q(basic_policy__strategy=strategy) | Q(measure__basic_policy__strategy=strategy),
        fiscal_year=fiscal_year, kind__in=[NarrativeKind.GOAL, NarrativeKind.SUMMARY],
    ).values_list("basic_policy_id", "measure_id", "kind", "text")
    return {("p", p, kind) if p else ("m", m, kind): text for p, m, kind, text in rows}


def _section_steps(strategy) -> dict[int, list[StepRow]]:
    statuses = defaultdict(dict)
    for step_id, fy, status in StepYear.objects.filter(step__measure__basic_policy__strategy=strategy).values_list(
        "step_id", "fiscal_year", "status"
    ):
        statuses[step_id][fy] = status
    result = defaultdict(list)
    for pk, measure_id, measure_code, measure_title, code, title in (
        Step.objects.filter(measure__basic_policy__strategy=strategy).order_by("order", "pk")
        .values_list("pk", "measure_id", "measure__code", "measure__title", "code", "title")
    ):
        years = statuses.get(pk, {})
        result[measure_id].append(StepRow(
            owner=f"{measure_code} {measure_title}".strip(), code=code, title=title,
            statuses=tuple(years.get(fy, "") for fy in strategy.fiscal_years),
        ))
    return result


def _section_indicators(scope: Scope) -> dict[tuple, list[IndicatorRow]]:
    """Indicators of basic policies and measures, keyed ("p", policy id) / ("m", measure id)."""
    strategy = scope.strategy
    queryset = Indicator.objects.filter(scope.departments("responsible_department"), strategy=strategy,
                                        project__isnull=True)
    values = defaultdict(dict)
    for row in YearlyValue.objects.filter(indicator__in=queryset.values("pk")).values_list(
        "indicator_id", "fiscal_year", *(f"planned_{c}" for c in _SIDE), *(f"actual_{c}" for c in _SIDE), "comment"
    ):
        values[row[0]][row[1]] = (_value(row, 2), _value(row, 6), row[10])
    bands = strategy.bands()
    result = defaultdict(list)
    for row in queryset.order_by("order", "pk").values_list(
        "pk", "basic_policy_id", "basic_policy__code", "basic_policy__title", "measure_id", "measure__code",
        "measure__title", "name", "unit", "direction", "baseline_value", "tolerance", "formula",
    ):
        pk, policy_id, policy_code, policy_title, measure_id, measure_code, measure_title = row[:7]
        name, unit, direction, baseline, tolerance, formula = row[7:]
        key = ("p", policy_id) if policy_id else ("m", measure_id)
        owner = f"{policy_code} {policy_title}" if policy_id else f"{measure_code} {measure_title}"
        result[key].append(_indicator_row(scope.fiscal_year, strategy.fiscal_years, bands, values.get(pk, {}),
                                          owner=owner.strip(), name=name, unit=unit, formula=formula,
                                          direction=direction, baseline=baseline, tolerance=tolerance))
    return result


def _indicator_row(fiscal_year, years, bands, values, *, direction, baseline, tolerance, **fields) -> IndicatorRow:
    """Grade by the latest year up to the report's with a numeric actual (the seed's R7
    edition grades R5 actuals); the comment is the latest one written up to that year."""
    evaluated = max((fy for fy, (_, actual, _) in values.items() if fy <= fiscal_year and actual.is_number),
                    default=None)
    rate = None
    if evaluated is not None:
        planned, actual, _ = values[evaluated]
        rate = achievement.achievement_rate(actual=actual, planned=planned, direction=direction,
                                            baseline=baseline, tolerance=tolerance)
    comments = [(fy, c) for fy, (_, _, c) in values.items() if fy <= fiscal_year and c]
    return IndicatorRow(
        planned=tuple(values.get(fy, (_EMPTY,))[0] for fy in years),
        actual=tuple(values.get(fy, (None, _EMPTY))[1] for fy in years),
        comment=max(comments)[1] if comments else "",
        rate=rate, grade=achievement.grade(rate, bands), evaluated_year=evaluated, **fields,
    )


# --- the project list (streamed) -----------------------------------------------------------


class _Stream:
    """An ordered iterator of rows whose first item is the project's order; take a project's rows."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, order: int) -> list:
        taken = []
        while self._next is not None and self._next[0] <= order:
            if self._next[0] == order:
                taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


def report_project_rows(scope: Scope, meta: ReportMeta) -> Iterator[ProjectRow]:
    """The project list, streamed in project order (4 queries: projects, activity indicators
    with values, phases, categories; each read in chunks through one cursor)."""
    strategy = scope.strategy
    projects = Project.objects.filter(strategy=strategy)
    indicators = Indicator.objects.filter(project__strategy=strategy)
    if scope.basic_policy is not None:
        projects = projects.filter(basic_policy=scope.basic_policy)
        indicators = indicators.filter(project__basic_policy=scope.basic_policy)
    if scope.department is not None:
        projects = projects.filter(scope.departments("lead_department"))
        indicators = indicators.filter(scope.departments("responsible_department"))
    project_ids = projects.values("pk")
    values = _Stream(
        indicators.filter(project__in=project_ids).order_by("project__order", "order", "pk", "values__fiscal_year")
        .values_list("project__order", "pk", "name", "unit", "values__fiscal_year",
                     *(f"values__planned_{c}" for c in _SIDE), *(f"values__actual_{c}" for c in _SIDE))
        .iterator(chunk_size=CHUNK)
    )
    phases = _Stream(
        ProjectYear.objects.filter(project__in=project_ids).order_by("project__order", "fiscal_year")
        .values_list("project__order", "fiscal_year", "phase").iterator(chunk_size=CHUNK)
    )
    vocabulary_names = {name: i for i, name in enumerate(meta.vocabularies)}
    categories = _Stream(
        Project.categories.through.objects.filter(project__in=project_ids)
        .order_by("project__order", "category__vocabulary__order", "category__order", "category__pk")
        .values_list("project__order", "category__vocabulary__name", "category__name").iterator(chunk_size=CHUNK)
    )
    rows = projects.order_by("order").values_list(
        "order", "code", "name", "summary", "leading", "lead_department__name", "lead_department__parent__name",
        "basic_policy__title", "measure__title", "step__code", "step__title",
    ).iterator(chunk_size=CHUNK)
    for order, code, name, summary, leading, dept, dept_parent, policy, measure, step_code, step_title in rows:
        texts = [[] for _ in meta.vocabularies]
        for _, vocabulary, category in categories.take(order):
            if vocabulary in vocabulary_names:
                texts[vocabulary_names[vocabulary]].append(category)
        marks = {fy: PHASE_MARKS[phase] for _, fy, phase in phases.take(order)}
        common = dict(
            categories=tuple("、".join(t) for t in texts), department=_department(dept, dept_parent, " "),
            basic_policy=policy or "", measure=measure or "", step=f"{step_code or ''} {step_title or ''}".strip(),
            code=code, name=name, summary=summary, leading=leading,
            phases=tuple(marks.get(fy, "") for fy in meta.phase_years),
        )
        series = _indicator_series(values.take(order), meta.fiscal_years)
        if not series:
            yield ProjectRow(indicator="", unit="", planned=(_EMPTY,) * len(meta.fiscal_years),
                             actual=(_EMPTY,) * len(meta.fiscal_years), **common)
        for i, (indicator_name, unit, planned, actual) in enumerate(series):
            yield ProjectRow(indicator=indicator_name, unit=unit, planned=planned, actual=actual, continued=i > 0,
                             **common)


def _indicator_series(rows: list, years) -> list[tuple]:
    by_indicator = {}
    for row in rows:
        _, pk, name, unit, fy = row[:5]
        entry = by_indicator.setdefault(pk, (name, unit, {}))
        if fy is not None:
            entry[2][fy] = (_value(row, 5), _value(row, 9))
    return [
        (name, unit, tuple(v.get(fy, (_EMPTY,))[0] for fy in years),
         tuple(v.get(fy, (None, _EMPTY))[1] for fy in years))
        for name, unit, v in by_indicator.values()
    ]


# --- the data export (streamed) ------------------------------------------------------------


def data_strategy(scope: Scope, *, as_of) -> dict:
    """The 計画 sheet's key/value pairs (no query: the strategy comes with its municipality)."""
    s = scope.strategy
    return {
        "strategy_code": s.code, "municipality_code": s.municipality.code, "municipality_name": s.municipality.name,
        "title": s.title, "description": s.description, "first_fiscal_year": s.first_fiscal_year,
        "last_fiscal_year": s.last_fiscal_year, "label_basic_policy": s.label_basic_policy,
        "label_measure": s.label_measure, "label_step": s.label_step, "label_project": s.label_project,
        "grade_bands": json.dumps(s.grade_bands, ensure_ascii=False), "manager_review": int(s.manager_review),
        "dx_review": int(s.dx_review), "as_of": as_of.isoformat(),
    }


_PATH = (
    "basic_policy__code", "basic_policy__title", "measure__basic_policy__code", "measure__basic_policy__title",
    "project__basic_policy__code", "project__basic_policy__title", "measure__code", "measure__title",
    "project__measure__code", "project__measure__title", "project__step__order", "project__step__code",
    "project__step__title", "project__order", "project__code", "project__name", "project__leading",
    "project__lead_department__name", "project__lead_department__parent__name",
)
_INDICATOR = (
    "pk", "code", "kind", "order", "name", "unit", "direction", "tolerance", "cumulative", "baseline_value",
    "baseline_places", "baseline_fiscal_year", "target_value", "target_places", "target_fiscal_year", "formula",
    "data_source", "responsible_department__name", "responsible_department__parent__name", "note",
)
_VALUE = (
    "values__fiscal_year", *(f"values__planned_{c}" for c in _SIDE), *(f"values__actual_{c}" for c in _SIDE),
    "values__comment", "values__note", "values__status", "values__updated_at", "values__updated_by__username",
)


def data_rows(scope: Scope) -> Iterator[dict]:
    """One dict per indicator × fiscal year of the strategy, keyed by the export headings
    (1 query, read in chunks). Indicators in plan order: basic policy, measure, step,
    project, then the indicator's own order."""
    strategy = scope.strategy
    queryset = Indicator.objects.filter(scope.departments("responsible_department"), strategy=strategy)
    if scope.basic_policy is not None:
        queryset = queryset.filter(
            Q(basic_policy=scope.basic_policy) | Q(measure__basic_policy=scope.basic_policy)
            | Q(project__basic_policy=scope.basic_policy)
        )
    queryset = queryset.annotate(
        policy_rank=Coalesce("basic_policy__order", "measure__basic_policy__order", "project__basic_policy__order"),
        measure_rank=Coalesce("measure__order", "project__measure__order"),
    ).order_by(
        F("policy_rank").asc(nulls_last=True), F("measure_rank").asc(nulls_first=True),
        F("project__step__order").asc(nulls_first=True), F("project__order").asc(nulls_first=True),
        "order", "pk", "values__fiscal_year",
    )
    bands = strategy.bands()
    years = strategy.fiscal_years
    rows = queryset.values_list(*_PATH, *_INDICATOR, *_VALUE).iterator(chunk_size=CHUNK)
    current, fields, seen = None, None, {}
    for row in rows:
        path, indicator, value = row[:len(_PATH)], row[len(_PATH):len(_PATH) + len(_INDICATOR)], row[-len(_VALUE):]
        if indicator[0] != current:
            if current is not None:
                yield from _data_years(fields, seen, years, bands)
            current, fields, seen = indicator[0], _data_fields(path, indicator), {}
        if value[0] is not None:
            seen[value[0]] = value
    if current is not None:
        yield from _data_years(fields, seen, years, bands)


def _data_fields(path, indicator) -> dict:
    (bp_code, bp_title, m_bp_code, m_bp_title, p_bp_code, p_bp_title, m_code, m_title, pm_code, pm_title,
     step_order, step_code, step_title, project_order, project_code, project_name, leading, lead, lead_parent) = path
    (_, code, kind, order, name, unit, direction, tolerance, cumulative, baseline, baseline_places,
     baseline_fy, target, target_places, target_fy, formula, data_source, dept, dept_parent, note) = indicator
    return {
        "basic_policy_code": bp_code or m_bp_code or p_bp_code or "",
        "basic_policy_title": bp_title or m_bp_title or p_bp_title or "",
        "measure_code": m_code or pm_code or "", "measure_title": m_title or pm_title or "",
        "step_order": step_order, "step_code": step_code or "", "step_title": step_title or "",
        "project_order": project_order, "project_code": project_code or "", "project_name": project_name or "",
        "project_leading": None if project_order is None else int(leading),
        "project_lead_department": _department(lead, lead_parent),
        "indicator_code": code, "indicator_kind": kind, "indicator_order": order, "indicator_name": name,
        "unit": unit, "direction": direction, "tolerance": _plain(tolerance), "cumulative": int(cumulative),
        "baseline_value": _printed(baseline, baseline_places), "baseline_fiscal_year": baseline_fy,
        "target_value": _printed(target, target_places), "target_fiscal_year": target_fy,
        "formula": formula, "data_source": data_source, "responsible_department": _department(dept, dept_parent),
        "indicator_note": note,
        "_direction": direction, "_baseline": baseline, "_tolerance": tolerance,
    }


def _data_years(fields: dict, seen: dict, years, bands) -> Iterator[dict]:
    for fy in years:
        value = seen.get(fy)
        row = dict(fields)
        row.update(fiscal_year=fy, fiscal_year_label=fiscal_years.era_label(fy))
        if value is None:
            row.update(planned="", actual="", comment="", value_note="", status="not_entered",
                       achievement_rate=None, grade=achievement.NOT_EVALUABLE, updated_at="", updated_by="")
        else:
            planned, actual = _value(value, 1), _value(value, 5)
            rate = achievement.achievement_rate(actual=actual, planned=planned, direction=fields["_direction"],
                                                baseline=fields["_baseline"], tolerance=fields["_tolerance"])
            updated_at = value[12]
            row.update(
                planned=_export_value(planned), actual=_export_value(actual), comment=value[9], value_note=value[10],
                status=value[11], achievement_rate=rate, grade=achievement.grade(rate, bands),
                updated_at=timezone.localtime(updated_at).isoformat(timespec="seconds") if updated_at else "",
                updated_by=value[13] or "",
            )
        yield row


def _export_value(value: achievement.Value) -> str:
    """The display form without thousands separators: 2500.0, －, …, the text, or ''."""
    return format(value.number, "f") if value.is_number else value.display()


def _printed(number, places) -> str:
    return "" if number is None else format(number.quantize(Decimal(1).scaleb(-places)), "f")


def _plain(number) -> str:
    """A Decimal column (6 places stored) without trailing zeros: 3.000000 → 3."""
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
