"""End to end: the reports page → Celery → the stored workbook → download, read with openpyxl.

With a broker (CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/14) and PostgreSQL, a real
`celery -A dxplan worker` process builds the report against the test database this
test committed its data to. Without them (the embedded default) the same path runs the
job in-process. DXPLAN_REQUIRE_REAL_PARTS turns "no real worker possible" into a failure.
"""

import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from kpis.models import YearlyValue
from plans.models import Strategy
from reports.models import JobStatus, ReportJob
from tests.conftest import PASSWORD, _create_named_users
from tests.reports.conftest import formula_cells, open_workbook
from tests.reports.pdf_tools import page_count, page_text, require_renderer
from tests.reports.worker import job_runner

pytestmark = pytest.mark.django_db(transaction=True)

INJECTION = "=cmd|' /C calc'!A0"
BUILD_TIMEOUT = 180
TITLE_R6 = "佐世保市DX戦略 令和6年度 進捗状況報告"


@pytest.fixture
def runner(media, tmp_path):
    log = tmp_path / "worker.log"
    with job_runner(media, log) as mode:
        yield mode, log if mode == "worker" else None


def test_a_report_built_through_the_page_is_the_seed_report(runner, client):
    mode, log = runner
    call_command("load_demo", verbosity=0)  # committed: the worker reads it from its own connection
    _create_named_users()
    value = YearlyValue.objects.get(indicator__code="職場環境-KPI2", fiscal_year=2023)
    value.comment = INJECTION
    value.save()

    assert client.login(username="dave", password=PASSWORD)
    strategy_id = value.indicator.strategy_id
    response = client.post(reverse("reports:create"), {
        "strategy": strategy_id, "fiscal_year": 2025, "kind": "report", "file_format": "xlsx",
        "basic_policy": "", "department": "",
    })
    assert response.status_code == 302
    job = ReportJob.objects.get()

    seen = set()
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        row = client.get(reverse("reports:status", args=[job.pk])).content.decode()
        job.refresh_from_db()
        seen.add(job.status)
        if job.is_finished:
            break
        assert "data-poll-url" in row
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, f"{job.status}: {job.message}\n{log.read_text() if log else ''}"
    assert job.progress == 100 and job.attempts == 1
    if mode == "worker":
        text = log.read_text()
        assert "reports.tasks.build_report_job" in text and "succeeded" in text, text

    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    workbook = open_workbook(b"".join(response.streaming_content))

    assert workbook.sheetnames == [
        "表紙・概要", "01-01 観光", "01-02 農林水産", "01-03 子ども・子育て", "01-04 教育", "01-05 都市整備",
        "01-06 土木", "01-07 保健福祉", "01-08 防災危機管理", "02-01 窓口", "02-02 多様化", "02-03 高質化",
        "02-04 職場環境", "プロジェクト一覧", "グラフデータ",
    ]
    assert workbook["表紙・概要"]["A1"].value == "佐世保市DX戦略 令和7年度 進捗状況報告"
    assert [type(c).__name__ for c in workbook["表紙・概要"]._charts] == ["BarChart"]

    sheet = workbook["02-04 職場環境"]
    rows = [[c for c in row] for row in sheet.iter_rows()]
    planned = next(r for r in rows if r[1].value == "ペーパーレス度（令和3年度印刷枚数量との比較）（%）")
    actual = rows[rows.index(planned) + 1]
    assert [c.value for c in planned[3:10]] == [100, 100, 85, 85, 65, 45, 30]
    assert planned[5].number_format == '#,##0.0"%"'
    assert [c.value for c in actual[3:6]] == [100, 95.1, 81.7]
    assert [c.value for c in planned[12:15]] == [1.04, "A", "R5"]
    assert planned[11].value == INJECTION and planned[11].data_type == "s"
    assert len(sheet._charts) == 3 and all(type(c).__name__ == "LineChart" for c in sheet._charts)

    projects = workbook["プロジェクト一覧"]
    row = next(r for r in projects.iter_rows(min_row=4) if r[6].value == "観光2-1-4")
    assert row[7].value == "デジタルマップの活用" and row[10].value == "観光ルートのアクセス/利用者数"
    assert [c.value for c in row[11:17]] == [25000, 55584, 27500, 151246, 30000, 160116]
    assert formula_cells(workbook) == []


def test_the_same_job_prints_the_report_to_pdf_for_download(runner, client, tmp_path):
    require_renderer()
    mode, log = runner
    call_command("load_demo", verbosity=0)
    _create_named_users()
    assert client.login(username="dave", password=PASSWORD)
    response = client.post(reverse("reports:create"), {
        "strategy": Strategy.objects.get(code="sasebo-dx").pk, "fiscal_year": 2024, "kind": "report",
        "file_format": "xlsx", "with_pdf": "on", "basic_policy": "", "department": "",
    })
    assert response.status_code == 302
    job = ReportJob.objects.get()
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message == "", f"{job.status}: {job.message}\n{log.read_text() if log else ''}"

    workbook = client.get(reverse("reports:download", args=[job.pk]))
    assert open_workbook(b"".join(workbook.streaming_content))["表紙・概要"]["A1"].value == TITLE_R6
    response = client.get(reverse("reports:download-pdf", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert quote("佐世保市DX戦略_令和6年度_進捗状況報告.pdf") in response["Content-Disposition"]
    path = tmp_path / "report.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    assert TITLE_R6 in page_text(path, 1)
    assert "令和6年度 進捗状況報告" in page_text(path, page_count(path))
