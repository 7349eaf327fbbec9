"""The static export as a job from the publishing page (issue 11): progress, a zip to download,
clear refusals, and a broker that is down fails the job readably instead of leaving it queued."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from kombu.exceptions import OperationalError

from public import site_exports
from public.models import SiteExport
from reports.models import JobStatus

MANAGE = "/public/manage/sasebo-dx/"


def _request_export(client):
    return client.post(MANAGE + "exports/", follow=True)


def test_the_dx_office_exports_the_site_and_downloads_a_zip(published, carol, client, django_capture_on_commit_callbacks):
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request_export(client)
    assert response.status_code == 200
    export = SiteExport.objects.get()
    assert (export.status, export.progress, export.requested_by) == (JobStatus.DONE, 100, carol)
    page = client.get(MANAGE).content.decode()
    assert f"exports/{export.pk}/download/" in page and "data-poll-url" not in page
    download = client.get(f"{MANAGE}exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert {"sasebo-dx/index.html", "sasebo-dx/2023/index.html", "sasebo-dx/2023/en.html",
            "sasebo-dx/2023/open-data.csv", "sasebo-dx/static/css/public.css"} <= set(names)


def test_a_running_export_row_polls_and_shows_its_progress(published, carol, client):
    client.force_login(carol)
    export = SiteExport.objects.create(strategy=published.strategy, requested_by=carol, status=JobStatus.RUNNING,
                                       progress=40)
    row = client.get(f"{MANAGE}exports/{export.pk}/").content.decode()
    assert 'data-poll-url="/public/manage/sasebo-dx/exports/' in row and 'value="40"' in row
    assert client.get(f"{MANAGE}exports/{export.pk}/download/").status_code == 404  # not done yet


def test_nothing_published_is_refused_with_a_reason_and_no_job(carol, sasebo, client):
    client.force_login(carol)
    response = _request_export(client)
    assert "公開した年度がまだありません" in response.content.decode()
    assert not SiteExport.objects.exists()
    with pytest.raises(ValidationError):
        site_exports.site_export_request(user=carol, strategy=sasebo)


def test_staff_and_viewers_cannot_export(published, alice, erin, client):
    for user in (alice, erin):
        with pytest.raises(PermissionDenied):
            site_exports.site_export_request(user=user, strategy=published.strategy)
        client.force_login(user)
        assert client.post(MANAGE + "exports/").status_code == 403
    assert not SiteExport.objects.exists()


def test_a_duplicate_delivery_does_nothing(published, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = site_exports.site_export_request(user=carol, strategy=published.strategy)
    assert site_exports.site_export_run(export_id=export.pk) is None  # already done: not claimed again


def test_broker_down_fails_the_job_with_a_readable_message(published, carol, client, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    from public import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.build_site_export, "apply_async", refuse)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request_export(client)
    assert response.status_code == 200
    export = SiteExport.objects.get()
    assert export.status == JobStatus.FAILED
    assert "バックグラウンド" in client.get(MANAGE).content.decode()


def test_a_lost_worker_is_swept(published, carol):
    from datetime import timedelta

    from django.utils import timezone

    export = SiteExport.objects.create(strategy=published.strategy, requested_by=carol, status=JobStatus.RUNNING,
                                       started_at=timezone.now() - timedelta(hours=1))
    assert site_exports.site_exports_sweep_stale() == 1
    export.refresh_from_db()
    assert export.status == JobStatus.FAILED and export.message
