"""The cover and summary sheet (表紙・概要): title, as-of dates, grade distribution and its chart.

The dates: 作成基準日 is the report's as-of date; 計画の時点 and 実績の時点 follow from the
fiscal year and that date (reports.selectors.meta.report_dates). The counts are on the
dashboards' basis, with 「未確定」 apart (reports.selectors.grades); the texts, step statuses
and project phases of the year not yet approved are counted on a line of their own.

Created first so it is the first sheet, written last because the distribution is known
only after the project list.
"""

from __future__ import annotations

from plans.achievement import NOT_EVALUABLE
from plans.fiscal_years import era_label
from reports.workbook import labels
from reports.workbook.cells import SheetWriter
from reports.workbook.charts import grade_bar_chart
from reports.workbook.printing import Page, report_footer
from reports.workbook.rows import PolicyGrades, ReportMeta

WIDTHS = [18, 44, 8, 8, 8, 8, 8, 9, 12, 12, 12, 12, 12, 12]


def open_cover(workbook, styler, meta: ReportMeta) -> SheetWriter:
    return SheetWriter(workbook, styler, labels.COVER_SHEET, WIDTHS, print_rows="1:1",
                       page=Page(footer=report_footer(meta.fiscal_year)))


def write_cover(sheet: SheetWriter, meta: ReportMeta, policies: list[PolicyGrades],
                projects: int, leading: int, *, pending_texts: int = 0) -> None:
    grades = [band.grade for band in meta.bands] + [NOT_EVALUABLE, labels.PENDING]
    last = 2 + len(grades) + 1
    title = labels.report_title(meta.strategy_title, meta.fiscal_year, draft=meta.draft)
    row = sheet.append([sheet.text(title, "title")], height=30)
    sheet.merge(row, 1, row, last)
    sheet.skip()
    for label, day in ((labels.AS_OF, meta.as_of), (labels.PLAN_AS_OF, meta.plan_as_of),
                       (labels.ACTUALS_AS_OF, meta.actuals_as_of)):
        _pair(sheet, last, label, sheet.date(day))
    _pair(sheet, last, labels.SCOPE, sheet.text(meta.scope or labels.WHOLE_PLAN))
    _pair(sheet, last, labels.KIND, sheet.text(labels.KIND_DRAFT if meta.draft else labels.KIND_FINAL))
    bands = "、".join(labels.BAND.format(grade=b.grade, rate=b.min_rate) for b in meta.bands if b.min_rate.is_finite())
    lowest = meta.bands[-1]
    if not lowest.min_rate.is_finite():
        bands += f"、{lowest.grade} それ未満"
    rule = labels.EVALUATION_RULE_TEXT.format(bands=bands)
    _pair(sheet, last, labels.EVALUATION_RULE, sheet.text(rule), sheet.height(sheet.lines(rule, 2, last)))
    basis = labels.GRADE_BASIS_TEXT.format(year=era_label(meta.fiscal_year))
    _pair(sheet, last, labels.GRADE_BASIS, sheet.text(basis), sheet.height(sheet.lines(basis, 2, last)))
    count = f"{projects:,}（{labels.LEADING_COUNT} {leading:,}）"
    _pair(sheet, last, labels.PROJECT_COUNT.format(label=meta.label_project), sheet.text(count))
    pending = labels.PENDING_TEXTS_TEXT.format(n=f"{pending_texts:,}")
    _pair(sheet, last, labels.PENDING_TEXTS, sheet.text(pending), sheet.height(sheet.lines(pending, 2, last)))
    sheet.skip()

    row = sheet.append([sheet.text(labels.GRADE_DISTRIBUTION.format(label=meta.label_basic_policy), "subtitle")])
    sheet.merge(row, 1, row, last)
    header = sheet.append([sheet.text(meta.label_basic_policy, "head"), sheet.text(labels.NAME, "head"),
                           *(sheet.text(g, "head") for g in grades), sheet.text(labels.TOTAL, "head")])
    totals = dict.fromkeys(grades, 0)
    first = header + 1
    for policy in policies:
        for grade in grades:
            totals[grade] += policy.counts.get(grade, 0)
        sheet.append([sheet.text(policy.code, "center"), sheet.text(policy.name),
                      *(sheet.number(policy.counts.get(g, 0), fmt="#,##0") for g in grades),
                      sheet.number(sum(policy.counts.values()), fmt="#,##0")])
    total_row = sheet.append([sheet.text(labels.TOTAL, "label"), sheet.blank("label"),
                              *(sheet.number(totals[g], fmt="#,##0") for g in grades),
                              sheet.number(sum(totals.values()), fmt="#,##0")])
    sheet.merge(total_row, 1, total_row, 2)
    if policies:
        chart = grade_bar_chart(sheet, header, first, total_row - 1, 3, 2 + len(grades), 2)
        sheet.ws.add_chart(chart, f"A{total_row + 2}")
    sheet.ws.print_area = f"A1:N{total_row + 22}"


def _pair(sheet: SheetWriter, last: int, label: str, cell, height=None) -> None:
    row = sheet.append([sheet.text(label, "label"), cell] + [sheet.blank()] * (last - 2), height=height)
    sheet.merge(row, 2, row, last)
