"""The report's page setup as written in the workbook: paper, printed text size, page breaks,
footers. What LibreOffice makes of it is read back from the PDF in test_pdf.py."""

from openpyxl.utils import get_column_letter

from reports.workbook import printing
from reports.workbook.charts import ROWS_PER_CHART
from reports.workbook.printing import A3, A4, Page, Paginator, print_scale
from tests.reports.conftest import open_workbook
from tests.reports.test_workbook import indicator, project, report_bytes, section

FOOTER = "令和7年度 進捗状況報告"  # the fiscal year of test_workbook.meta(): 2025


def widths(ws) -> list[float]:
    return [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]


def printed_font_size(ws, paper) -> float:
    """The 10 pt body text as printed when the sheet is fit to the paper's width."""
    margin = ws.page_margins.left
    return 10 * print_scale(widths(ws), Page(paper=paper, side_margin=margin))


def test_the_project_list_prints_on_a3_landscape_with_text_of_8_pt_or_more():
    ws = open_workbook(report_bytes())["プロジェクト一覧"]
    assert ws.page_setup.paperSize == int(ws.PAPERSIZE_A3) and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.max_column == 31  # every column of the seed's list is still there
    assert printed_font_size(ws, A3) >= 8


def test_a_plan_of_nine_years_without_categories_keeps_8_pt_too():
    years = tuple(range(2022, 2031))  # Nagasaki 2022–2030
    ws = open_workbook(report_bytes(sections=[], fiscal_years=years, phase_years=years, vocabularies=(),
                                    projects=[project(categories=(), planned=(project().planned[0],) * 9,
                                                      actual=(project().actual[0],) * 9,
                                                      phases=("○",) * 9)]))["プロジェクト一覧"]
    assert ws.max_column == 9 + 18 + 9
    assert printed_font_size(ws, A3) >= 8


def test_the_years_project_summary_column_keeps_a3_and_8_pt():
    rows = [project(year_summary="デジタルマップを公開し、利用者は前年度比で増加した。" * 4)]
    ws = open_workbook(report_bytes(projects=rows, project_summaries=True))["プロジェクト一覧"]
    assert ws.max_column == 32
    headings = [c.value for c in ws[3]]
    assert headings[headings.index("概要") + 1] == "令和7年度の事業総括"
    assert rows[0].year_summary in [c.value for c in ws[4]]
    assert printed_font_size(ws, A3) >= 8
    assert "概要" in headings and "令和7年度の事業総括" not in [
        c.value for c in open_workbook(report_bytes())["プロジェクト一覧"][3]]


def test_numbers_and_marks_keep_their_width_while_texts_wrap():
    ws = open_workbook(report_bytes())["プロジェクト一覧"]
    assert ws.column_dimensions["L"].width == 7.5  # R3, a number column
    assert ws.column_dimensions["AE"].width == 3.5  # a phase mark
    assert ws.column_dimensions["F"].width < 20  # the basic policy's name wraps instead


def test_the_headings_repeat_and_each_focus_issue_starts_a_page():
    rows = [project(code=f"観光{i}", basic_policy="デジタルマーケティング") for i in range(3)]
    rows += [project(code=f"農林{i}", basic_policy="スマート農業") for i in range(2)]
    ws = open_workbook(report_bytes(projects=rows))["プロジェクト一覧"]
    assert ws.print_title_rows == "$2:$3"
    first_of_second = next(r[0].row for r in ws.iter_rows(min_row=4) if r[6].value == "農林0")
    assert [b.id for b in ws.row_breaks.brk] == [first_of_second - 1]  # none before the first policy


def test_every_printed_page_has_the_report_year_and_page_numbers_in_its_footer():
    workbook = open_workbook(report_bytes())
    printed = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    assert len(printed) == 3
    for ws in printed:
        assert ws.oddFooter.left.text == FOOTER, ws.title
        assert ws.oddFooter.center.text == "&P / &N", ws.title


def test_the_policy_sheets_print_on_a4():
    ws = open_workbook(report_bytes())["01-01 観光"]
    assert ws.page_setup.paperSize == int(ws.PAPERSIZE_A4)
    assert printed_font_size(ws, A4) >= 8


def _long_section():
    """Twenty indicators of two rows each and their charts: several pages."""
    return section(indicators=tuple(indicator(name=f"指標{i}", comment="評価" * (i % 4 * 20)) for i in range(20)))


def test_a_long_policy_sheet_breaks_between_indicators_never_inside_one():
    ws = open_workbook(report_bytes(sections=[_long_section()]))["01-01 観光"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 3
    planned_rows = {r[0].row for r in ws.iter_rows() if r[2].value == "予定"}
    assert len(planned_rows) == 20
    for row in breaks:
        assert row not in planned_rows, f"page ends after the 予定 row {row}, splitting its indicator"


def test_no_page_is_fuller_than_the_paper_and_charts_are_not_cut():
    ws = open_workbook(report_bytes(sections=[_long_section()]))["01-01 観光"]
    capacity = A4.width - 2 * 0.6 * 72  # landscape: the paper's short side is the height
    scale = print_scale(widths(ws), Page())
    heights = {i: ws.row_dimensions[i].height or printing.DEFAULT_ROW_HEIGHT for i in range(1, 2000)}
    titles = heights[1] + heights[2]
    breaks = [b.id for b in ws.row_breaks.brk]
    chart_rows = sorted({c.anchor._from.row + 1 for c in ws._charts})  # 0-based in the drawing
    last = max(chart_rows) + ROWS_PER_CHART - 1
    for start, end in zip([0, *breaks], [*breaks, last]):
        used = sum(heights[i] for i in range(start + 1, end + 1)) + (titles if start else 0)
        assert used * scale <= capacity, (start, end, used * scale)
    for anchor in chart_rows:  # a chart covers its anchor row and the rows below it
        for row in breaks:
            assert not anchor <= row < anchor + ROWS_PER_CHART - 1, (anchor, row)


def test_a_block_that_does_not_fit_starts_a_new_page_below_the_titles():
    paginator = Paginator([50] * 3, Page(), title_rows=2)
    capacity = paginator.capacity
    paginator.place(1, 20)
    paginator.place(2, 10)
    paginator.place(3, capacity - 40)
    paginator.place(4, 20)  # 10 points too many: rows 4… start page 2
    assert paginator.breaks == [3]
    assert paginator.used == 30 + 20
    paginator.new_page(5)
    paginator.new_page(5)  # a page with only the titles on it is not ended again
    assert paginator.breaks == [3, 4]


def test_report_footer_names_the_fiscal_year_in_wareki():
    assert printing.report_footer(2024) == "令和6年度 進捗状況報告"
    assert printing.report_footer(2019) == "令和元年度 進捗状況報告"


def test_a_list_that_mixes_focus_issues_gets_no_page_per_row():
    rows = [project(code=f"P{i}", basic_policy=("観光", "農業")[i % 2]) for i in range(6)]
    ws = open_workbook(report_bytes(projects=rows))["プロジェクト一覧"]
    assert [b.id for b in ws.row_breaks.brk] == [4]  # only where 農業 first appears (row 5)
