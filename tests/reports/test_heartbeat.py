"""A job whose worker died is failed within minutes: the heartbeat stops, the sweep notices.

plans.heartbeat renews a running job's heartbeat_at from a thread of the worker; the
sweep fails a running job whose heartbeat is older than lost_after(). Jobs that never beat
(in-process, the command line) keep only the long STALE_AFTER. The real worker killed by
SIGKILL is tests/faults/test_worker_killed.py.
"""

import datetime
import time

import pytest
from django.utils import timezone

from plans import heartbeat
from plans.language import shown
from reports import jobs, services
from reports.models import JobStatus, ReportJob


def _job(user, strategy, **fields):
    job = services.report_job_create(user=user, strategy=strategy, fiscal_year=2025, enqueue=False)
    ReportJob.objects.filter(pk=job.pk).update(**fields)
    return job.pk


def test_the_sweep_fails_a_running_job_whose_heartbeat_stopped(carol, sasebo, settings):
    settings.DXPLAN_HEARTBEAT_SECONDS = 30  # lost after two minutes
    now = timezone.now()
    started = now - datetime.timedelta(minutes=10)
    lost = _job(carol, sasebo, status=JobStatus.RUNNING, started_at=started,
                heartbeat_at=now - datetime.timedelta(minutes=3))
    beating = _job(carol, sasebo, status=JobStatus.RUNNING, started_at=started,
                   heartbeat_at=now - datetime.timedelta(seconds=40))
    in_process = _job(carol, sasebo, status=JobStatus.RUNNING, started_at=started)  # never beats
    assert jobs.report_jobs_sweep_stale(now=now) == 1
    statuses = dict(ReportJob.objects.filter(pk__in=[lost, beating, in_process]).values_list("pk", "status"))
    assert statuses == {lost: "failed", beating: "running", in_process: "running"}
    failed = ReportJob.objects.get(pk=lost)
    assert failed.finished_at == now
    assert shown(failed.message, "ja") == "作成中の処理が停止しました（120 秒間応答がありません）。再実行してください。"
    assert shown(failed.message, "en") == ("The worker building this job stopped (no sign of life for 120 seconds). "
                                           "Retry the job.")


@pytest.mark.django_db(transaction=True)
def test_a_running_build_renews_its_heartbeat_from_another_thread(settings):
    from plans.models import Municipality, Strategy

    settings.DXPLAN_HEARTBEAT_SECONDS = 1
    municipality = Municipality.objects.create(code="beat", name="鼓動市")
    strategy = Strategy.objects.create(municipality=municipality, code="beat", title="鼓動", first_fiscal_year=2024,
                                       last_fiscal_year=2026)
    job = ReportJob.objects.create(strategy=strategy, fiscal_year=2025, as_of=datetime.date(2025, 11, 1),
                                   status=JobStatus.RUNNING, started_at=timezone.now())
    with heartbeat.beating(ReportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING), name="report"):
        job.refresh_from_db()
        first = job.heartbeat_at
        assert first is not None  # beats at once
        time.sleep(2.5)  # the build holds the main thread; the heartbeat thread goes on
        job.refresh_from_db()
        assert job.heartbeat_at > first
    last = job.heartbeat_at
    time.sleep(1.5)
    job.refresh_from_db()
    assert job.heartbeat_at == last  # stopped with the block
