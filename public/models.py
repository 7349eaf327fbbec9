"""A publication: one fiscal year of a strategy as the public sees it, frozen when published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.fiscal_years import era_label
from plans.language import shown
from plans.models import Strategy
from reports.models import JobStatus

DEFAULT_LICENCE = "CC BY 4.0"


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Publication(models.Model):
    """The approved figures, texts, grades and revisions of a strategy's fiscal year as of the
    moment it was published (`document`, built by public.snapshot). Nothing changes it after
    publishing except withdrawing it; a correction is a new publication that `replaces` it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="publications",
                                 verbose_name=_("strategy"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=10, choices=PublicationStatus.choices,
                              default=PublicationStatus.PUBLISHED)
    licence = models.CharField(_("licence"), max_length=100, default=DEFAULT_LICENCE)
    document = models.JSONField(_("snapshot"), editable=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("published by"))
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("corrects"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["strategy", "-fiscal_year", "-published_at"]
        constraints = [
            # At most one publication of a year is public at a time.
            models.UniqueConstraint(fields=["strategy", "fiscal_year"], condition=Q(status="published"),
                                    name="publication_one_published_per_year"),
            models.CheckConstraint(
                condition=Q(status="published", withdrawn_at__isnull=True)
                | Q(status="withdrawn", withdrawn_at__isnull=False),
                name="publication_withdrawn_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.strategy} {era_label(self.fiscal_year)} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


def job_upload_to(job, filename: str) -> str:
    return f"public-exports/{job.strategy_id}/{filename}"


class PublicJobKind(models.TextChoices):
    PUBLISH = "publish", _("Publish a fiscal year")
    EXPORT = "export", _("Static export")


class PublicJob(models.Model):
    """A job of the public portal, run by a Celery task like the report (queued → running → done /
    failed, with progress): publishing a fiscal year (the snapshot of a large plan takes a while)
    or the static export of every published year as a zip (public.static_export)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="public_jobs",
                                 verbose_name=_("strategy"))
    kind = models.CharField(_("kind"), max_length=10, choices=PublicJobKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    # Publishing: what to publish, and the publication made.
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    publication = models.ForeignKey(Publication, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("publication"))
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    file = models.FileField(_("file"), upload_to=job_upload_to, max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("public portal job")
        verbose_name_plural = _("public portal jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="publish") | Q(fiscal_year__isnull=False),
                                   name="public_job_publish_has_fiscal_year"),
        ]

    def __str__(self):
        return f"{self.strategy} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def shown_message(self) -> str:
        """The message in the reader's language (plans.language.shown)."""
        return shown(self.message)

    @property
    def waiting(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
