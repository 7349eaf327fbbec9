"""ImportRun: the record of one workbook import, and the job row of the upload page.

Its table keeps the name it had when the model lived in the plans app. Previews and
refusals from the upload page are kept too: the page needs the row between upload,
preview and confirmation, and an administrator may want to see what was tried.

A run from the upload page belongs to the city of the administrator who uploaded it
(`municipality`, plans.boundary): only that city's administrators list and open it, and its
workbook writes into that city's plans only (imports.services).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.limits import PREVIEW_EXPIRES_AFTER_HOURS
from plans import boundary, language
from plans.models import Strategy


class ImportRun(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking")
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("Refused")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    RUNNING = (Status.PREVIEWING, Status.APPLYING)
    # `message` of a cancelled run: why, shown in the reader's language (`shown_message`).
    CANCELLED_BY_USER, EXPIRED = "cancelled", "expired"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    format = models.CharField(_("format"), max_length=40, blank=True)
    strategy_code = models.CharField(_("strategy code"), max_length=40, blank=True)
    strategy = models.ForeignKey(
        "plans.Strategy", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs",
        verbose_name=_("strategy"),
    )
    municipality = models.ForeignKey(
        "plans.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("municipality"),
        help_text=_("The city the upload imports for: its administrator's. Only that city's administrators see "
                    "the run, and the workbook may write into that city's plans only. Empty for the command line."),
    )
    new_strategy = models.JSONField(_("new strategy"), default=dict, blank=True,
                                    help_text=_("Title and municipality when the import creates the strategy."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    create_missing = models.BooleanField(_("create missing items"), default=False)
    mapping = models.JSONField(_("mapping chosen"), default=dict, blank=True,
                               help_text=_('{"department": {"printed name": "existing name"}, …}'))
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True, help_text=_("Per level: created, updated, unchanged."))
    problems = models.JSONField(_("problems"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True,
        help_text=_("Renewed while a worker checks or imports the file; a run whose worker died stops renewing it."),
    )

    class Meta:
        db_table = "plans_importrun"  # moved from the plans app without copying rows
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.municipality_id is None:
            self.municipality_id = self._city()
        super().save(*args, **kwargs)

    def _city(self) -> int | None:
        """The city of a run made without one (the command line, a script): its administrator's,
        else its plan's, else the plan its code names; None when none is known."""
        if self.created_by_id is not None and boundary.home_municipality_id(self.created_by) is not None:
            return boundary.home_municipality_id(self.created_by)
        if self.strategy_id is not None:
            return self.strategy.municipality_id
        if self.strategy_code:
            return Strategy.objects.filter(code=self.strategy_code).values_list("municipality_id", flat=True).first()
        return None

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING or self.status == self.Status.UPLOADED

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def shown_message(self) -> str:
        """The run's message in the reader's language (plans.language.shown); for a cancelled
        preview, why."""
        if self.status == self.Status.CANCELLED:
            if self.message == self.EXPIRED:
                return gettext("Not confirmed within %(hours)s hours, so cancelled: its figures would be stale. "
                               "Nothing was imported; upload the file again.") % {"hours": PREVIEW_EXPIRES_AFTER_HOURS}
            return gettext("Cancelled; nothing was imported.")
        return language.shown(self.message)

    @property
    def blocking_problems(self) -> list:
        return [p for p in self.problems if p.get("blocking", True)]

    @property
    def notices(self) -> list:
        return [p for p in self.problems if not p.get("blocking", True)]
