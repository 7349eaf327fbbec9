"""Report jobs in the admin: read-only pages at a fixed query count, a retry action."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import JobStatus, ReportJob


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _jobs(sasebo, user, n):
    ReportJob.objects.bulk_create(ReportJob(requested_by=user, strategy=sasebo, fiscal_year=2021 + i % 7,
                                            as_of="2025-11-01") for i in range(n))


def test_pages_cost_the_same_queries_at_two_sizes(client, dave, sasebo):
    client.force_login(dave)
    _jobs(sasebo, dave, 2)
    first = ReportJob.objects.order_by("pk").first()
    urls = [reverse("admin:reports_reportjob_changelist"), reverse("admin:reports_reportjob_change", args=[first.pk])]
    for url in urls:  # warm the per-process caches (content types, …) first
        _queries(client, url)
    small = [_queries(client, url) for url in urls]
    _jobs(sasebo, dave, 60)
    assert [_queries(client, url) for url in urls] == small


def test_jobs_cannot_be_added_or_edited_here(client, dave, sasebo):
    client.force_login(dave)
    _jobs(sasebo, dave, 1)
    job = ReportJob.objects.get()
    assert client.get(reverse("admin:reports_reportjob_add")).status_code == 403
    client.post(reverse("admin:reports_reportjob_change", args=[job.pk]), {"status": "done"})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_retry_action_requeues_failed_jobs_only(client, dave, sasebo, django_capture_on_commit_callbacks):
    client.force_login(dave)
    _jobs(sasebo, dave, 2)
    failed, queued = ReportJob.objects.order_by("pk")
    ReportJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED, message="x")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:reports_reportjob_changelist"),
                               {"action": "retry_failed", "_selected_action": [failed.pk, queued.pk]})
    assert response.status_code == 302 and len(callbacks) == 1
    assert dict(ReportJob.objects.values_list("pk", "status")) == {failed.pk: "queued", queued.pk: "queued"}
