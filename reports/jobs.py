"""Running report jobs: claim → build → store, and the sweep of stale ones.

The Celery task and `manage.py build_report` both call `report_job_run`, so a report
built from the command line is the same file the page offers. Queueing a job is in
reports.services, which enqueues the task that calls this module.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import tempfile

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from plans import fiscal_years
from plans.downloads import safe_file_name
from plans.heartbeat import beating, lost_after, lost_before
from plans.language import stored as stored_message
from reports import pdf, selectors
from reports.models import JobStatus, ReportFormat, ReportJob, ReportKind, report_upload_to
from reports.workbook import build_data_csv, build_data_xlsx, build_report

logger = logging.getLogger(__name__)

# A running job older than this lost its worker (the task's hard limit is 30 minutes).
STALE_AFTER = datetime.timedelta(minutes=35)
# A queued job nobody picked up for this long: the broker lost it or no worker runs.
QUEUED_STALE_AFTER = datetime.timedelta(hours=6)
SPOOL_BYTES = 8 * 1024 * 1024  # build in memory up to this size, then in a temporary file
PDF_SHARE = 0.3  # of the progress bar, when a PDF follows: printing takes longer than building


def report_job_claim(*, job_id: int) -> bool:
    """Queued → running in one conditional UPDATE: of two deliveries of a job only one wins."""
    return bool(
        ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), finished_at=None, progress=0, message="",
            attempts=F("attempts") + 1, heartbeat_at=None,
        )
    )


def _set_progress(job_id: int, done: int, total: int) -> None:
    # Outside any transaction, so the page sees it while the build goes on.
    percent = min(99, max(1, 100 * done // max(total, 1)))
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(progress=percent)


def report_job_run(*, job_id: int, heartbeat: bool = False) -> ReportJob | None:
    """Claim, build and store the file; returns the job, or None when another run has it.

    Not one transaction: progress must be visible while the build runs. Each write is a
    single conditional UPDATE on the job row, so a swept or duplicate run changes nothing.
    `heartbeat` (a worker's run) renews the job's sign of life while it builds (plans.heartbeat).
    """
    if not report_job_claim(job_id=job_id):
        logger.info("report job %s is not queued; nothing to do", job_id)
        return None
    job = selectors.report_job_get(job_id)
    stored_pdf, pdf_message = "", ""
    try:
        running = ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING)
        with beating(running, name=f"report-job-{job_id}") if heartbeat else contextlib.nullcontext(), \
                tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            _build(job, out, share=PDF_SHARE if job.with_pdf else 1.0)
            if job.with_pdf:
                stored_pdf, pdf_message = _print_pdf(job, out)
            out.seek(0)
            stored = default_storage.save(report_upload_to(job, file_name(job)), File(out))
    except SoftTimeLimitExceeded:
        _fail(job_id, stored_message(gettext_noop(
            "The build took too long and was stopped. Try a smaller scope, or retry later.")))
    except Exception as error:  # every failure must end on the row, readable, never "running"
        logger.exception("report job %s failed", job_id)
        _fail(job_id, stored_message(gettext_noop("The report could not be built: %(error)s"), error=error))
    else:
        finished = ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, progress=100, file=stored, pdf_file=stored_pdf, finished_at=timezone.now(),
            message=pdf_message,
        )
        if not finished:  # swept as stale meanwhile: keep its message, drop the late files
            default_storage.delete(stored)
            if stored_pdf:
                default_storage.delete(stored_pdf)
    job.refresh_from_db()
    return job


def _print_pdf(job: ReportJob, workbook) -> tuple[str, str]:
    """(stored PDF name, "") or ("", why there is none): a PDF that cannot be made leaves the
    workbook to be stored and says so on the job, instead of failing it."""
    workbook.seek(0)
    with tempfile.TemporaryFile() as out:
        try:
            pdf.workbook_to_pdf(workbook, out)
        except pdf.PdfUnavailable as error:
            logger.warning("report job %s: no PDF: %s", job.pk, error)
            return "", stored_message(gettext_noop("The Excel report is ready, but the PDF could not be made: %(error)s"),
                                  error=error)
        out.seek(0)
        _set_progress(job.pk, 99, 100)
        return default_storage.save(report_upload_to(job, file_name(job, extension="pdf")), File(out)), ""


def _fail(job_id: int, message: str) -> None:
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message
    )


def _build(job: ReportJob, out, share: float = 1.0) -> None:
    """Write the job's file to `out`; its progress runs to `share` of the bar (the PDF the rest)."""
    scope = selectors.Scope.of(job)

    def progress(done, total):
        if share < 1:
            done, total = int(done * share * 1000), total * 1000
        _set_progress(job.pk, done, total)

    if job.kind == ReportKind.REPORT:
        meta = selectors.report_meta(scope, as_of=job.as_of)
        sections = selectors.report_sections(scope)
        build_report(out, meta, sections, selectors.report_project_rows(scope, meta), progress=progress,
                     grades=selectors.report_grades(scope), pending_texts=selectors.report_pending_texts(scope))
    elif job.file_format == ReportFormat.XLSX:
        build_data_xlsx(out, selectors.data_strategy(scope, as_of=job.as_of), selectors.data_rows(scope), job.as_of,
                        progress=progress, revisions=selectors.data_revisions(scope))
    else:
        build_data_csv(out, selectors.data_rows(scope))
        progress(1, 1)


def file_name(job: ReportJob, *, display: bool = False, extension: str = "") -> str:
    """Storage name in ASCII (any storage backend takes it); the download name in Japanese, made
    safe by plans.downloads (a title may hold "/" or quotes). `extension` "pdf" names the job's
    PDF, else its file (.xlsx or .csv)."""
    extension = extension or job.file_format
    if display:
        kind = "進捗状況報告" if job.kind == ReportKind.REPORT else "データ"
        if job.draft:
            kind += "（案）"
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
    draft = "-draft" if job.draft else ""
    return f"{job.strategy.code}-{job.fiscal_year}-{job.kind}{draft}{scope}-job{job.pk}.{extension}"


@transaction.atomic
def report_jobs_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark jobs failed that run (or wait) far longer than a build can take; returns how many."""
    return jobs_sweep_stale(ReportJob.objects.all(), now=now)


def jobs_sweep_stale(jobs, *, now: datetime.datetime | None = None) -> int:
    """The sweep of any job table with the report job's lifecycle fields (status, created_at,
    started_at, heartbeat_at, finished_at, message): the public portal's static exports use it too."""
    now = now or timezone.now()
    running = jobs.filter(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, finished_at=now,
        message=stored_message(gettext_noop("The build stopped without finishing (no result after %(minutes)s minutes). "
                                        "Retry the job."), minutes=int(STALE_AFTER.total_seconds() // 60)),
    )
    lost = jobs.filter(status=JobStatus.RUNNING, heartbeat_at__lt=lost_before(now)).update(
        status=JobStatus.FAILED, finished_at=now,
        message=stored_message(gettext_noop("The worker building this job stopped (no sign of life for %(seconds)s "
                                        "seconds). Retry the job."), seconds=int(lost_after().total_seconds())),
    )
    queued = jobs.filter(status=JobStatus.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER).update(
        status=JobStatus.FAILED, finished_at=now,
        message=stored_message(gettext_noop("The job was never started (no worker took it within %(hours)s hours). "
                                        "Retry the job."), hours=int(QUEUED_STALE_AFTER.total_seconds() // 3600)),
    )
    return running + lost + queued
