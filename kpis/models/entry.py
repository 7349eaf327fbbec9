"""The yearly entry round: when departments may enter actuals, what happened to each row.

One EntryRound per strategy and fiscal year holds the window (opens/deadline)
and whether the DX office closed the year. ReviewEvent is the workflow log of a
yearly value (submit, approve, return, reopen …) with the comment shown back to
the department; the field-level history of values lives in django-simple-history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis.models.indicators import EntryStatus, YearlyValue
from plans.language import fiscal_year_label
from plans.models import Department, Strategy

__all__ = [
    "WINDOW_CLOSED", "WINDOW_ENDED", "WINDOW_NONE", "WINDOW_OPEN", "WINDOW_UPCOMING",
    "EntryRound", "EntryRoundEvent", "ReminderLog", "ReviewAction", "ReviewEvent", "ReviewStage",
]

# Where a round's entry period stands (EntryRound.window_at); "none" when a fiscal year has no round.
WINDOW_NONE, WINDOW_UPCOMING, WINDOW_OPEN, WINDOW_ENDED, WINDOW_CLOSED = "none", "upcoming", "open", "ended", "closed"


def default_reminder_days():
    return [7, 3, 1]


class EntryRound(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="entry_rounds", verbose_name=_("strategy")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), help_text=_("The fiscal year whose actuals are entered."))
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("deadline"), help_text=_("After this, department staff can no longer edit."))
    reminder_days = models.JSONField(
        _("reminder days before the deadline"), default=default_reminder_days, blank=True,
        help_text=_("e.g. [7, 3, 1]: departments with missing or returned rows get an e-mail on those days."),
    )
    closed_at = models.DateTimeField(_("year closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("year closed by"),
    )

    class Meta:
        verbose_name = _("entry round")
        verbose_name_plural = _("entry rounds")
        ordering = ["strategy", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "fiscal_year"], name="entry_round_unique"),
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("deadline")), name="entry_round_opens_before_deadline"),
        ]

    def __str__(self):
        return f"{self.strategy} {fiscal_year_label(self.fiscal_year)}"

    # --- the entry window: the one rule, in Python and in SQL, side by side ----------------
    # Departments may enter from opens_at (inclusive) until the deadline (exclusive), unless
    # the DX office closed the year. Everything else (banners, refusals, landing pages,
    # reminders) asks window_at / is_open_for_entry or filters with open_q; tests check the
    # Python and SQL forms agree at the boundaries.

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def window_at(self, now=None) -> str:
        """Where the entry period stands at `now`: one of WINDOW_CLOSED, WINDOW_UPCOMING,
        WINDOW_ENDED, WINDOW_OPEN (a closed year is closed whatever the dates say)."""
        now = now or timezone.now()
        if self.is_closed:
            return WINDOW_CLOSED
        if now < self.opens_at:
            return WINDOW_UPCOMING
        if now >= self.deadline:
            return WINDOW_ENDED
        return WINDOW_OPEN

    def is_open_for_entry(self, now=None) -> bool:
        """Whether departments may enter and submit actuals at `now`."""
        return self.window_at(now) == WINDOW_OPEN

    @staticmethod
    def open_q(now=None) -> Q:
        """`is_open_for_entry` as a filter on rounds."""
        now = now or timezone.now()
        return Q(closed_at__isnull=True, opens_at__lte=now, deadline__gt=now)


class EntryRoundEvent(models.Model):
    """Closing and reopening a whole fiscal year, with the reason."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Year closed")
        REOPENED = "reopened", _("Year reopened")

    entry_round = models.ForeignKey(EntryRound, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry round event")
        verbose_name_plural = _("entry round events")
        ordering = ["entry_round", "created_at"]


class ReviewStage(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    MANAGER = "manager", _("First review (department manager)")
    DX_OFFICE = "dx_office", _("Second review (DX office)")
    ADMIN = "admin", _("Administrator")


class ReviewAction(models.TextChoices):
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")


class ReviewEvent(models.Model):
    yearly_value = models.ForeignKey(
        YearlyValue, on_delete=models.CASCADE, related_name="review_events", verbose_name=_("yearly value")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=ReviewStage.choices)
    action = models.CharField(_("action"), max_length=10, choices=ReviewAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=EntryStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=EntryStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["yearly_value", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="returned") | ~Q(comment=""), name="review_return_needs_comment"
            ),
            models.CheckConstraint(
                condition=~Q(action="reopened") | ~Q(comment=""), name="review_reopen_needs_reason"
            ),
        ]


class ReminderLog(models.Model):
    """One reminder e-mail per round, recipient and day: a second run the same day sends nothing."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Reminder to a department")
        SUMMARY = "summary", _("Daily summary to the DX office")

    entry_round = models.ForeignKey(EntryRound, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sent_on = models.DateField(_("sent on"))
    recipients = models.TextField(_("recipients"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder log")
        verbose_name_plural = _("reminder logs")
        constraints = [
            models.UniqueConstraint(
                fields=["entry_round", "department", "sent_on"],
                condition=Q(kind="department"),
                name="reminder_once_per_department_and_day",
            ),
            models.UniqueConstraint(
                fields=["entry_round", "sent_on"], condition=Q(kind="summary"), name="summary_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(kind="summary", department__isnull=True) | Q(kind="department", department__isnull=False),
                name="reminder_department_matches_kind",
            ),
        ]
