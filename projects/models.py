"""Projects (事業・プロジェクト) and their phase per fiscal year.

A project hangs under a strategy and, as far as the plan says, under a basic
policy, a measure and a step. Sasebo's 推進課題 and しかけ rows have none of
them, so all three are optional; the service keeps the path consistent.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import BasicPolicy, Category, Department, Measure, Step, Strategy


class Lifecycle(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another project")
    ENDED = "ended", _("Ended")


class Project(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="projects", verbose_name=_("strategy"))
    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, null=True, blank=True, related_name="projects",
        verbose_name=_("basic policy"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="projects", verbose_name=_("measure")
    )
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects", verbose_name=_("step")
    )
    code = models.CharField(
        _("code (PID)"), max_length=80, blank=True,
        help_text=_("As printed. Not unique: Sasebo prints two PIDs twice for different projects."),
    )
    order = models.PositiveIntegerField(_("order"), help_text=_("Row number in the plan's project table."))
    name = models.CharField(_("name"), max_length=300)
    summary = models.TextField(_("summary (概要)"), blank=True)
    leading = models.BooleanField(_("leading project (リーディング)"), default=False)
    is_new = models.BooleanField(_("new (新)"), default=False)
    lifecycle = models.CharField(_("lifecycle"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_projects",
        verbose_name=_("merged into"),
    )
    lifecycle_note = models.TextField(_("lifecycle note"), blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="led_projects",
        verbose_name=_("lead department"),
    )
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="co_projects", verbose_name=_("co-departments")
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="projects", verbose_name=_("categories"))
    note = models.TextField(_("note"), blank=True, help_text=_("Remarks on the data, e.g. an uncertain reading."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "order"], name="project_order_unique"),
            models.CheckConstraint(
                condition=Q(lifecycle="merged") | Q(merged_into__isnull=True),
                name="project_merged_into_only_when_merged",
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) | Q(measure__isnull=False), name="project_step_needs_measure"
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=True) | Q(basic_policy__isnull=False),
                name="project_measure_needs_basic_policy",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class Phase(models.TextChoices):
    BUILD = "build", _("Build (構築)")
    OPERATE = "operate", _("Operate (運用)")
    CONSIDER = "consider", _("Consider (検討)")


PHASE_MARKS = {Phase.BUILD: "○", Phase.OPERATE: "⇒", Phase.CONSIDER: "…"}


class ProjectYear(models.Model):
    """The phase a project is in during one fiscal year (the ○ ⇒ … marks)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="years", verbose_name=_("project"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    is_start = models.BooleanField(
        _("starts this year"), default=False, help_text=_("First year of the project, as opposed to continuing.")
    )

    class Meta:
        verbose_name = _("project phase by fiscal year")
        verbose_name_plural = _("project phases by fiscal year")
        ordering = ["project", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["project", "fiscal_year"], name="project_year_unique")]

    @property
    def mark(self) -> str:
        return PHASE_MARKS[self.phase]
