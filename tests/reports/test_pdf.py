"""The PDF of the demo report (Sasebo, 令和6年度), printed by LibreOffice and read back with poppler.

Built once for the module from the session's demo data: the same selectors and builder the
job runs, then reports.pdf. Needs soffice and poppler-utils (see pdf_tools.require_renderer).
"""


import io

import openpyxl
import pytest
from django.utils import timezone

from kpis.models import YearlyValue
from plans.models import Strategy
from reports import pdf, selectors
from reports.workbook import build_report
from tests.reports.pdf_tools import cjk_font_sizes, fonts, page_count, page_size, page_text, require_renderer

A4_LANDSCAPE = (841.89, 595.3)
A3_LANDSCAPE = (1190.55, 841.89)
pytestmark = pytest.mark.django_db

TITLE = "佐世保市DX戦略 令和6年度 進捗状況報告"
FOOTER = "令和6年度 進捗状況報告"


@pytest.fixture(scope="module")
def printed(tmp_path_factory, django_db_setup, django_db_blocker):
    """(the PDF's path, the workbook it was printed from, the text of each page)."""
    require_renderer()
    with django_db_blocker.unblock():
        strategy = Strategy.objects.select_related("municipality").get(code="sasebo-dx")
        approved = YearlyValue.objects.get(indicator__code="職場環境-KPI2", fiscal_year=2023)
        assert approved.status == "approved" and str(approved.actual_number.normalize()) == "81.7"
        # As of today: the demo's approvals are dated when it was loaded.
        as_of = timezone.localdate()
        scope = selectors.Scope(strategy, 2024, as_of=as_of)
        meta = selectors.report_meta(scope, as_of=as_of)
        workbook = io.BytesIO()
        build_report(workbook, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                     grades=selectors.report_grades(scope))
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    workbook.seek(0)
    with open(path, "wb") as out:
        pdf.workbook_to_pdf(workbook, out)
    texts = [page_text(path, n) for n in range(1, page_count(path) + 1)]
    return path, openpyxl.load_workbook(io.BytesIO(workbook.getvalue())), texts


def sheet_of(text: str) -> str:
    """The header's right part is the sheet's name (&A): the first line printed on a page."""
    return next(line for line in text.splitlines() if line.strip()).strip()


def pages_of(texts, sheet: str) -> list[int]:
    return [n for n, text in enumerate(texts, 1) if sheet_of(text) == sheet]


def test_the_pdf_has_the_title_and_the_approved_figures(printed):
    path, workbook, texts = printed
    assert TITLE in texts[0]
    workplace = "\n".join(texts[n - 1] for n in pages_of(texts, "02-04 職場環境"))
    assert "ペーパーレス度" in workplace and "81.7%" in workplace  # approved by the DX office (R5)


def test_every_page_has_the_year_and_its_number_in_the_footer(printed):
    path, workbook, texts = printed
    total = len(texts)
    assert total > 20
    for number, text in enumerate(texts, 1):
        assert FOOTER in text, number
        assert f"{number} / {total}" in text, number


def test_the_fonts_are_embedded_japanese_included(printed):
    path, workbook, texts = printed
    found = fonts(path)
    assert any("NotoSansCJK" in name for name, _ in found), found
    assert all(embedded == "yes" for _, embedded in found), found


def test_the_project_list_is_a3_landscape_and_everything_else_a4(printed):
    path, workbook, texts = printed
    projects = pages_of(texts, "プロジェクト一覧")
    assert projects and projects == list(range(projects[0], len(texts) + 1))  # the last sheet printed
    for number in range(1, len(texts) + 1):
        expected = A3_LANDSCAPE if number in projects else A4_LANDSCAPE
        assert page_size(path, number) == pytest.approx(expected, abs=0.5), number


def test_the_project_list_prints_its_text_at_8_pt_or_more(printed):
    path, workbook, texts = printed
    sizes = [size for n in pages_of(texts, "プロジェクト一覧") for size in cjk_font_sizes(path, n)]
    assert len(sizes) > 100
    assert min(sizes) >= 7.95, sorted(sizes)[:5]


def test_each_focus_issue_starts_a_page_of_the_project_list(printed):
    path, workbook, texts = printed
    policy_of = {row[6]: row[3] for row in workbook["プロジェクト一覧"].iter_rows(min_row=4, values_only=True)
                 if row[6]}
    seen = set()
    for number in pages_of(texts, "プロジェクト一覧"):
        words = set(texts[number - 1].split())  # a PID too long for its column wraps and is not a word
        policies = {policy_of[pid] for pid in words & policy_of.keys()}
        assert len(policies) <= 1, (number, policies)
        seen |= policies
    assert len(seen) >= 10  # most PIDs print unwrapped, so most policies were checked


def test_policy_sheets_break_only_where_the_workbook_says(printed):
    """LibreOffice added no page break of its own: no indicator or chart was cut by one."""
    path, workbook, texts = printed
    for ws in workbook.worksheets[1:-2]:  # the policy sheets
        pages = pages_of(texts, ws.title)
        assert len(pages) == len(ws.row_breaks.brk) + 1, (ws.title, pages, [b.id for b in ws.row_breaks.brk])
