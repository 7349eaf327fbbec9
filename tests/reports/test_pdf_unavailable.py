"""Without a working renderer the PDF option says so, and the Excel report is built all the same.

No LibreOffice needed: the renderer setting points at a missing binary, at one that fails,
and at one that hangs.
"""

import datetime
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from reports import jobs, pdf, services
from reports.models import JobStatus, ReportJob
from tests.conftest import PASSWORD
from tests.reports.conftest import open_workbook

MISSING = "/nonexistent/soffice"


@pytest.fixture
def no_renderer(settings):
    settings.DXPLAN_PDF_RENDERER = MISSING


def fake_renderer(tmp_path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return str(path)


def test_the_page_shows_the_pdf_option_off_and_says_why(no_renderer, client, dave):
    client.login(username="dave", password=PASSWORD)
    with translation.override("ja"):
        page = client.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    field = page[page.index('name="with_pdf"') - 200:page.index('name="with_pdf"') + 200]
    assert "disabled" in field and "checked" not in field
    assert "PDFは作成できません" in page and MISSING in page


def test_the_page_offers_the_pdf_when_the_renderer_is_there(settings, tmp_path, client, dave):
    settings.DXPLAN_PDF_RENDERER = fake_renderer(tmp_path, "exit 0")
    client.login(username="dave", password=PASSWORD)
    page = client.get(reverse("reports:index")).content.decode()
    field = page[page.index('name="with_pdf"') - 200:page.index('name="with_pdf"') + 200]
    assert "disabled" not in field and "checked" in field


def test_asking_for_a_pdf_without_the_renderer_is_refused_with_the_reason(no_renderer, carol, sasebo):
    with pytest.raises(ValidationError) as error:
        services.report_job_create(user=carol, strategy=sasebo, fiscal_year=2024, with_pdf=True, enqueue=False)
    assert MISSING in error.value.message_dict["with_pdf"][0]
    assert not ReportJob.objects.exists()


def test_the_excel_report_still_builds_from_the_page(no_renderer, eager, committed, client, dave, sasebo):
    client.login(username="dave", password=PASSWORD)
    with committed():
        response = client.post(reverse("reports:create"), {
            "strategy": sasebo.pk, "fiscal_year": 2024, "kind": "report", "file_format": "xlsx",
            "with_pdf": "on",  # a disabled field ignores what is posted
        })
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == JobStatus.DONE and not job.with_pdf and not job.pdf_file
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
    assert client.get(reverse("reports:download-pdf", args=[job.pk])).status_code == 404


def test_a_data_export_has_no_pdf(carol, sasebo):
    with pytest.raises(ValidationError) as error:
        services.report_job_create(user=carol, strategy=sasebo, fiscal_year=2024, kind="data", with_pdf=True,
                                   enqueue=False)
    assert "with_pdf" in error.value.message_dict


def test_a_renderer_that_fails_leaves_the_workbook_and_says_so(settings, tmp_path, media, carol, sasebo):
    settings.DXPLAN_PDF_RENDERER = fake_renderer(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 3")
    job = services.report_job_create(user=carol, strategy=sasebo, fiscal_year=2024, with_pdf=True,
                                     as_of=datetime.date(2025, 3, 31), enqueue=False)
    job = jobs.report_job_run(job_id=job.pk)
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.file and not job.pdf_file
    assert "PDF" in job.message and "source file could not be loaded" in job.message and "3" in job.message
    with default_storage.open(job.file.name, "rb") as stored:
        assert open_workbook(stored.read()).sheetnames[0] == "表紙・概要"


def test_a_renderer_that_makes_no_file_is_reported(settings, tmp_path):
    settings.DXPLAN_PDF_RENDERER = fake_renderer(tmp_path, "echo converted; exit 0")
    with pytest.raises(pdf.PdfUnavailable, match="converted"):
        pdf.workbook_to_pdf(io.BytesIO(b"PK"), io.BytesIO())


def test_a_hanging_renderer_is_stopped_with_its_children(settings, tmp_path):
    marker = tmp_path / "child-still-running"
    # The wrapper waits for a child, as soffice waits for soffice.bin; both must be killed.
    settings.DXPLAN_PDF_RENDERER = fake_renderer(tmp_path, f"(sleep 3; touch {marker}) & wait")
    settings.DXPLAN_PDF_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(pdf.PdfUnavailable, match="1"):
        pdf.workbook_to_pdf(io.BytesIO(b"PK"), io.BytesIO())
    assert time.monotonic() - started < 3
    time.sleep(3)
    assert not marker.exists()
