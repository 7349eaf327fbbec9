"""A running report job's sign of life, so the sweep can tell a lost worker within minutes.

While a Celery worker builds a job, a thread of that process renews the job's
`heartbeat_at` every `interval()` seconds. It runs beside the build, not inside it, so
a long query or a long sheet does not silence it; only the death of the process does
(SIGKILL, the out-of-memory killer, a lost machine). reports.jobs.report_jobs_sweep_stale
fails a running job whose heartbeat is older than `lost_after()`, which covers the case
no other part sees: the whole worker gone, nobody left to report the loss. A hung build
keeps beating; the task's time limits end it.

Builds in the requesting process (no broker) and from `manage.py build_report` do not
beat: their job keeps heartbeat_at empty and only the long STALE_AFTER applies.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.db import connections
from django.utils import timezone

from reports.models import JobStatus, ReportJob

logger = logging.getLogger(__name__)

MISSED_BEATS = 4  # lost after this many intervals without a beat


def interval() -> float:
    return settings.DXPLAN_REPORT_HEARTBEAT_SECONDS


def lost_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=MISSED_BEATS * interval())


def beat(job_id: int) -> None:
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())


def _beating(job_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(interval()):
            try:
                beat(job_id)
            except Exception:  # a missed beat is only a missed beat; the next one may get through
                logger.warning("report job %s: heartbeat not stored", job_id, exc_info=True)
    finally:
        connections.close_all()  # this thread's own connection


@contextlib.contextmanager
def beating(job_id: int):
    """Renew the job's heartbeat from a background thread while the block runs."""
    beat(job_id)
    stop = threading.Event()
    thread = threading.Thread(target=_beating, args=(job_id, stop), name=f"report-job-{job_id}-heartbeat",
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval() + 5)
