"""The workbook builders on plain rows: no database, no worker."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from imports.export_contract import HEADINGS, STRATEGY_KEYS
from plans.achievement import DEFAULT_BANDS, Value, grade_distribution
from reports.workbook import build_data_csv, build_data_xlsx, build_report, labels
from reports.workbook.cells import csv_safe, is_risky, text_lines
from reports.workbook.report import sheet_title
from reports.workbook.rows import (
    IndicatorRow,
    MeasureRow,
    PolicyGrades,
    PolicySection,
    ProjectRow,
    ReportMeta,
    StepRow,
)
from tests.reports.conftest import formula_cells, open_workbook

YEARS = tuple(range(2021, 2028))
INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def values(*raw):
    return tuple(Value.of(x) for x in raw)


def meta(**changes):
    fields = dict(
        municipality="佐世保市", strategy_title="佐世保市DX戦略", fiscal_year=2025, as_of=datetime.date(2025, 11, 1),
        plan_as_of=datetime.date(2023, 4, 1), actuals_as_of=datetime.date(2024, 3, 31), fiscal_years=YEARS,
        phase_years=YEARS[1:], bands=DEFAULT_BANDS, label_basic_policy="DX重点課題", label_measure="課題",
        label_step="ステップ", label_project="プロジェクト", vocabularies=("分野", "分類"),
    )
    return ReportMeta(**{**fields, **changes})


def indicator(**changes):
    fields = dict(
        owner="1 データ活用による戦略策定", name="ペーパーレス度", unit="%",
        planned=values("100.0", "100.0", "85.0", "85.0", "65.0", "45.0", "30.0"),
        actual=values("100.0", "95.1", "81.7", None, "－", "…", None),
        formula="各年度のA4用紙購入枚数／令和3年度のA4用紙購入枚数", comment="計画よりも進捗が図れている。",
        rate=Decimal("104.0"), grade="A", evaluated_year=2023,
    )
    return IndicatorRow(**{**fields, **changes})


def section(code="01-01", short_name="観光", **changes):
    fields = dict(
        code=code, title="デジタルマーケティングの強化", short_name=short_name, goal="マーケティングレポートの公表を継続する。",
        summary="(1) 目標", measures=(MeasureRow("1", "データ活用", "■到達像", "目標"),),
        indicators=(indicator(), indicator(name="データを活用した事業立案数", unit="件",
                                           planned=values(None, None, 5, 6, 7, 8, 8),
                                           actual=values(None, None, 7, None, None, None, None),
                                           rate=None, grade="－", evaluated_year=None)),
        steps=(StepRow("1 データ活用", "1-1", "政策検討", ("done", "done", "current", "planned", "", "considering", "")),),
    )
    return PolicySection(**{**fields, **changes})


def project(**changes):
    fields = dict(
        categories=("まちづくり", "観光"), department="観光商工部", basic_policy="デジタルマーケティング", measure="課題",
        step="2-1 既存素材のデジタル化", code="観光2-1-4", name="デジタルマップの活用", summary="観光マップをデジタル化",
        leading=True, indicator="観光ルートのアクセス/利用者数", unit="",
        planned=values(25000, 27500, 30000, 33000, 36000, 39600, 43500),
        actual=values(55584, 151246, 160116, None, None, None, None), phases=("⇒",) * 6,
    )
    return ProjectRow(**{**fields, **changes})


def grades_of(sections, bands) -> list[PolicyGrades]:
    """Cover counts of the sections' own grades (the selector counts them from the database)."""
    return [PolicyGrades(s.code, s.short_name or s.title,
                         {**grade_distribution((i.grade for i in s.indicators), bands), labels.PENDING: 0})
            for s in sections]


def report_bytes(sections=None, projects=None, grades=None, **meta_changes) -> bytes:
    out = io.BytesIO()
    sections = [section()] if sections is None else sections
    report_meta = meta(**meta_changes)
    build_report(out, report_meta, sections, [project()] if projects is None else projects,
                 grades=grades_of(sections, report_meta.bands) if grades is None else grades)
    return out.getvalue()


def cell_values(workbook) -> dict:
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in workbook.worksheets}


# --- structure and layout ---------------------------------------------------------------------


def test_sheets_are_cover_policies_project_list_and_hidden_chart_data():
    workbook = open_workbook(report_bytes(sections=[section(), section("01-02", "農林水産")]))
    assert workbook.sheetnames == ["表紙・概要", "01-01 観光", "01-02 農林水産", "プロジェクト一覧", "グラフデータ"]
    assert [ws.sheet_state for ws in workbook.worksheets] == ["visible"] * 4 + ["hidden"]


def test_every_visible_sheet_prints_landscape_fit_to_width_with_titles():
    workbook = open_workbook(report_bytes())
    for ws in workbook.worksheets[:-1]:
        paper = ws.PAPERSIZE_A3 if ws.title == "プロジェクト一覧" else ws.PAPERSIZE_A4
        assert ws.page_setup.paperSize == int(paper), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows, ws.title
    assert workbook["01-01 観光"].freeze_panes == "A3"
    projects = workbook["プロジェクト一覧"]
    assert projects.print_title_rows == "$2:$3"
    assert projects.freeze_panes == "I4"  # after 名称, below the headings
    assert projects.auto_filter.ref == "A3:AE4"


def test_policy_sheet_follows_the_seed_layout_with_wareki_headings():
    ws = open_workbook(report_bytes())["01-01 観光"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "DX重点課題 01-01\u3000【観光】デジタルマーケティングの強化"
    assert rows[1][0] == "佐世保市DX戦略 令和7年度 進捗状況報告"
    assert rows[3][:2] == ["令和7年度の目標（総括）", "マーケティングレポートの公表を継続する。"]
    assert rows[4][:2] == ["令和7年度の事業総括", "(1) 目標"]
    header = next(r for r in rows if r[1] == "指標")
    assert header[:10] == ["課題", "指標", "区分", "R3", "R4", "R5", "R6", "R7", "R8", "R9"]
    assert header[10:] == ["算出式・設定根拠", "進捗状況・評価", "達成率", "評価", "評価年度"]
    planned = rows.index(header) + 1
    assert rows[planned][1:3] == ["ペーパーレス度（%）", "予定"]
    assert rows[planned + 1][2] == "実績"
    assert rows[planned][12:] == [1.04, "A", "R5"]
    steps = next(r for r in rows if r[1] == "1-1 政策検討")
    assert steps[3:10] == ["実施済", "実施済", "当年度", "予定", None, "検討", None]


def test_numbers_keep_their_decimals_and_marks_are_shown_as_such():
    ws = open_workbook(report_bytes())["01-01 観光"]
    row = next(r for r in ws.iter_rows() if r[1].value == "ペーパーレス度（%）")
    actual = next(r for r in ws.iter_rows(min_row=row[0].row + 1, max_row=row[0].row + 1))
    assert row[3].value == 100 and row[3].number_format == '#,##0.0"%"'
    assert actual[4].value == 95.1 and actual[4].number_format == '#,##0.0"%"'
    assert actual[7].value == "－" and actual[8].value == "…"
    assert row[12].number_format == "#,##0.0%"
    counts = next(r for r in ws.iter_rows() if r[1].value == "データを活用した事業立案数（件）")
    assert counts[5].value == 5 and counts[5].number_format == "#,##0"
    assert counts[12].value == "－"  # no rate: 評価不能


def test_project_list_has_the_seed_columns_and_figures():
    ws = open_workbook(report_bytes())["プロジェクト一覧"]
    headings = [c.value for c in next(ws.iter_rows(min_row=3, max_row=3))]
    assert headings[:11] == ["分野", "分類", "主体部局", "DX重点課題", "課題", "ステップ", "PID", "名称", "概要",
                             "リーディング", "項目"]
    assert headings[11:15] == ["R3", "R3実績", "R4", "R4実績"]
    assert headings[-6:] == ["R4", "R5", "R6", "R7", "R8", "R9"]
    row = [c for c in next(ws.iter_rows(min_row=4, max_row=4))]
    assert [c.value for c in row[6:10]] == ["観光2-1-4", "デジタルマップの活用", "観光マップをデジタル化", "○"]
    assert [c.value for c in row[11:17]] == [25000, 55584, 27500, 151246, 30000, 160116]
    assert row[11].number_format == "#,##0"
    assert [c.value for c in row[-6:]] == ["⇒"] * 6


def test_cover_counts_grades_per_policy_with_a_bar_chart():
    workbook = open_workbook(report_bytes(sections=[section(), section("01-02", "農林水産")]))
    ws = workbook["表紙・概要"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "佐世保市DX戦略 令和7年度 進捗状況報告"
    assert rows[2][:2] == ["作成基準日", datetime.datetime(2025, 11, 1)]
    assert ws["B3"].number_format.endswith('ggge"年"m"月"d"日"')
    header = rows.index(["DX重点課題", "名称", "A", "B", "C", "－", "未確定", "合計"])
    assert rows[header + 1] == ["01-01", "観光", 1, 0, 0, 1, 0, 2]
    assert rows[header + 3] == ["合計", None, 2, 0, 0, 2, 0, 4]
    assert "1（うちリーディング 1）" in [r[1] for r in rows]
    assert [type(chart).__name__ for chart in ws._charts] == ["BarChart"]


def test_a_line_chart_per_indicator_reads_numbers_only():
    workbook = open_workbook(report_bytes())
    charts = workbook["01-01 観光"]._charts
    assert [type(chart).__name__ for chart in charts] == ["LineChart", "LineChart"]
    refs = [s.val.numRef.f for s in charts[0].series]
    assert refs == ["'グラフデータ'!$B$2:$H$2", "'グラフデータ'!$B$3:$H$3"]
    data = [[c.value for c in row] for row in workbook["グラフデータ"].iter_rows()]
    assert data[0] == [None, "R3", "R4", "R5", "R6", "R7", "R8", "R9"]
    assert data[2] == ["実績", 100, 95.1, 81.7, None, None, None, None]  # 「－」 and 「…」 are gaps, not zeros


def test_a_plan_without_steps_indicators_or_projects_still_builds():
    empty = section(measures=(), indicators=(), steps=())
    workbook = open_workbook(report_bytes(sections=[empty], projects=[], phase_years=(), vocabularies=()))
    assert workbook.sheetnames[:2] == ["表紙・概要", "01-01 観光"]
    assert workbook["01-01 観光"]._charts == []


# --- safety -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_user_text_that_looks_like_a_formula_is_written_as_text(text):
    risky = indicator(comment=text, name=text, formula=text)
    content = report_bytes(sections=[section(indicators=(risky,), goal=text)],
                           projects=[project(name=text, summary=text, code=text)])
    workbook = open_workbook(content)
    assert formula_cells(workbook) == []
    read = text.replace("\r", "\n")  # XML reads a carriage return as a line feed
    ws = workbook["01-01 観光"]
    comment = next(c for row in ws.iter_rows() for c in row if c.column == 12 and c.value == read)
    assert comment.data_type == "s" and comment.quotePrefix
    names = [c for c in next(workbook["プロジェクト一覧"].iter_rows(min_row=4, max_row=4)) if c.value == read]
    assert len(names) == 3 and all(c.quotePrefix for c in names)


def test_control_characters_are_dropped_instead_of_breaking_the_build():
    workbook = open_workbook(report_bytes(sections=[section(goal="目標\x00\x07です")]))
    assert workbook["01-01 観光"]["B4"].value == "目標です"


def test_risky_detection_follows_owasp_but_lets_plain_numbers_be():
    assert all(is_risky(text) for text in INJECTIONS)
    assert not is_risky("-5") and not is_risky("+2.5") and not is_risky("実施済")
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("-5") == "-5"


def test_sheet_titles_are_valid_and_unique():
    taken = set()
    long = section(code="01", short_name="a/b:c*d?e[f]g\\h" + "長" * 40)
    assert sheet_title(long, taken) == "01 a_b_c_d_e_f_g_h" + "長" * 13
    assert len(sheet_title(long, taken)) <= 31
    assert sheet_title(long, taken).endswith(" (3)")


def test_text_lines_count_full_width_characters_double():
    assert text_lines("あ" * 10, 21) == 1
    assert text_lines("あ" * 11, 21) == 2
    assert text_lines("a" * 20 + "\n" + "b", 21) == 2


# --- determinism --------------------------------------------------------------------------------


def test_same_rows_give_the_same_bytes_and_the_as_of_date_as_document_time():
    first, second = report_bytes(), report_bytes()
    assert first == second
    assert cell_values(open_workbook(first)) == cell_values(open_workbook(second))
    properties = open_workbook(first).properties
    assert properties.created == properties.modified == datetime.datetime(2025, 11, 1)


def test_another_as_of_date_changes_the_file():
    assert report_bytes() != report_bytes(as_of=datetime.date(2025, 11, 2))


# --- data export ----------------------------------------------------------------------------


def data_row(**changes):
    row = dict.fromkeys(HEADINGS, "")
    row.update(fiscal_year=2025, indicator_order=1, planned="2500.0", actual="－", comment="=1+1", grade="A",
               achievement_rate=Decimal("95.0"))
    row.update(changes)
    return row


STRATEGY = {key: f"value of {key}" for key in STRATEGY_KEYS} | {"first_fiscal_year": 2021, "manager_review": 1}


def test_data_xlsx_has_the_contract_sheets_and_texts_as_texts():
    out = io.BytesIO()
    assert build_data_xlsx(out, STRATEGY, [data_row(), data_row(fiscal_year=2026)], datetime.date(2025, 11, 1)) == 2
    workbook = open_workbook(out.getvalue())
    assert workbook.sheetnames == ["計画", "データ", "目標値の修正"]
    plan = [[c.value for c in row] for row in workbook["計画"].iter_rows()]
    assert [row[0] for row in plan] == list(STRATEGY_KEYS)
    assert plan[5] == ["first_fiscal_year", 2021]
    data = workbook["データ"]
    assert [c.value for c in data[1]] == list(HEADINGS)
    second = {h: c for h, c in zip(HEADINGS, data[2])}
    assert second["planned"].value == "2500.0" and second["planned"].data_type == "s"
    assert second["actual"].value == "－"
    assert second["comment"].value == "=1+1" and second["comment"].data_type == "s" and second["comment"].quotePrefix
    assert second["fiscal_year"].value == 2025
    assert formula_cells(workbook) == []


def test_data_csv_is_utf8_with_bom_and_escapes_formulas():
    out = io.BytesIO()
    build_data_csv(out, [data_row(indicator_name="観光", unit="-5")])
    content = out.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(HEADINGS)
    row = dict(zip(HEADINGS, rows[1]))
    assert row["comment"] == "'=1+1"
    assert row["unit"] == "-5"  # a plain number is not an injection
    assert row["indicator_name"] == "観光" and row["planned"] == "2500.0" and row["fiscal_year"] == "2025"


def test_chart_titles_are_escaped_and_placed_once():
    title = "A&B <__UNIT__> 〇〇率"
    workbook = open_workbook(report_bytes(sections=[section(indicators=(indicator(name=title, unit="件"),))]))
    chart = workbook["01-01 観光"]._charts[0]
    assert chart.title.tx.rich.p[0].r[0].t == title
    assert chart.y_axis.title.tx.rich.p[0].r[0].t == "件"
    assert [s.val.numRef.f for s in chart.series] == ["'グラフデータ'!$B$2:$H$2", "'グラフデータ'!$B$3:$H$3"]
