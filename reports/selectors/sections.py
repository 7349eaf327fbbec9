"""The policy sections of the report: one per basic policy, with its measures, steps and
the KPIs of the policy and its measures (read whole: KPIs are a small share of the rows)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from kpis.models import Indicator, RoundTextKind, YearlyValue, stored_value
from kpis.plausibility import uncertain_lines
from plans import achievement
from plans.models import BasicPolicy, Measure, Narrative, NarrativeKind, Step, StepYear
from reports.selectors.columns import NO_VALUE, ValueColumns, YearValue
from reports.selectors.round_texts import RoundTexts
from reports.selectors.scope import Scope
from reports.workbook import labels
from reports.workbook.rows import IndicatorRow, MeasureRow, PlanTexts, PolicySection, StepRow

PLANNED, ACTUAL = ValueColumns("planned"), ValueColumns("actual")


def report_sections(scope: Scope) -> list[PolicySection]:
    """One section per basic policy in scope (11 queries: policies, narratives, the round's
    texts and their versions in force, measures, steps, step years, indicators, their values,
    the approved versions of values changed since or not approved, target revisions)."""
    strategy, fy = scope.strategy, scope.fiscal_year
    round_texts = RoundTexts(strategy, scope.as_of, draft=scope.draft)
    policies = BasicPolicy.objects.filter(strategy=strategy).order_by("order", "pk")
    if scope.basic_policy is not None:
        policies = policies.filter(pk=scope.basic_policy.pk)
    policies = list(policies.values_list("pk", "code", "title", "short_name", *TEXT_COLUMNS, named=True))
    narratives = _narratives(strategy, fy, round_texts)
    measures = defaultdict(list)
    for m in (
        Measure.objects.filter(basic_policy__strategy=strategy).order_by("order", "pk")
        .values_list("pk", "basic_policy_id", "code", "title", *TEXT_COLUMNS, named=True)
    ):
        target, texts = _target_and_texts(plan_texts(m))
        measures[m.basic_policy_id].append(
            (m.pk, MeasureRow(m.code, m.title, target, narratives.get(("m", m.pk, "goal"), ""), texts))
        )
    indicators = _section_indicators(scope)
    steps = _section_steps(strategy, round_texts)

    sections = []
    for policy in policies:
        in_scope = indicators.get(("p", policy.pk), [])
        shown = []
        for measure_id, measure in measures[policy.pk]:
            rows = indicators.get(("m", measure_id), [])
            if scope.department is None or rows:
                shown.append((measure_id, measure))
                in_scope = in_scope + rows
        if scope.department is not None and not in_scope:
            continue
        sections.append(PolicySection(
            code=policy.code, title=policy.title, short_name=policy.short_name,
            goal=narratives.get(("p", policy.pk, "goal"), ""), summary=narratives.get(("p", policy.pk, "summary"), ""),
            texts=plan_texts(policy),
            measures=tuple(m for _, m in shown), indicators=tuple(in_scope),
            steps=tuple(step for measure_id, _ in shown for step in steps.get(measure_id, [])),
        ))
    return sections


# The plan's own texts of a basic policy or a measure (plans.models.TargetTexts).
TEXT_COLUMNS = ("target_image", "target_object", "target_intent", "target_state_3y", "current_issues", "actions",
                "strengths", "weaknesses", "approach", "related_plans")
_TARGETS = (labels.PLAN_TEXTS["target_image"], labels.PLAN_TEXTS["target"], labels.PLAN_TEXTS["target_state_3y"])


def plan_texts(row) -> PlanTexts:
    """(heading, text) of each text the plan has for a row read with TEXT_COLUMNS; 対象 and
    意図 print together as めざす姿."""
    texts = []
    for column in TEXT_COLUMNS:
        if column == "target_object":
            target_object, intent = row.target_object.strip(), row.target_intent.strip()
            if target_object and intent:
                texts.append((labels.PLAN_TEXTS["target"],
                              labels.TARGET_PARTS.format(object=target_object, intent=intent)))
            elif target_object or intent:
                texts.append((labels.PLAN_TEXTS["target"], target_object or intent))
        elif column != "target_intent" and getattr(row, column).strip():
            texts.append((labels.PLAN_TEXTS[column], getattr(row, column).strip()))
    return tuple(texts)


def _target_and_texts(texts: PlanTexts) -> tuple[str, PlanTexts]:
    """The measure's target column (到達像 as it is, めざす姿 or 3年後の目指す状態 under its
    heading) and the texts printed below the measures."""
    for i, (heading, text) in enumerate(texts):
        if heading in _TARGETS:
            target = text if heading == labels.PLAN_TEXTS["target_image"] else f"【{heading}】\n{text}"
            return target, texts[:i] + texts[i + 1:]
    return "", texts


def _narratives(strategy, fiscal_year: int, round_texts: RoundTexts) -> dict:
    """Goal and summary texts of the year, keyed ("p", policy id, kind) / ("m", measure id, kind):
    the round's where it has them (as of the report's date), else the plan's."""
    rows = Narrative.objects.filter(
        Q(basic_policy__strategy=strategy) | Q(measure__basic_policy__strategy=strategy),
        fiscal_year=fiscal_year, kind__in=[NarrativeKind.GOAL, NarrativeKind.SUMMARY],
    ).values_list("basic_policy_id", "measure_id", "kind", "text", named=True)
    texts = {
        ("p", n.basic_policy_id, n.kind) if n.basic_policy_id else ("m", n.measure_id, n.kind): n.text for n in rows
    }
    for (owner, node, year, kind), text in round_texts.printed.items():
        if year == fiscal_year and owner in ("basic_policy", "measure"):
            texts[("p" if owner == "basic_policy" else "m", node, kind)] = text
    return texts


def _section_steps(strategy, round_texts: RoundTexts) -> dict[int, list[StepRow]]:
    """Steps by measure with their status per fiscal year: the round's where it has one (as of
    the report's date, or 「未確定」), else the plan's."""
    statuses = defaultdict(dict)
    for year in StepYear.objects.filter(step__measure__basic_policy__strategy=strategy).values_list(
        "step_id", "fiscal_year", "status", named=True
    ):
        statuses[year.step_id][year.fiscal_year] = year.status
    round_texts.overlay("step", RoundTextKind.STEP_STATUS, statuses)
    result = defaultdict(list)
    for step in (
        Step.objects.filter(measure__basic_policy__strategy=strategy).order_by("order", "pk")
        .values_list("pk", "measure_id", "measure__code", "measure__title", "code", "title", named=True)
    ):
        years = statuses.get(step.pk, {})
        result[step.measure_id].append(StepRow(
            owner=f"{step.measure__code} {step.measure__title}".strip(), code=step.code, title=step.title,
            statuses=tuple(years.get(fy, "") for fy in strategy.fiscal_years),
        ))
    return result


def _section_indicators(scope: Scope) -> dict[tuple, list[IndicatorRow]]:
    """Indicators of basic policies and measures, keyed ("p", policy id) / ("m", measure id),
    with their values as of the scope's date (reports.selectors.as_of)."""
    strategy = scope.strategy
    queryset = Indicator.objects.filter(scope.departments("responsible_department"), strategy=strategy,
                                        project__isnull=True)
    stored = YearlyValue.objects.filter(indicator__in=queryset.values("pk"))
    as_of = scope.as_of_reading(stored)
    values, revised, uncertain = defaultdict(dict), defaultdict(list), defaultdict(list)
    for value in stored.values_list(
        "pk", "indicator_id", "fiscal_year", *PLANNED.names, *ACTUAL.names, "comment", "status", "updated_at", "note",
        named=True,
    ):
        uncertain[value.indicator_id] += [(value.fiscal_year, line) for line in uncertain_lines(value.note)]
        actual, comment = as_of.actual(value.pk, value.status, value.updated_at, ACTUAL(value), value.comment)
        values[value.indicator_id][value.fiscal_year] = YearValue(as_of.planned(value.pk, PLANNED(value)), actual,
                                                                  comment)
        revised[value.indicator_id] += as_of.revisions.get(value.pk, [])
    bands = strategy.bands()
    result = defaultdict(list)
    for row in queryset.order_by("order", "pk").values_list(
        "pk", "basic_policy_id", "basic_policy__code", "basic_policy__title", "measure_id", "measure__code",
        "measure__title", "measure__basic_policy__code", "name", "unit", "direction", "baseline_value",
        "baseline_places", "baseline_fiscal_year", "tolerance", "formula", "note", "code", "target_value",
        "target_places", "target_fiscal_year", named=True,
    ):
        if row.basic_policy_id:
            key, owner = ("p", row.basic_policy_id), f"{row.basic_policy__code} {row.basic_policy__title}"
            path = (row.basic_policy__code,)
        else:
            key, owner = ("m", row.measure_id), f"{row.measure__code} {row.measure__title}"
            path = (row.measure__basic_policy__code, row.measure__code)
        baseline = target = None
        if row.baseline_value is not None:
            baseline = stored_value(achievement.NUMBER, row.baseline_value, row.baseline_places, "")
        if row.target_value is not None:
            target = stored_value(achievement.NUMBER, row.target_value, row.target_places, "")
        result[key].append(_indicator_row(scope.fiscal_year, strategy.fiscal_years, bands, values.get(row.pk, {}),
                                          owner=owner.strip(), name=row.name, unit=row.unit, formula=row.formula,
                                          direction=row.direction, baseline=row.baseline_value,
                                          tolerance=row.tolerance, baseline_value=baseline,
                                          baseline_year=row.baseline_fiscal_year, code=row.code, path=path,
                                          target=target, target_year=row.target_fiscal_year,
                                          revisions=tuple(sorted(revised.get(row.pk, []),
                                                                 key=lambda r: (r.revised_on, r.fiscal_year))),
                                          uncertain=tuple([(None, line) for line in uncertain_lines(row.note)]
                                                          + sorted(uncertain.get(row.pk, [])))))
    return result


def _indicator_row(fiscal_year, years, bands, values: dict[int, YearValue], *, direction, baseline, tolerance,
                   baseline_value, **fields) -> IndicatorRow:
    """Grade by the latest year up to the report's with a numeric actual (the seed's R7
    edition grades R5 actuals); the comment is the latest one written up to that year."""
    evaluated = max((fy for fy, value in values.items() if fy <= fiscal_year and value.actual.is_number),
                    default=None)
    rate = None
    if evaluated is not None:
        value = values[evaluated]
        rate = achievement.achievement_rate(actual=value.actual, planned=value.planned, direction=direction,
                                            baseline=baseline, tolerance=tolerance)
    comments = [(fy, value.comment) for fy, value in values.items() if fy <= fiscal_year and value.comment]
    return IndicatorRow(
        direction=direction, planned=tuple(values.get(fy, NO_VALUE).planned for fy in years),
        actual=tuple(values.get(fy, NO_VALUE).actual for fy in years),
        comment=max(comments)[1] if comments else "",
        rate=rate, grade=achievement.grade(rate, bands), evaluated_year=evaluated, baseline=baseline_value, **fields,
    )
