"""A report of a plan titled like a formula downloads under its whole title (issue 14, defect 9)."""

from urllib.parse import unquote

from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import JobStatus, ReportJob


def test_the_download_name_is_not_cut_at_a_slash(client, dave, sasebo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    sasebo.title = '=HYPERLINK("http://x","y")'
    sasebo.save(update_fields=["title"])
    job = ReportJob.objects.create(requested_by=dave, strategy=sasebo, fiscal_year=2023, as_of="2024-03-31",
                                   status=JobStatus.DONE)
    job.file.save("report.xlsx", ContentFile(b"PK\x03\x04"))
    client.force_login(dave)
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert unquote(header.split("''", 1)[1]) == "=HYPERLINK(_http_x_,_y_)_令和5年度_進捗状況報告.xlsx"


def test_the_import_template_downloads_as_an_attachment(client, dave):
    client.force_login(dave)
    generic = client.get(reverse("imports:template"))["Content-Disposition"]
    sasebo = client.get(reverse("imports:template") + "?strategy=sasebo-dx")["Content-Disposition"]
    assert unquote(generic.split("''", 1)[1]) == "dxplan_取込テンプレート.xlsx"
    assert unquote(sasebo.split("''", 1)[1]) == "dxplan_取込テンプレート_sasebo-dx.xlsx"
