"""The worker killed mid-job: the job ends failed with a message within a bounded time, and a
retry gives the identical file.

A real `celery -A dxplan worker` (tests/reports/worker.py) claims a report job and starts
building it. The test holds an exclusive lock on the yearly values, so the build waits at
its first read of them: the kill lands mid-build every time, not only when the timing is
lucky. Then SIGKILL to the worker's whole process group (main process and pool child: no
part of the worker is left to report the loss), the lock released, and the sweep, as the
beat runs it, must fail the job once its heartbeat is older than lost_after(). A second
worker retries it; the file must be byte for byte the one an undisturbed build makes.

Needs PostgreSQL (a database two processes share) and a Redis broker: skipped on the
embedded default, failed when DXPLAN_REQUIRE_REAL_PARTS is set (CI).
"""

import os
import signal
import time

import pytest
from django.conf import settings
from django.urls import reverse

from plans import heartbeat
from plans.language import shown
from reports import jobs, services
from reports.models import JobStatus, ReportJob
from tests.faults.conftest import PASSWORD
from tests.faults.killed_workers import HEARTBEAT_SECONDS, WAIT, table_locked, until

REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))

if ("postgresql" not in settings.DATABASES["default"]["ENGINE"]
        or settings.CELERY_BROKER_URL.startswith("memory://")) and not REQUIRED:
    pytest.skip("needs PostgreSQL and a Redis broker (DATABASE_URL, CELERY_BROKER_URL)", allow_module_level=True)


def _stored(job) -> bytes:
    with job.file.open("rb") as f:
        return f.read()


def test_a_job_whose_worker_is_killed_fails_in_bounded_time_and_a_retry_gives_the_same_file(
        scene, workers, client, settings):
    settings.DXPLAN_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS  # what the sweep in this process expects
    strategy, dx = scene["strategy"], scene["users"]["dx"]
    # The file an undisturbed build makes, built here in-process with the same inputs.
    reference = services.report_job_create(user=dx, strategy=strategy, fiscal_year=2024, enqueue=False)
    reference = jobs.report_job_run(job_id=reference.pk)
    assert reference.status == JobStatus.DONE, reference.message

    worker = workers("first")
    locker = table_locked("kpis_yearlyvalue")
    try:
        assert client.login(username=dx.username, password=PASSWORD)
        response = client.post(reverse("reports:create"), {
            "strategy": strategy.pk, "fiscal_year": 2024, "kind": "report", "file_format": "xlsx",
            "basic_policy": "", "department": ""})
        assert response.status_code == 302
        job = ReportJob.objects.exclude(pk=reference.pk).get()
        assert job.as_of == reference.as_of

        def beating_twice():
            job.refresh_from_db()
            return job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > job.started_at
        until(beating_twice, WAIT, "the worker claims the job and its heartbeat beats while the build waits")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        locker.close()
    killed_at = time.monotonic()

    bound = heartbeat.lost_after().total_seconds() + HEARTBEAT_SECONDS + 5

    def failed():
        jobs.report_jobs_sweep_stale()  # what the beat runs every minute
        job.refresh_from_db()
        return job.status == JobStatus.FAILED
    until(failed, bound, "the sweep fails the lost job")
    assert time.monotonic() - killed_at <= bound
    assert shown(job.message, "ja") == "作成中の処理が停止しました（4 秒間応答がありません）。再実行してください。"
    assert shown(job.message, "en") == "The worker building this job stopped (no sign of life for 4 seconds). Retry the job."
    assert not job.file

    workers("second")
    response = client.post(reverse("reports:retry", args=[job.pk]))
    assert response.status_code == 302

    def done():
        job.refresh_from_db()
        return job.status in (JobStatus.DONE, JobStatus.FAILED)
    until(done, WAIT, "the second worker builds the retried job")
    assert job.status == JobStatus.DONE, job.message
    assert job.attempts == 2
    assert _stored(job) == _stored(reference)
