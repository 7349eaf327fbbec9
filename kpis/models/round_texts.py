"""The round's texts and statuses: what the report prints beside the figures, entered by the
owner of each node for one fiscal year and reviewed like a yearly value.

One RoundText per node × fiscal year × kind:
- a basic policy: its goal of the year (年度の目標（総括）) and its summary (事業総括);
- a measure: its text of the year (進捗状況, printed where the plan prints the measure's goal);
- a step: its status (実施済 / 当年度実施 / 今後予定 / 検討);
- a project: its phase (構築 / 運用 / 検討, starting or continuing) and its summary (事業総括).

The owner (`department`) is the node's lead department, resolved once when the row is made
(kpis.text_workflow.round_texts_ensure). The row goes through the same states as a yearly
value (EntryStatus) with a version for conflict detection, who entered and submitted it
(segregation of duties) and the reviewer's return comment; django-simple-history keeps every
version, so the report reads the approved one as of its date. Years without a row keep the
plan's own data (plans.Narrative, plans.StepYear, projects.ProjectYear) as approved content.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.models.entry import ReviewAction, ReviewStage
from kpis.models.indicators import EntryStatus
from plans.models import BasicPolicy, Department, Measure, Step, StepStatus, Strategy
from projects.models import Phase

__all__ = ["OWNER_FIELDS", "RoundText", "RoundTextEvent", "RoundTextKind"]

OWNER_FIELDS = ("basic_policy", "measure", "step", "project")


class RoundTextKind(models.TextChoices):
    GOAL = "goal", _("Goal of the fiscal year (年度の目標)")
    SUMMARY = "summary", _("Summary of the fiscal year (事業総括)")
    STEP_STATUS = "step_status", _("Status of the step")
    PHASE = "phase", _("Phase of the project")


# Which kinds each owner has; the CHECK constraint below says the same in SQL.
KINDS_OF = {
    "basic_policy": (RoundTextKind.GOAL, RoundTextKind.SUMMARY),
    "measure": (RoundTextKind.GOAL,),
    "step": (RoundTextKind.STEP_STATUS,),
    "project": (RoundTextKind.PHASE, RoundTextKind.SUMMARY),
}
TEXT_KINDS = frozenset({RoundTextKind.GOAL, RoundTextKind.SUMMARY})


def _only(owner: str) -> Q:
    return Q(**{f"{name}__isnull": name != owner for name in OWNER_FIELDS})


class RoundText(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="round_texts",
                                 verbose_name=_("strategy"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=20, choices=RoundTextKind.choices)
    basic_policy = models.ForeignKey(BasicPolicy, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="round_texts", verbose_name=_("basic policy"))
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="round_texts", verbose_name=_("measure"))
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="round_texts",
                             verbose_name=_("step"))
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="round_texts", verbose_name=_("project"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="round_texts",
                                   verbose_name=_("owner department"))
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Position in the plan, for the pages."))
    text = models.TextField(_("text"), blank=True)
    # A StepStatus value (steps) or a projects.Phase value (projects); empty for texts.
    choice = models.CharField(_("status or phase"), max_length=20, blank=True)
    is_start = models.BooleanField(_("starts this year"), default=False)
    status = models.CharField(_("entry status"), max_length=20, choices=EntryStatus.choices,
                              default=EntryStatus.NOT_ENTERED, db_index=True)
    return_comment = models.TextField(_("return comment"), blank=True,
                                      help_text=_("What the reviewer asked to correct; cleared on submission."))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("round text")
        verbose_name_plural = _("round texts")
        ordering = ["strategy", "fiscal_year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (_only("basic_policy") & Q(kind__in=KINDS_OF["basic_policy"]))
                    | (_only("measure") & Q(kind__in=KINDS_OF["measure"]))
                    | (_only("step") & Q(kind__in=KINDS_OF["step"]))
                    | (_only("project") & Q(kind__in=KINDS_OF["project"]))
                ),
                name="round_text_one_owner_of_its_kind",
            ),
            *(
                models.UniqueConstraint(fields=[owner, "fiscal_year", "kind"], condition=Q(**{f"{owner}__isnull": False}),
                                        name=f"round_text_unique_per_{owner}")
                for owner in OWNER_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.owner} {self.get_kind_display()} {self.fiscal_year}"

    @property
    def owner(self):
        return self.basic_policy or self.measure or self.step or self.project

    @property
    def owner_field(self) -> str:
        return next(name for name in OWNER_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    def choices(self) -> list[tuple[str, str]]:
        """The statuses a step may have or the phases a project may be in."""
        return list(StepStatus.choices if self.kind == RoundTextKind.STEP_STATUS else Phase.choices)

    def display(self) -> str:
        """The entered content as one string: the text, or the status / phase label."""
        if self.is_text:
            return self.text
        label = dict(self.choices()).get(self.choice, "")
        if self.kind == RoundTextKind.PHASE and label:
            return f"{label} ({_('start') if self.is_start else _('continuing')})"
        return label

    @property
    def is_empty(self) -> bool:
        return not (self.text if self.is_text else self.choice)


class RoundTextEvent(models.Model):
    """The workflow log of a round text, as ReviewEvent is for a yearly value."""

    round_text = models.ForeignKey(RoundText, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("round text"))
    stage = models.CharField(_("stage"), max_length=12, choices=ReviewStage.choices)
    action = models.CharField(_("action"), max_length=10, choices=ReviewAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=EntryStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=EntryStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("round text event")
        verbose_name_plural = _("round text events")
        ordering = ["round_text", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(action="returned") | ~Q(comment=""),
                                   name="round_text_return_needs_comment"),
        ]
