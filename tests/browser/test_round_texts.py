"""The whole round of a focus issue in the browser, texts included (Sasebo, 令和6年度).

alice (staff, 観光商工部) writes the year's goal and summary of her focus issue, sets a step's
status and enters a KPI actual, and submits them; bob (manager) returns the summary with a
comment and approves the rest; alice corrects the summary and submits it again; bob and carol
(DX office) approve everything; carol closes the year; dave (administrator) builds the report
through the page with the real worker (in-process without a broker), with its PDF; the workbook
and the PDF carry the approved texts and figure and not the returned text.
"""

import openpyxl
import pytest
from django.db import connection
from playwright.sync_api import expect

from kpis.models import EntryRound, EntryStatus, RoundText, RoundTextKind, YearlyValue
from plans.models import User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.reports.pdf_tools import document_text, require_renderer
from tests.reports.worker import job_runner

pytestmark = pytest.mark.browser

GRID = "/entry/sasebo-dx/2024/"
QUEUE = "/entry/sasebo-dx/2024/review/"
GOAL = "観光客の回遊性を高め、\n滞在時間を延ばす。"
RETURNED = "（差し戻される総括）デジタルマップを公開した。"
FIXED = "デジタルマップを公開し、利用者は前年度比で増加した。"


@pytest.fixture
def runner(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with job_runner(settings.MEDIA_ROOT, tmp_path / "worker.log") as mode:
        yield mode


def _as(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _status(pk):
    return RoundText.objects.get(pk=pk).status


def _save_text(page, pk, content):
    page.goto(page.base_url + GRID)
    field = page.locator(f"#text-content-{pk}")
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(content)
    else:
        field.fill(content)
    page.locator(f"#text-{pk} form.text-form button[type=submit]").click()
    page.wait_for_url(f"**{GRID}*")


def _approve_texts(page, pks):
    page.goto(page.base_url + QUEUE)
    for pk in pks:
        page.locator(f"#review-text-{pk} input[name=texts]").check()
    with page.expect_navigation():
        page.locator("#text-approve-form button[type=submit]").click()


def _approve_values(page, pks):
    page.goto(page.base_url + QUEUE)
    for pk in pks:
        page.locator(f"#review-{pk} input[name=rows]").check()
    with page.expect_navigation():
        page.locator("#approve-form button[type=submit]").click()


def _cells(path) -> list:
    workbook = openpyxl.load_workbook(path)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
            if cell is not None]


def test_the_whole_round_of_a_focus_issue_ends_in_the_report(browser_page, runner, tmp_path):
    require_renderer()
    try:
        _whole_round(browser_page, tmp_path)
    finally:
        connection.close()  # the ORM calls ran in Playwright's greenlet, with a connection of its own


def _whole_round(page, tmp_path):
    alice = User.objects.get(username="alice")
    goal = RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=2024, kind=RoundTextKind.GOAL,
                                    basic_policy__isnull=False, department=alice.department).order_by("order")[0]
    summary = RoundText.objects.get(basic_policy=goal.basic_policy, fiscal_year=2024, kind=RoundTextKind.SUMMARY)
    step = RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=2024, kind=RoundTextKind.STEP_STATUS,
                                    department=alice.department).order_by("order")[0]
    kpi = YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2024,
                                     indicator__kind="kpi", indicator__responsible_department=alice.department,
                                     ).order_by("indicator__order", "pk")[0]

    # --- alice writes the texts, sets the step status and enters the KPI actual -----------
    log_in(page, "alice", PASSWORD)
    page.wait_for_url(f"**{GRID}")
    expect(page.locator(f"#text-{goal.pk}")).to_be_visible()
    _save_text(page, goal.pk, GOAL)
    _save_text(page, summary.pk, RETURNED)
    _save_text(page, step.pk, "done")
    assert [_status(pk) for pk in (goal.pk, summary.pk, step.pk)] == [EntryStatus.DRAFT] * 3
    assert RoundText.objects.get(pk=goal.pk).text == GOAL
    page.locator(f"#actual-{kpi.pk}").fill("4321")
    # 4321 may be far from the plan: a value saved with a plausibility warning needs a comment
    page.locator(f"#comment-{kpi.pk}").fill("集計表の値をそのまま入力しました")
    page.locator(f"#actual-{kpi.pk}").press("Control+s")
    expect(page.locator(f"tbody#row-{kpi.pk} .status-draft")).to_be_visible()
    with page.expect_navigation():  # the POST's page, before the next click can cancel it
        page.locator("#submit-form button[name=scope][value=drafts]").click()
    with page.expect_navigation():  # the POST's page, before the next click can cancel it
        page.locator("#text-submit-form button[name=text_scope][value=drafts]").click()
    assert [_status(pk) for pk in (goal.pk, summary.pk, step.pk)] == [EntryStatus.SUBMITTED] * 3
    assert YearlyValue.objects.get(pk=kpi.pk).status == EntryStatus.SUBMITTED

    # --- bob returns the summary and approves the rest -------------------------------------
    _as(page, "bob")
    page.goto(page.base_url + QUEUE)
    page.locator(f"#review-text-{summary.pk} a[href^='/entry/texts/{summary.pk}/return/']").click()
    page.locator("textarea[name=comment]").fill("利用者数を書いてください。")
    page.locator("form.action-form button[type=submit]").click()
    page.wait_for_url(f"**{QUEUE}*")
    assert _status(summary.pk) == EntryStatus.RETURNED
    _approve_texts(page, [goal.pk, step.pk])
    _approve_values(page, [kpi.pk])
    assert [_status(pk) for pk in (goal.pk, step.pk)] == [EntryStatus.FIRST_APPROVED] * 2

    # --- alice reads the comment, corrects the summary and submits it again -----------------
    _as(page, "alice")
    page.wait_for_url(f"**{GRID}")
    expect(page.locator(f"#text-{summary.pk} .review-comment.is-returned")).to_contain_text("利用者数を書いて")
    _save_text(page, summary.pk, FIXED)
    with page.expect_navigation():  # the POST's page, before the next click can cancel it
        page.locator("#text-submit-form button[name=text_scope][value=drafts]").click()
    assert _status(summary.pk) == EntryStatus.SUBMITTED

    # --- bob, then carol approve; carol closes the year -------------------------------------
    _as(page, "bob")
    _approve_texts(page, [summary.pk])
    _as(page, "carol")
    _approve_texts(page, [goal.pk, summary.pk, step.pk])
    _approve_values(page, [kpi.pk])
    assert [_status(pk) for pk in (goal.pk, summary.pk, step.pk)] == [EntryStatus.APPROVED] * 3
    assert YearlyValue.objects.get(pk=kpi.pk).status == EntryStatus.APPROVED
    page.goto(page.base_url + "/entry/rounds/")
    page.locator("a[href='/entry/rounds/sasebo-dx/2024/close/']").click()
    page.locator("form.action-form button[type=submit]").click()
    page.wait_for_url("**/entry/rounds/")
    assert EntryRound.objects.get(strategy__code="sasebo-dx", fiscal_year=2024).is_closed

    # --- dave builds the report through the page ------------------------------------------
    _as(page, "dave")
    page.goto(f"{page.base_url}/reports/")
    page.select_option("#id_strategy", label="佐世保市DX戦略")
    page.select_option("#id_fiscal_year", value="2024")
    page.check("#id_with_pdf")  # "Also a PDF": the same job renders it from the workbook
    # In-process the POST renders the workbook and the PDF before it answers: allow for LibreOffice.
    with page.expect_navigation(timeout=300_000):
        page.click("#build-report", no_wait_after=True)
    row = page.locator("tr[data-status=done]").first
    row.locator("a.download-pdf").wait_for(timeout=300_000)
    with page.expect_download() as download_info:
        row.locator("a.download").click()
    path = tmp_path / "report.xlsx"
    download_info.value.save_as(path)
    cells = _cells(path)
    texts = "\n".join(str(cell) for cell in cells)
    assert GOAL in texts and FIXED in texts
    assert RETURNED not in texts
    assert 4321 in cells or "4,321" in texts
    with page.expect_download() as download_info:
        row.locator("a.download-pdf").click()
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    printed = document_text(pdf_path)  # without white space: texts wrap in their cells
    assert all("".join(text.split()) in printed for text in (GOAL, FIXED))
    assert "".join(RETURNED.split()) not in printed
    assert "4,321" in printed
    assert page.console_errors == []
    assert page.outside_requests == []
