"""`manage.py build_report`: the same service as the task, a file where asked."""

import csv

import pytest
from django.core.management import CommandError, call_command

from reports.models import JobStatus, ReportJob
from tests.reports.conftest import open_workbook


def test_builds_the_report_to_the_output_file(media, tmp_path, sasebo):
    output = tmp_path / "report.xlsx"
    call_command("build_report", "--fiscal-year", "2025", "--output", str(output), "--strategy", "sasebo-dx",
                 "--as-of", "2025-11-01")
    workbook = open_workbook(output.read_bytes())
    assert workbook.sheetnames[:2] == ["表紙・概要", "01-01 観光"]
    assert workbook["表紙・概要"]["A1"].value == "佐世保市DX戦略 令和7年度 進捗状況報告"
    job = ReportJob.objects.get()
    assert (job.status, job.requested_by, str(job.as_of)) == (JobStatus.DONE, None, "2025-11-01")
    with job.file.open("rb") as stored:
        assert stored.read() == output.read_bytes()


def test_the_pdf_too_or_why_not(media, tmp_path, sasebo, settings):
    settings.DXPLAN_PDF_RENDERER = "/nonexistent/soffice"
    with pytest.raises(CommandError, match="/nonexistent/soffice"):
        call_command("build_report", "--fiscal-year", "2025", "--output", str(tmp_path / "r.xlsx"),
                     "--strategy", "sasebo-dx", "--pdf", str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.xlsx").exists() and not ReportJob.objects.exists()  # refused before building


def test_data_export_as_csv_with_a_wareki_fiscal_year(media, tmp_path, sasebo):
    output = tmp_path / "data.csv"
    call_command("build_report", "--fiscal-year", "令和7年度", "--output", str(output), "--strategy", "sasebo-dx",
                 "--kind", "data", "--format", "csv", "--basic-policy", "01-01")
    rows = list(csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and {r["basic_policy_code"] for r in rows} == {"01-01"}


@pytest.mark.parametrize("arguments, message", [
    (["--fiscal-year", "2025"], "--strategy"),  # four demo strategies: which one?
    (["--fiscal-year", "昭和", "--strategy", "sasebo-dx"], "年度"),
    (["--fiscal-year", "2040", "--strategy", "sasebo-dx"], "2040"),
    (["--fiscal-year", "2025", "--strategy", "nope"], "nope"),
    (["--fiscal-year", "2025", "--strategy", "sasebo-dx", "--department", "架空部"], "架空部"),
    (["--fiscal-year", "2025", "--strategy", "sasebo-dx", "--as-of", "1/11/2025"], "YYYY-MM-DD"),
])
def test_mistakes_are_explained(media, tmp_path, sasebo, arguments, message):
    output = tmp_path / "out.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("build_report", *arguments, "--output", str(output))
    assert not output.exists()
    assert not ReportJob.objects.exists()
