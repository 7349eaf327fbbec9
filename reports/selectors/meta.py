"""The report's title data, fiscal-year columns and category vocabularies."""

from __future__ import annotations

from django.db.models import Max, Min

from kpis.models import RoundText, RoundTextKind
from plans import fiscal_years
from plans.models import CategoryVocabulary
from projects.models import ProjectYear
from reports.selectors.scope import Scope
from reports.workbook.rows import ReportMeta


def report_meta(scope: Scope, *, as_of) -> ReportMeta:
    """Title data, fiscal-year columns and category vocabularies (3 queries: vocabularies, phase
    years, whether projects have a 事業総括 in the round of the fiscal year)."""
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
    project_summaries = RoundText.objects.filter(strategy=strategy, fiscal_year=scope.fiscal_year,
                                                 kind=RoundTextKind.SUMMARY, project__isnull=False).exists()
    return ReportMeta(
        municipality=strategy.municipality.name, strategy_title=strategy.title, fiscal_year=scope.fiscal_year,
        as_of=as_of, **report_dates(scope.fiscal_year, as_of),
        fiscal_years=tuple(strategy.fiscal_years), phase_years=phase_years, bands=strategy.bands(),
        label_basic_policy=strategy.label_basic_policy, label_measure=strategy.label_measure,
        label_step=strategy.label_step, label_project=strategy.label_project,
        vocabularies=vocabularies, scope=scope.label(strategy), draft=scope.draft,
        project_summaries=project_summaries,
    )


def report_dates(fiscal_year: int, as_of) -> dict:
    """The cover's 計画の時点 and 実績の時点: the plan as it stands for the fiscal year (its first
    day), the actuals up to the as-of date but never past the year's end. Derived, so every
    year's report says its own (the strategy's old plan_as_of / actuals_as_of fields are no
    longer printed; the API still reads them)."""
    first, last = fiscal_years.bounds(fiscal_year)
    return {"plan_as_of": first, "actuals_as_of": min(last, as_of)}
