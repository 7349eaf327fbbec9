"""Report jobs: one request for the annual report or the data export, built in the background.

Status, progress and the error message live on the row, so the page can show them
whether the job ran in a Celery worker or in-process. The file goes to Django's
default storage and is served only through a permission-checked view.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.language import fiscal_year_label, shown
from plans.models import BasicPolicy, Department, Strategy


class ReportKind(models.TextChoices):
    REPORT = "report", _("Annual progress report")
    DATA = "data", _("Data export")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV (UTF-8)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_upload_to(job, filename: str) -> str:
    return f"reports/{job.strategy_id}/{filename}"


class ReportJob(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"), help_text=_("Empty when started from the command line."),
    )
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("strategy")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    # Scope: the whole strategy when both are empty.
    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("basic policy only"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("department only"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices, default=ReportKind.REPORT)
    file_format = models.CharField(_("format"), max_length=5, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    as_of = models.DateField(_("as of"), help_text=_("The date printed on the report; the only date it stamps."))
    draft = models.BooleanField(
        _("draft for checking"), default=False,
        help_text=_("Print the latest entered values, approved or not; every page says 案."),
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, max_length=300, blank=True)
    # The annual report printed to PDF from the same workbook, by the same job (reports.pdf).
    with_pdf = models.BooleanField(_("with a PDF"), default=False)
    pdf_file = models.FileField(_("PDF file"), upload_to=report_upload_to, max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True,
        help_text=_("Renewed while a worker builds the job; a job whose worker died stops renewing it."),
    )

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(basic_policy__isnull=True) | Q(department__isnull=True),
                name="report_job_one_scope",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_job_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(file_format="xlsx") | Q(kind="data"), name="report_job_csv_only_for_data"
            ),
            models.CheckConstraint(condition=Q(with_pdf=False) | Q(kind="report"), name="report_job_pdf_only_for_report"),
        ]
        indexes = [models.Index(fields=["status", "started_at"], name="report_job_status_started")]

    def __str__(self):
        return f"{self.strategy} {fiscal_year_label(self.fiscal_year)} {self.get_kind_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def shown_message(self) -> str:
        """The job's message in the reader's language (plans.language.shown)."""
        return shown(self.message)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


@receiver(post_delete, sender=ReportJob, dispatch_uid="report-job-file")
def _delete_report_file(sender, instance: ReportJob, **kwargs) -> None:
    """A deleted job takes its files with it, once the deletion is committed (a rolled-back
    deletion keeps both)."""
    for field in (instance.file, instance.pdf_file):
        if field:
            name, storage = field.name, field.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
