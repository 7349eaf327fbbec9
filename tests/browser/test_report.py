"""An administrator builds the annual report in the browser, watches it, downloads it."""

import openpyxl
import pytest
from django.db import connection
from playwright.sync_api import expect

from plans.models import Strategy, User
from reports.models import JobStatus, ReportJob
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.reports.pdf_tools import page_count, page_text, require_renderer
from tests.reports.worker import job_runner

pytestmark = pytest.mark.browser


@pytest.fixture
def runner(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server thread shares this process's settings
    with job_runner(settings.MEDIA_ROOT, tmp_path / "worker.log") as mode:
        yield mode


def test_administrator_builds_and_downloads_the_report(browser_page, runner, tmp_path):
    page = browser_page
    log_in(page, "dave", PASSWORD)
    page.goto(f"{page.base_url}/reports/")
    page.select_option("#id_strategy", label="佐世保市DX戦略")
    page.select_option("#id_fiscal_year", value="2025")
    page.click("#build-report")
    page.wait_for_url("**/reports/")
    link = page.locator("tr[data-status=done] a.download").first
    link.wait_for(timeout=180_000)  # in-process it is done at once; a worker's row turns done by polling
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "佐世保市DX戦略_令和7年度_進捗状況報告.xlsx"
    path = tmp_path / "report.xlsx"
    download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == ["表紙・概要", "01-01 観光"]
    assert workbook["表紙・概要"]["A1"].value == "佐世保市DX戦略 令和7年度 進捗状況報告"
    assert page.console_errors == []
    assert page.outside_requests == []


def test_administrator_builds_the_report_with_its_pdf_and_downloads_both(browser_page, runner, tmp_path):
    require_renderer()
    page = browser_page
    log_in(page, "dave", PASSWORD)
    page.goto(f"{page.base_url}/reports/")
    page.select_option("#id_strategy", label="佐世保市DX戦略")
    page.select_option("#id_fiscal_year", value="2024")
    assert page.is_checked("#id_with_pdf") and page.is_enabled("#id_with_pdf")
    page.click("#build-report")
    page.wait_for_url("**/reports/")
    row = page.locator("tr[data-status=done]").first
    row.locator("a.download-pdf").wait_for(timeout=300_000)
    with page.expect_download() as download_info:
        row.locator("a.download").click()
    workbook_path = tmp_path / "report.xlsx"
    download_info.value.save_as(workbook_path)
    assert openpyxl.load_workbook(workbook_path)["表紙・概要"]["A1"].value == "佐世保市DX戦略 令和6年度 進捗状況報告"
    with page.expect_download() as download_info:
        row.locator("a.download-pdf").click()
    assert download_info.value.suggested_filename == "佐世保市DX戦略_令和6年度_進捗状況報告.pdf"
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    assert "佐世保市DX戦略 令和6年度 進捗状況報告" in page_text(pdf_path, 1)
    assert "令和6年度 進捗状況報告" in page_text(pdf_path, page_count(pdf_path))
    assert page.console_errors == []
    assert page.outside_requests == []


def test_the_progress_bar_follows_the_job_and_a_failure_offers_retry(browser_page, runner):
    try:
        _progress_bar_and_retry(browser_page)
    finally:
        # The ORM calls above ran inside Playwright's greenlet, which Django gives a connection of
        # its own; left open it would keep PostgreSQL from dropping the test database.
        connection.close()


def _progress_bar_and_retry(page):
    job = ReportJob.objects.create(requested_by=User.objects.get(username="carol"),
                                   strategy=Strategy.objects.get(code="sasebo-dx"), fiscal_year=2025,
                                   as_of="2025-11-01", status=JobStatus.RUNNING, progress=10)
    log_in(page, "carol", PASSWORD)
    page.goto(f"{page.base_url}/reports/")
    row = page.locator(f"#job-{job.pk}")
    assert row.locator("progress").get_attribute("value") == "10"

    ReportJob.objects.filter(pk=job.pk).update(progress=60)
    # expect() reads the property without page-side eval, which the CSP (no 'unsafe-eval') refuses.
    expect(row.locator("progress")).to_have_js_property("value", 60, timeout=15_000)

    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="途中で停止しました")
    row.locator("button.retry").wait_for(timeout=15_000)
    assert "途中で停止しました" in row.inner_text()
    assert row.locator("progress").count() == 0

    row.locator("button.retry").click()
    page.locator(f"#job-{job.pk}[data-status=done] a.download").wait_for(timeout=180_000)
    assert page.console_errors == []
    assert page.outside_requests == []
