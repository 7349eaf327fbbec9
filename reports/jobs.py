"""Running report jobs: claim → build → store, and the sweep of stale ones.

The Celery task and `manage.py build_report` both call `report_job_run`, so a report
built from the command line is the same file the page offers. Queueing a job is in
reports.services, which enqueues the task that calls this module.
"""

from __future__ import annotations

import datetime
import logging
import tempfile

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans import fiscal_years
from plans.downloads import safe_file_name
from reports import selectors
from reports.models import JobStatus, ReportFormat, ReportJob, ReportKind, report_upload_to
from reports.workbook import build_data_csv, build_data_xlsx, build_report

logger = logging.getLogger(__name__)

# A running job older than this lost its worker (the task's hard limit is 30 minutes).
STALE_AFTER = datetime.timedelta(minutes=35)
# A queued job nobody picked up for this long: the broker lost it or no worker runs.
QUEUED_STALE_AFTER = datetime.timedelta(hours=6)
SPOOL_BYTES = 8 * 1024 * 1024  # build in memory up to this size, then in a temporary file


def _bilingual(message: str, **params) -> str:
    """A message stored on the job, so shown alike to every reader: Japanese, then English."""
    texts = []
    for language in ("ja", "en"):
        with translation.override(language):
            texts.append(_(message) % params)
    return texts[0] if texts[0] == texts[1] else f"{texts[0]} / {texts[1]}"


def report_job_claim(*, job_id: int) -> bool:
    """Queued → running in one conditional UPDATE: of two deliveries of a job only one wins."""
    return bool(
        ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), finished_at=None, progress=0, message="",
            attempts=F("attempts") + 1,
        )
    )


def _set_progress(job_id: int, done: int, total: int) -> None:
    # Outside any transaction, so the page sees it while the build goes on.
    percent = min(99, max(1, 100 * done // max(total, 1)))
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(progress=percent)


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Claim, build and store the file; returns the job, or None when another run has it.

    Not one transaction: progress must be visible while the build runs. Each write is a
    single conditional UPDATE on the job row, so a swept or duplicate run changes nothing.
    """
    if not report_job_claim(job_id=job_id):
        logger.info("report job %s is not queued; nothing to do", job_id)
        return None
    job = selectors.report_job_get(job_id)
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            _build(job, out)
            out.seek(0)
            stored = default_storage.save(report_upload_to(job, file_name(job)), File(out))
    except SoftTimeLimitExceeded:
        _fail(job_id, _bilingual(gettext_noop(
            "The build took too long and was stopped. Try a smaller scope, or retry later.")))
    except Exception as error:  # every failure must end on the row, readable, never "running"
        logger.exception("report job %s failed", job_id)
        _fail(job_id, _bilingual(gettext_noop("The report could not be built: %(error)s"), error=error))
    else:
        finished = ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, progress=100, file=stored, finished_at=timezone.now(), message=""
        )
        if not finished:  # swept as stale meanwhile: keep its message, drop the late file
            default_storage.delete(stored)
    job.refresh_from_db()
    return job


def _fail(job_id: int, message: str) -> None:
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message
    )


def _build(job: ReportJob, out) -> None:
    scope = selectors.Scope.of(job)

    def progress(done, total):
        _set_progress(job.pk, done, total)

    if job.kind == ReportKind.REPORT:
        meta = selectors.report_meta(scope, as_of=job.as_of)
        sections = selectors.report_sections(scope)
        build_report(out, meta, sections, selectors.report_project_rows(scope, meta), progress=progress)
    elif job.file_format == ReportFormat.XLSX:
        build_data_xlsx(out, selectors.data_strategy(scope, as_of=job.as_of), selectors.data_rows(scope), job.as_of,
                        progress=progress)
    else:
        build_data_csv(out, selectors.data_rows(scope))
        progress(1, 1)


def file_name(job: ReportJob, *, display: bool = False) -> str:
    """Storage name in ASCII (any storage backend takes it); the download name in Japanese, made
    safe by plans.downloads (a title may hold "/" or quotes)."""
    extension = job.file_format
    if display:
        kind = "進捗状況報告" if job.kind == ReportKind.REPORT else "データ"
        scope = ""
        if job.basic_policy_id:
            scope = f"_{job.basic_policy.code}"
        elif job.department_id:
            scope = f"_{job.department.name}"
        return safe_file_name(f"{job.strategy.title}_{fiscal_years.era_label(job.fiscal_year)}_{kind}{scope}.{extension}")
    scope = ""
    if job.basic_policy_id:
        scope = f"-bp{job.basic_policy_id}"
    elif job.department_id:
        scope = f"-d{job.department_id}"
    return f"{job.strategy.code}-{job.fiscal_year}-{job.kind}{scope}-job{job.pk}.{extension}"


@transaction.atomic
def report_jobs_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark jobs failed that run (or wait) far longer than a build can take; returns how many."""
    now = now or timezone.now()
    running = ReportJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, finished_at=now,
        message=_bilingual(gettext_noop("The build stopped without finishing (no result after %(minutes)s minutes). "
                                        "Retry the job."), minutes=int(STALE_AFTER.total_seconds() // 60)),
    )
    queued = ReportJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER).update(
        status=JobStatus.FAILED, finished_at=now,
        message=_bilingual(gettext_noop("The job was never started (no worker took it within %(hours)s hours). "
                                        "Retry the job."), hours=int(QUEUED_STALE_AFTER.total_seconds() // 3600)),
    )
    return running + queued
