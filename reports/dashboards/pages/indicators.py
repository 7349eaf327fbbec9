"""The indicator pages: the filtered list, and one indicator with its yearly table and chart."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kpis.permissions import actual_visible, can_read_review_trail
from kpis.plausibility import uncertain_lines
from kpis.values import common_places, rounded_value, value_from_columns
from plans import achievement, fiscal_years
from reports.dashboards import aggregates, figures, selectors, summary
from reports.dashboards.pages.context import Dashboard

LIST_PAGE_SIZE = 100


def indicator_list(d: Dashboard, *, where: Q | None = None, page_size: int = LIST_PAGE_SIZE):
    """Graded indicators passing every filter (grade and change included), in plan order,
    one page of them: the database filters, orders and counts (count, ids of the page),
    then the page's rows are graded (+2 queries) and their owners named (+2 queries)."""
    ids = aggregates.listed_ids(d.indicators(where=where, previous=True), d.bands, d.user, grade=d.filters.grade,
                                change=d.filters.change, policy_order=[p.pk for p in d.policies])
    page = Paginator(ids, page_size).get_page(d.filters.page)
    page.object_list = d.graded_ids(list(page.object_list))
    selectors.attach_owners([g.row for g in page.object_list])
    return page


# --- one indicator -----------------------------------------------------------------------


def tick_label(fiscal_year: int) -> str:
    """Axis label: 令和5年度<br>2023年度 in Japanese, FY2023 in English."""
    if (get_language() or "ja").startswith("ja"):
        return f"{fiscal_years.era_label(fiscal_year)}<br>{fiscal_years.western_label(fiscal_year)}"
    return fiscal_years.english_label(fiscal_year)


def with_unit(value, unit: str) -> str:
    """A number as printed in a sentence: 「7.7件」, 「75.0％」 (no space, as Japanese writes it)."""
    text = value.display()
    return f"{text}{unit}" if text else ""


@dataclass
class YearRow:
    fiscal_year: int
    planned: object
    actual: object  # None when hidden from this user
    visible: bool
    rate: object
    grade: str
    expected: object
    expected_display: str
    status: str
    comment: str
    revisions: list
    events: list
    tone: str = "na"


def indicator_page(d: Dashboard, indicator_id: int) -> dict:
    indicator = selectors.indicator_detail(indicator_id, d.strategy)
    if indicator is None:
        raise Http404(_("No such indicator in this strategy."))
    values = {v.fiscal_year: v for v in indicator.values.all()}
    # Earlier versions, drafts and reviewers' comments: only for those who may read the
    # review trail, whatever the row's status (an approved row publishes only its result).
    trail = can_read_review_trail(d.user, department_id=indicator.responsible_department_id,
                                  municipality_id=d.strategy.municipality_id)
    table, actuals = [], {}
    planned = {fy: v.planned for fy, v in values.items()}
    final = indicator.final_target(planned)  # the same rule as the entry grid
    # Derived numbers (期待値, the projection) are read with the decimals of the plan's own
    # numbers (planned, baseline, target), the same for every viewer.
    places = common_places([*planned.values(), indicator.baseline, final.value if final else None])
    for fy in sorted(set(d.strategy.fiscal_years) | set(values)):
        value = values.get(fy)
        visible = value is not None and actual_visible(
            d.user, status=value.status, department_id=indicator.responsible_department_id)
        rate = value.rate if visible else None
        if visible:
            actuals[fy] = value.actual
        table.append(YearRow(
            fiscal_year=fy, planned=value.planned if value else None, actual=value.actual if visible else None,
            visible=visible, rate=rate, grade=achievement.grade(rate, d.bands), expected=indicator.expected_value(fy),
            expected_display=rounded_value(indicator.expected_value(fy), places).display(),
            status=value.get_status_display() if value else "", comment=value.comment if visible else "",
            revisions=list(value.revisions.all()) if value else [],
            events=list(value.review_events.all()) if value and trail else [],
            tone=summary.tone(achievement.grade(rate, d.bands), d.bands),
        ))
    target = (final.fiscal_year, final.number, final.from_plan) if final else None
    projection = summary.projection(actuals, target, direction=indicator.direction, tolerance=indicator.tolerance,
                                    places=places)
    series = figures.IndicatorSeries(
        fiscal_years=d.strategy.fiscal_years,
        tick_labels={fy: tick_label(fy) for fy in range(d.strategy.first_fiscal_year - 30, d.strategy.last_fiscal_year + 30)},
        planned=planned, actual=actuals, unit=indicator.unit,
        baseline=(indicator.baseline_fiscal_year, indicator.baseline)
        if indicator.baseline_value is not None else None,
        target=(final.fiscal_year, final.value) if final else None, places=places,
        expected={r.fiscal_year: r.expected for r in table if r.expected is not None},
        projection=(projection.start, (projection.target[0], projection.projected))
        if projection.projected is not None else None,
        revisions=[(r.fiscal_year, rev.old, rev.new, rev.reason) for r in table for rev in r.revisions],
    )
    # Uncertain readings of the source: the indicator's own, then each year's whose actual the
    # viewer may see (or that has none yet, so the note can only be about the plan).
    shown = {r.fiscal_year for r in table if r.visible or (r.planned is not None and values[r.fiscal_year].actual_state == "empty")}
    uncertain = [(None, line) for line in uncertain_lines(indicator.note)] + [
        (fy, line) for fy, value in sorted(values.items()) if fy in shown for line in uncertain_lines(value.note)]
    history = selectors.value_history(indicator) if trail else []
    for h in history:  # historical rows carry the columns, not the model's properties
        h.planned_display = value_from_columns(h, "planned").display()
        h.actual_display = value_from_columns(h, "actual").display()
    return {
        "indicator": indicator, "table": table, "target": target, "projection": projection,
        "trail": trail, "history": history, "indicator_history": selectors.indicator_history(indicator) if trail else [],
        "hidden": sum(1 for r in table if not r.visible and r.planned is not None),
        "revision_count": sum(len(r.revisions) for r in table), "comment_count": sum(bool(r.comment) for r in table),
        "figures": {"chart": figures.indicator_chart(series)}, "uncertain": uncertain,
        "uncertain_years": {fy for fy, _line in uncertain if fy is not None},
        "projected_text": with_unit(rounded_value(projection.projected, places), indicator.unit),
        "target_text": with_unit(final.value, indicator.unit) if final else "",
    }

