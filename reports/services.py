"""Writes of report jobs: create and retry, each queueing the build after commit.

Running a job (claim → build → store) and sweeping stale ones is reports.jobs, which
the Celery task and `manage.py build_report` call.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis import permissions
from plans import background, boundary
from plans.language import fiscal_year_label
from reports import pdf, tasks
from reports.models import JobStatus, ReportFormat, ReportJob, ReportKind


def _enqueue(job_id: int) -> None:
    background.enqueue_on_commit(tasks.build_report_job, job_id,
                                 on_unavailable=lambda message: _unqueued(job_id, message))


def _unqueued(job_id: int, message: str) -> None:
    """The broker did not take the job: failed at once, with the message, never left queued."""
    ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message)


def _validate(*, strategy, fiscal_year, kind, file_format, with_pdf, basic_policy, department, as_of, draft) -> None:
    errors = {}
    if as_of > timezone.localdate():
        # A later build would read more approvals for the same date: the file must be reproducible.
        errors["as_of"] = _("The as-of date %(date)s is in the future; choose today or an earlier day.") % {
            "date": as_of.isoformat()}
    if not strategy.first_fiscal_year <= fiscal_year <= strategy.last_fiscal_year:
        errors["fiscal_year"] = _("%(year)s is outside the period of %(strategy)s (%(period)s).") % {
            "year": fiscal_year_label(fiscal_year), "strategy": strategy.title,
            "period": strategy.period_label,
        }
    if kind not in ReportKind.values:
        errors["kind"] = _("Unknown kind of report: %(kind)s.") % {"kind": kind}
    if file_format not in ReportFormat.values:
        errors["file_format"] = _("Unknown file format: %(format)s.") % {"format": file_format}
    elif file_format == ReportFormat.CSV and kind != ReportKind.DATA:
        errors["file_format"] = _("CSV is available for the data export only; the annual report is an Excel workbook.")
    if with_pdf and kind != ReportKind.REPORT:
        errors["with_pdf"] = _("A PDF is made of the annual report only, not of the data export.")
    elif with_pdf and pdf.unavailable_reason():
        errors["with_pdf"] = pdf.unavailable_reason()
    if draft and kind != ReportKind.REPORT:
        errors["draft"] = _("The draft for checking is a kind of annual report; the data export has all values anyway.")
    if basic_policy is not None and department is not None:
        errors["department"] = _("Choose either one basic policy or one department, not both.")
    if basic_policy is not None and basic_policy.strategy_id != strategy.pk:
        errors["basic_policy"] = _("%(policy)s does not belong to %(strategy)s.") % {
            "policy": basic_policy, "strategy": strategy.title}
    if department is not None and department.municipality_id != strategy.municipality_id:
        errors["department"] = _("%(department)s is not a department of the municipality of %(strategy)s.") % {
            "department": department, "strategy": strategy.title}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_job_create(*, user, strategy, fiscal_year: int, kind: str = ReportKind.REPORT,
                      file_format: str = ReportFormat.XLSX, basic_policy=None, department=None,
                      as_of: datetime.date | None = None, draft: bool = False, enqueue: bool = True,
                      with_pdf: bool = False) -> ReportJob:
    """Queue a report. `user` None means the command line (no permission check, no queue);
    a user builds reports of its own city's plans only (plans.boundary).
    `as_of` (default today, never later) is the date the report prints its values as of;
    `draft` asks for the draft for checking (latest entered values, marked 案); `with_pdf`:
    the job also prints it to PDF."""
    if user is not None and not permissions.can_use_reports(user):
        raise PermissionDenied(_("Only administrators and the DX office can build reports."))
    if user is not None and not permissions.works_on_strategy(user, strategy):
        # The municipality boundary: a report holds another city's unapproved values.
        raise ValidationError({"strategy": boundary.refusal(user, strategy.municipality_id)})
    as_of = as_of or timezone.localdate()
    _validate(strategy=strategy, fiscal_year=fiscal_year, kind=kind, file_format=file_format, with_pdf=with_pdf,
              basic_policy=basic_policy, department=department, as_of=as_of, draft=draft)
    job = ReportJob.objects.create(
        requested_by=user, strategy=strategy, fiscal_year=fiscal_year, kind=kind, file_format=file_format,
        with_pdf=with_pdf, basic_policy=basic_policy, department=department, as_of=as_of, draft=draft,
    )
    if enqueue:
        _enqueue(job.pk)
    return job


@transaction.atomic
def report_job_retry(*, user, job: ReportJob) -> ReportJob:
    """Queue a failed job again (a conditional update: a second click does nothing more)."""
    if not permissions.can_use_reports(user):
        raise PermissionDenied(_("Only administrators and the DX office can build reports."))
    if not permissions.works_on_strategy(user, job.strategy):
        raise PermissionDenied(boundary.refusal(user, job.strategy.municipality_id))
    queued = ReportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, progress=0, message="", started_at=None, finished_at=None,
        created_at=timezone.now(), requested_by=user,
    )
    if not queued:
        raise ValidationError(_("Only a failed job can be retried; this one is %(status)s.") % {
            "status": job.get_status_display()})
    _enqueue(job.pk)
    job.refresh_from_db()
    return job
