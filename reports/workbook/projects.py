"""The project list (プロジェクト一覧): the seed's 活動指標 table, one row per project.

Columns: one per category vocabulary (Sasebo's 分野, 分類), 主体部局, the basic policy,
measure and step, PID, 名称, 概要, the fiscal year's 事業総括 (where the round has project
summaries, ReportMeta.project_summaries), リーディング, 項目 (the activity indicator), R3 / R3実績 …
R9 / R9実績, and the phase marks per fiscal year. Rows are streamed: any number of projects
costs the same memory. A project with several activity indicators gets a row for each.

Printed on A3 landscape, fit to width: the text columns are narrowed (their texts wrap) so
that the print scale keeps the 10 pt text at 8 pt or more; each basic policy (focus issue)
starts a page (where the plan lists its projects by focus issue), under the two heading rows
repeated on every page.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils import get_column_letter

from plans.fiscal_years import era_label, short_label
from reports.workbook import labels
from reports.workbook.cells import SheetWriter
from reports.workbook.printing import A3, Page, fit_widths, report_footer
from reports.workbook.rows import ProjectRow, ReportMeta

HEADER_ROW = 3
# Wanted widths; the text columns give way on paper (printing.fit_widths), the rest do not.
VOCABULARY_WIDTH = 10
FIXED = [(12, True), (20, True), (18, True), (18, True), (11, False), (22, True), (36, True), (5, False),
         (16, True)]  # 主体部局 … 項目: (width, may narrow)
VALUE_WIDTH = 7.5  # 「1,234,567」 in 10 pt
PHASE_WIDTH = 3.5  # one mark
SUMMARY_WIDTH = (36, True)  # the year's 事業総括, after 概要


def write_project_sheet(workbook, styler, meta: ReportMeta, rows: Iterable[ProjectRow]) -> tuple[int, int]:
    """Returns (projects written, of which leading)."""
    vocabularies, years, phases = len(meta.vocabularies), len(meta.fiscal_years), len(meta.phase_years)
    page = Page(paper=A3, footer=report_footer(meta.fiscal_year), side_margin=0.3)
    summaries = meta.project_summaries
    fixed = [*FIXED[:7], SUMMARY_WIDTH, *FIXED[7:]] if summaries else FIXED
    widths = [VOCABULARY_WIDTH] * vocabularies + [w for w, _ in fixed] + [VALUE_WIDTH] * (2 * years)
    widths += [PHASE_WIDTH] * phases
    flexible = set(range(vocabularies)) | {vocabularies + i for i, (_, narrows) in enumerate(fixed) if narrows}
    widths = fit_widths(widths, flexible, page)
    first_value = vocabularies + len(fixed) + 1
    first_phase = first_value + 2 * years
    last = first_phase + phases - 1
    name_col = vocabularies + 6
    policy_col = vocabularies + 2
    sheet = SheetWriter(workbook, styler, labels.PROJECTS_SHEET, widths,
                        freeze=f"{get_column_letter(name_col + 1)}{HEADER_ROW + 1}",
                        print_rows=f"{HEADER_ROW - 1}:{HEADER_ROW}", page=page)
    title = labels.PROJECT_LIST_TITLE.format(label=meta.label_project)
    row = sheet.append([sheet.text(labels.DRAFT_TITLE.format(title=title) if meta.draft else title, "title")],
                       height=24)
    sheet.merge(row, 1, row, first_value - 1)

    group = [sheet.text(meta.label_project, "head")] + [sheet.blank("head")] * (first_value - 2)
    group += [sheet.text(labels.ACTIVITY_INDICATORS, "head")] + [sheet.blank("head")] * (2 * years - 1)
    if phases:
        group += [sheet.text(labels.PHASES, "head")] + [sheet.blank("head")] * (phases - 1)
    row = sheet.append(group)
    sheet.merge(row, 1, row, first_value - 1)
    sheet.merge(row, first_value, row, first_phase - 1)
    if phases:
        sheet.merge(row, first_phase, row, last)

    headings = [*meta.vocabularies, labels.DEPARTMENT, meta.label_basic_policy, meta.label_measure,
                meta.label_step or "", labels.CODE, labels.NAME, labels.OVERVIEW,
                *([labels.SUMMARY.format(year=era_label(meta.fiscal_year))] if summaries else []),
                labels.LEADING, labels.ITEM]
    for fy in meta.fiscal_years:
        headings += [short_label(fy), short_label(fy) + labels.ACTUAL_SUFFIX]
    headings += [short_label(fy) for fy in meta.phase_years]
    lines = max(sheet.lines(h, col) for col, h in enumerate(headings, 1))
    sheet.append([sheet.text(h, "head") for h in headings], height=max(30, sheet.height(lines) or 0))

    count = leading = 0
    policy, seen = None, set()
    for project in rows:
        if project.basic_policy != policy:
            # A page per focus issue where the plan's table lists them one after another; a table
            # that mixes them (an issue seen before) would get a page per row, so it gets no break.
            if policy is not None and project.basic_policy not in seen:
                sheet.new_page()
            policy = project.basic_policy
            seen.add(policy)
        if not project.continued:
            count += 1
            leading += project.leading
        item = f"{project.indicator}（{project.unit}）" if project.unit and project.indicator else project.indicator
        values = []
        for planned, actual in zip(project.planned, project.actual):
            values += [sheet.value(planned, project.unit), sheet.value(actual, project.unit)]
        # Wrapped texts need an explicit height: neither Excel nor LibreOffice fits rows on opening.
        year_summary = [sheet.text(project.year_summary)] if summaries else []
        lines = max(sheet.lines(project.basic_policy, policy_col), sheet.lines(project.measure, policy_col + 1),
                    sheet.lines(project.step, policy_col + 2), sheet.lines(project.name, name_col),
                    sheet.lines(project.summary, name_col + 1), sheet.lines(item, name_col + 3 + len(year_summary)),
                    sheet.lines(project.year_summary, name_col + 2) if summaries else 0)
        sheet.append([
            *(sheet.text(c) for c in project.categories), sheet.text(project.department),
            sheet.text(project.basic_policy), sheet.text(project.measure), sheet.text(project.step),
            sheet.text(project.code), sheet.text(project.name), sheet.text(project.summary), *year_summary,
            sheet.text(labels.LEADING_MARK if project.leading else "", "center"), sheet.text(item),
            *values, *(sheet.text(mark, "center") for mark in project.phases),
        ], height=sheet.height(lines))
    sheet.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last)}{max(sheet.row, HEADER_ROW + 1)}"
    legend = sheet.append([sheet.text(labels.PHASE_LEGEND, "plain")])
    sheet.merge(legend, 1, legend, first_value - 1)
    sheet.close()
    return count, leading
