"""The public portal's jobs from the publishing page (issue 11): publishing a year and the static
export run as jobs with progress; the export gives a zip to download; refusals are said at once and
queue nothing; a broker that is down fails the job readably instead of leaving it queued."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from kombu.exceptions import OperationalError

from public import jobs
from public.models import Publication, PublicJob, PublicJobKind
from reports.models import JobStatus
from tests.public.conftest import run_queued_jobs

MANAGE = "/public/manage/sasebo-dx/"


def _request_export(client):
    return client.post(MANAGE + "exports/", follow=True)


def test_the_dx_office_exports_the_site_and_downloads_a_zip(published, carol, client):
    client.force_login(carol)
    response = _request_export(client)
    assert response.status_code == 200
    assert "data-poll-url" in response.content.decode()  # queued: its row follows it
    run_queued_jobs()
    export = PublicJob.objects.get(kind=PublicJobKind.EXPORT)
    assert (export.status, export.progress, export.requested_by) == (JobStatus.DONE, 100, carol)
    page = client.get(MANAGE).content.decode()
    assert f"jobs/{export.pk}/download/" in page and "data-poll-url" not in page
    download = client.get(f"{MANAGE}jobs/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert {"sasebo-dx/index.html", "sasebo-dx/2023/index.html", "sasebo-dx/2023/en.html",
            "sasebo-dx/2023/open-data.csv", "sasebo-dx/static/css/public.css"} <= set(names)


def test_a_running_export_row_polls_and_shows_its_progress(published, carol, client):
    client.force_login(carol)
    export = PublicJob.objects.create(strategy=published.strategy, kind=PublicJobKind.EXPORT, requested_by=carol, status=JobStatus.RUNNING,
                                       progress=40)
    row = client.get(f"{MANAGE}jobs/{export.pk}/").content.decode()
    assert 'data-poll-url="/public/manage/sasebo-dx/jobs/' in row and 'value="40"' in row
    assert client.get(f"{MANAGE}jobs/{export.pk}/download/").status_code == 404  # not done yet


def test_nothing_published_is_refused_with_a_reason_and_no_job(carol, sasebo, client):
    client.force_login(carol)
    response = _request_export(client)
    assert "公開した年度がまだありません" in response.content.decode()
    assert not PublicJob.objects.exists()
    with pytest.raises(ValidationError):
        jobs.export_request(user=carol, strategy=sasebo)


def test_staff_and_viewers_cannot_export(published, alice, erin, client):
    for user in (alice, erin):
        with pytest.raises(PermissionDenied):
            jobs.export_request(user=user, strategy=published.strategy)
        client.force_login(user)
        assert client.post(MANAGE + "exports/").status_code == 403
    assert not PublicJob.objects.exists()


def test_a_duplicate_delivery_does_nothing(published, carol):
    export = jobs.export_request(user=carol, strategy=published.strategy)
    assert jobs.job_run(job_id=export.pk).status == JobStatus.DONE
    assert jobs.job_run(job_id=export.pk) is None  # already done: not claimed again


def test_broker_down_fails_the_job_with_a_readable_message(published, carol, client, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    from public import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.run_public_job, "apply_async", refuse)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request_export(client)
    assert response.status_code == 200
    export = PublicJob.objects.get(kind=PublicJobKind.EXPORT)
    assert export.status == JobStatus.FAILED
    assert "バックグラウンド" in client.get(MANAGE).content.decode()


def test_a_lost_worker_is_swept(published, carol):
    from datetime import timedelta

    from django.utils import timezone

    export = PublicJob.objects.create(strategy=published.strategy, kind=PublicJobKind.EXPORT, requested_by=carol, status=JobStatus.RUNNING,
                                       started_at=timezone.now() - timedelta(hours=1))
    assert jobs.jobs_sweep() == 1
    export.refresh_from_db()
    assert export.status == JobStatus.FAILED and export.message


def test_publishing_runs_as_a_job_and_its_row_links_the_public_page(carol, client):
    client.force_login(carol)
    response = client.post(MANAGE + "publish/", {"fiscal_year": "2023"})
    assert response.status_code == 302
    run_queued_jobs()
    job = PublicJob.objects.get(kind=PublicJobKind.PUBLISH)
    publication = Publication.objects.get()
    assert (job.status, job.fiscal_year, job.publication, publication.published_by) == (
        JobStatus.DONE, 2023, publication, carol)
    assert "未確定" in job.shown_message  # what the year still lacked, said on its row
    page = client.get(MANAGE).content.decode()
    assert 'href="/public/sasebo/sasebo-dx/2023/"' in page


def test_a_refused_publication_is_said_at_once_and_queues_nothing(published, carol, client):
    client.force_login(carol)
    response = client.post(MANAGE + "publish/", {"fiscal_year": "2023"}, follow=True)
    assert "訂正の理由" in response.content.decode()  # already published: a correction needs its reason
    response = client.post(MANAGE + "publish/", {"fiscal_year": "2024"}, follow=True)
    assert "締め切られていません" in response.content.decode()
    assert not PublicJob.objects.exists()


def test_a_job_whose_year_was_published_meanwhile_fails_with_the_reason(carol, sasebo,
                                                                        django_capture_on_commit_callbacks):
    from public.services import publication_publish

    job = PublicJob.objects.create(strategy=sasebo, kind=PublicJobKind.PUBLISH, requested_by=carol, fiscal_year=2023)
    publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)
    job = jobs.job_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and "訂正の理由" in job.shown_message
    assert Publication.objects.count() == 1
