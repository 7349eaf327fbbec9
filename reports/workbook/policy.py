"""One sheet per basic policy, in the layout of the seed's 【R7】 pages.

Top to bottom: the year's goal and summary and the basic policy's own texts (めざす姿 …);
the measures with their target images (到達像, めざす姿 or 3年後の目指す状態) and goals, and
their other texts; every indicator (its baseline with the baseline's fiscal year) with a planned (予定) and an actual (実績) row per fiscal year,
formula, evaluation comment, achievement rate and grade; the steps with their status
per fiscal year; a line chart per indicator. A revised planned value prints with ※ and a
footnote under the indicators.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from plans.fiscal_years import era_label, short_label
from reports.workbook import labels
from reports.workbook.cells import SheetWriter, column_width, rate_text, value_text
from reports.workbook.charts import CHART_WIDTH, ROWS_PER_CHART, ChartData
from reports.workbook.printing import Page, fit_widths, report_footer, width_cm

PAGE = Page()  # A4 landscape
CHART_GAP = 0.3  # cm between the two charts of a row
from reports.workbook.rows import PolicySection, ReportMeta


class Columns:
    """Column numbers (1-based) of a policy sheet with `years` fiscal-year columns."""

    def __init__(self, years: int, *, year_width: float = 9, rate_width: float = 8):
        self.owner, self.name, self.kind, self.first_year = 1, 2, 3, 4
        self.last_year = 3 + years
        self.formula, self.comment = years + 4, years + 5
        self.rate, self.grade, self.evaluated = years + 6, years + 7, years + 8
        self.last = self.evaluated
        # The texts (owner, name, formula, comment) wrap narrower where the years need the room,
        # so that A4 fit to width still prints 8 pt.
        wanted = [18, 24, 5] + [year_width] * years + [32, 32, rate_width, 5, 7]
        flexible = {self.owner - 1, self.name - 1, self.formula - 1, self.comment - 1}
        self.widths = fit_widths(wanted, flexible, PAGE)
        # Two charts side by side: one under the name and years, one under the texts.
        self.chart_width = min(CHART_WIDTH, width_cm(self.widths[:self.formula - 1]) - CHART_GAP,
                               width_cm(self.widths[self.formula - 1:]))


def write_policy_sheet(workbook, styler, meta: ReportMeta, section: PolicySection, title: str,
                       chart_data: ChartData) -> None:
    # Year and rate columns as wide as their widest number, so no cell shows "###".
    cols = Columns(len(meta.fiscal_years), year_width=column_width(
        (value_text(v, i.unit) for i in section.indicators for v in (*i.planned, *i.actual)), 9),
        rate_width=column_width((rate_text(i.rate) for i in section.indicators if i.rate is not None), 8))
    sheet = SheetWriter(workbook, styler, title, cols.widths, freeze="A3", print_rows="1:2",
                        page=Page(paper=PAGE.paper, footer=report_footer(meta.fiscal_year)))
    year = era_label(meta.fiscal_year)
    heading = f"【{section.short_name}】{section.title}" if section.short_name else section.title
    _full_row(sheet, cols, sheet.text(f"{meta.label_basic_policy} {section.code}　{heading}", "title"), 24)
    _full_row(sheet, cols, sheet.text(labels.report_title(meta.strategy_title, meta.fiscal_year, draft=meta.draft),
                                      "subtitle"), None)
    sheet.skip()
    texts = [(labels.GOAL.format(year=year), section.goal or labels.NOTHING),
             (labels.SUMMARY.format(year=year), section.summary or labels.NOTHING), *section.texts]
    for label, text in texts:
        lines = max(sheet.lines(label, 1), sheet.lines(text, 2, cols.last))
        row = sheet.append([sheet.text(label, "label"), sheet.text(text)] + [sheet.blank()] * (cols.last - 2),
                           height=sheet.height(lines))
        sheet.merge(row, 2, row, cols.last)
    sheet.skip()
    _measures(sheet, cols, meta, section, year)
    if any(measure.texts for measure in section.measures):
        sheet.skip()
        _measure_texts(sheet, cols, meta, section)
    sheet.skip()
    charts = _indicators(sheet, cols, meta, section, chart_data)
    if any(indicator.revisions for indicator in section.indicators):
        _revisions(sheet, cols, section)
    if any(indicator.uncertain for indicator in section.indicators):
        _uncertain(sheet, cols, section)
    if section.steps:
        sheet.skip()
        _steps(sheet, cols, meta, section)
    if charts:
        sheet.skip()
        sheet.keep([None], empty_rows=ROWS_PER_CHART)  # the heading with the first two charts
        row = _full_row(sheet, cols, sheet.text(labels.CHARTS, "subtitle"), None)
        for i, chart in enumerate(charts):
            anchor_row = row + 1 + (i // 2) * ROWS_PER_CHART
            if i % 2 == 0 and i:
                sheet.keep_area(anchor_row, ROWS_PER_CHART)
            anchor_col = cols.owner if i % 2 == 0 else cols.formula
            sheet.ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")
    sheet.close()


def _full_row(sheet: SheetWriter, cols: Columns, cell, height) -> int:
    row = sheet.append([cell], height=height)
    sheet.merge(row, 1, row, cols.last)
    return row


def _measures(sheet, cols, meta, section, year) -> None:
    goal_col = cols.formula
    header = [sheet.text(meta.label_measure, "head"), sheet.text(labels.NAME, "head"), sheet.blank("head"),
              sheet.text(labels.TARGET_IMAGE, "head")] + [sheet.blank("head")] * (goal_col - 5)
    header += [sheet.text(labels.MEASURE_GOAL.format(year=year), "head")]
    header += [sheet.blank("head")] * (cols.last - goal_col)
    row = sheet.append(header)
    _merge_measure_row(sheet, cols, row)
    if not section.measures:
        _full_row(sheet, cols, sheet.text(labels.NOTHING), None)
        return
    for measure in section.measures:
        lines = max(sheet.lines(measure.title, cols.name, cols.kind),
                    sheet.lines(measure.target_image, cols.first_year, goal_col - 1),
                    sheet.lines(measure.goal, goal_col, cols.last))
        cells = [sheet.text(measure.code, "center"), sheet.text(measure.title), sheet.blank(),
                 sheet.text(measure.target_image)] + [sheet.blank()] * (goal_col - 5)
        cells += [sheet.text(measure.goal)] + [sheet.blank()] * (cols.last - goal_col)
        row = sheet.append(cells, height=sheet.height(lines))
        _merge_measure_row(sheet, cols, row)


def _measure_texts(sheet, cols, meta, section) -> None:
    """The plan's other texts of each measure (現状, 取組内容, 強み, 取組方針 …), one row each."""
    _full_row(sheet, cols, sheet.text(labels.MEASURE_TEXTS.format(label=meta.label_measure), "subtitle"), None)
    for measure in section.measures:
        for heading, text in measure.texts:
            lines = max(sheet.lines(heading, cols.name, cols.kind), sheet.lines(text, cols.first_year, cols.last))
            row = sheet.append([sheet.text(measure.code, "center"), sheet.text(heading, "label"), sheet.blank("label"),
                                sheet.text(text)] + [sheet.blank()] * (cols.last - cols.first_year),
                               height=sheet.height(lines))
            sheet.merge(row, cols.name, row, cols.kind)
            sheet.merge(row, cols.first_year, row, cols.last)


def _revisions(sheet, cols, section) -> None:
    """A footnote per revision in force: the earlier value, the year, the date and the reason."""
    sheet.skip()
    _full_row(sheet, cols, sheet.text(labels.REVISIONS, "subtitle"), None)
    for indicator in section.indicators:
        for revision in indicator.revisions:
            note = labels.REVISION_NOTE.format(
                indicator=indicator.name, year=short_label(revision.fiscal_year),
                old=_with_unit(revision.old.display() or "－", indicator.unit),
                new=_with_unit(revision.new.display() or "－", indicator.unit),
                date=labels.DATE.format(d=revision.revised_on), reason=revision.reason,
            )
            row = sheet.append([sheet.text(note, "plain")] + [sheet.blank("plain")] * (cols.last - 1),
                               height=sheet.height(sheet.lines(note, 1, cols.last)))
            sheet.merge(row, 1, row, cols.last)


def _uncertain(sheet, cols, section) -> None:
    """A footnote per uncertain reading (kpis.plausibility.uncertain_lines of the notes)."""
    sheet.skip()
    _full_row(sheet, cols, sheet.text(labels.UNCERTAIN, "subtitle"), None)
    for indicator in section.indicators:
        for fiscal_year, line in indicator.uncertain:
            note = labels.UNCERTAIN_NOTE.format(
                indicator=indicator.name, note=line,
                year=short_label(fiscal_year) if fiscal_year is not None else labels.UNCERTAIN_INDICATOR)
            row = sheet.append([sheet.text(note, "plain")] + [sheet.blank("plain")] * (cols.last - 1),
                               height=sheet.height(sheet.lines(note, 1, cols.last)))
            sheet.merge(row, 1, row, cols.last)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and text not in ("－", "…") else text


def _name(indicator) -> str:
    """The indicator as its name cell prints it: name（unit）, then the baseline with its year."""
    name = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
    if indicator.baseline is not None and indicator.baseline_year is not None:
        baseline = labels.BASELINE.format(value=_with_unit(indicator.baseline.display(), indicator.unit),
                                          year=short_label(indicator.baseline_year))
        name = f"{name}\n{baseline}"
    return name


def _merge_measure_row(sheet, cols, row) -> None:
    sheet.merge(row, cols.name, row, cols.kind)
    sheet.merge(row, cols.first_year, row, cols.formula - 1)
    sheet.merge(row, cols.formula, row, cols.last)


def _indicators(sheet, cols, meta, section, chart_data: ChartData) -> list:
    years = [sheet.text(short_label(fy), "head") for fy in meta.fiscal_years]
    sheet.append([sheet.text(meta.label_measure, "head"), sheet.text(labels.INDICATOR, "head"),
                  sheet.text(labels.ROW_KIND, "head"), *years,
                  sheet.text(labels.FORMULA, "head"), sheet.text(labels.EVALUATION, "head"),
                  sheet.text(labels.RATE, "head"), sheet.text(labels.GRADE, "head"),
                  sheet.text(labels.EVALUATED_YEAR, "head")])
    if not section.indicators:
        _full_row(sheet, cols, sheet.text(labels.NOTHING), None)
        return []
    charts = []
    for indicator in section.indicators:
        name = _name(indicator)
        revised = {revision.fiscal_year for revision in indicator.revisions}
        lines = max(sheet.lines(indicator.owner, cols.owner), sheet.lines(name, cols.name),
                    sheet.lines(indicator.formula, cols.formula), sheet.lines(indicator.comment, cols.comment))
        height = sheet.height(lines, rows=2)
        evaluated = short_label(indicator.evaluated_year) if indicator.evaluated_year else "－"
        sheet.keep([height, height])  # the planned and actual rows share merged cells
        first = sheet.append([
            sheet.text(indicator.owner), sheet.text(name), sheet.text(labels.PLANNED, "center"),
            *(sheet.value(v, indicator.unit, mark=labels.REVISED_MARK if fy in revised else "")
              for fy, v in zip(meta.fiscal_years, indicator.planned, strict=True)),
            sheet.text(indicator.formula), sheet.text(indicator.comment), sheet.rate(indicator.rate),
            sheet.text(indicator.grade, "grade"), sheet.text(evaluated, "center"),
        ], height=height)
        sheet.append([sheet.blank(), sheet.blank(), sheet.text(labels.ACTUAL, "center"),
                      *(sheet.value(v, indicator.unit) for v in indicator.actual),
                      *(sheet.blank() for _ in range(5))], height=height)
        for col in (cols.owner, cols.name, cols.formula, cols.comment, cols.rate, cols.grade, cols.evaluated):
            sheet.merge(first, col, first + 1, col)
        data_row = chart_data.add(indicator.planned, indicator.actual)
        charts.append(chart_data.line_chart(data_row, indicator.name, indicator.unit, cols.chart_width))
    return charts


def _steps(sheet, cols, meta, section) -> None:
    label = meta.label_step or "ステップ"
    _full_row(sheet, cols, sheet.text(labels.STEPS.format(label=label), "subtitle"), None)
    years = [sheet.text(short_label(fy), "head") for fy in meta.fiscal_years]
    row = sheet.append([sheet.text(meta.label_measure, "head"), sheet.text(label, "head"), sheet.blank("head"),
                        *years, sheet.text(labels.STEP_LEGEND, "plain")])
    sheet.merge(row, cols.name, row, cols.kind)
    sheet.merge(row, cols.formula, row, cols.last)
    for step in section.steps:
        title = f"{step.code} {step.title}".strip()
        statuses = [sheet.text(labels.STEP_STATUS.get(s, s), s if s in labels.STEP_STATUS else "center")
                    for s in step.statuses]
        row = sheet.append([sheet.text(step.owner), sheet.text(title), sheet.blank(), *statuses],
                           height=sheet.height(max(sheet.lines(title, cols.name, cols.kind),
                                                   sheet.lines(step.owner, cols.owner))))
        sheet.merge(row, cols.name, row, cols.kind)
