"""E-mail reminders of the entry round, sent by the hourly Celery beat job.

While a round is open (EntryRound.open_q: not closed, opens_at <= now < deadline):
- on each day in `EntryRound.reminder_days` before the deadline (counted in local dates), every
  department with rows (values, and the round's texts and statuses) not yet submitted (未入力,
  下書き) or returned (差戻し) gets one e-mail
  listing them, at Department.email or else at its staff and managers' addresses;
- every day, the DX office users get one summary of the round, department by department.

Both stay within the round's city (plans.boundary): the summary goes to the DX office of the
strategy's municipality only, the reminders to that city's departments and their people only.

Sending twice the same day is impossible: the ReminderLog row (unique per round, department
and day) is written in the same transaction before the mail goes out. A second run, or a
second worker racing this one, hits the unique constraint and sends nothing; a failed send
rolls the log row back, so the next hourly run tries again.
"""

import logging
import smtplib
from collections import Counter, defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kpis import permissions
from kpis.models import EntryRound, EntryStatus, ReminderLog, ReviewAction, ReviewEvent, RoundText, YearlyValue
from plans.fiscal_years import display_label
from plans.models import Role, User

logger = logging.getLogger(__name__)

PENDING = (EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED)
SENT, ALREADY_SENT, FAILED = "sent", "already_sent", "failed"


def send_entry_reminders(*, now=None) -> dict:
    """Send what is due now for every open round; returns counts (for the task's log)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    outcome = Counter()
    rounds = EntryRound.objects.filter(EntryRound.open_q(now)).select_related("strategy")
    with translation.override(settings.LANGUAGE_CODE):
        for entry_round in rounds:
            outcome.update(_send_round(entry_round, today))
    return {key: n for key, n in outcome.items() if n}


def days_before_deadline(entry_round: EntryRound, today) -> int:
    return (timezone.localdate(entry_round.deadline) - today).days


def _send_round(entry_round: EntryRound, today) -> Counter:
    outcome = Counter()
    already = set(ReminderLog.objects.filter(entry_round=entry_round, sent_on=today).values_list("kind", "department_id"))
    rows = list(
        YearlyValue.objects.filter(
            indicator__strategy_id=entry_round.strategy_id, fiscal_year=entry_round.fiscal_year
        ).select_related("indicator__responsible_department").order_by("indicator__order", "indicator_id")
    )
    # The texts and statuses of the round are the departments' rows too (kpis.models.RoundText).
    rows += list(
        RoundText.objects.filter(strategy_id=entry_round.strategy_id, fiscal_year=entry_round.fiscal_year)
        .select_related("department", "basic_policy", "measure", "step", "project").order_by("order", "pk")
    )
    city = entry_round.strategy.municipality_id
    # A row given to another city's department (bad data) is neither reminded nor summarised.
    rows = [row for row in rows if _department_of(row) is None or _department_of(row).municipality_id == city]
    pending = defaultdict(list)
    for row in rows:
        if row.status in PENDING and _department_of(row) is not None:
            pending[_department_of(row)].append(row)
    reminded, unreachable = [], []
    if days_before_deadline(entry_round, today) in entry_round.reminder_days:
        due = {department: rows for department, rows in pending.items()
               if (ReminderLog.Kind.DEPARTMENT, department.pk) not in already}
        addresses = _department_addresses(due, municipality_id=city)
        return_comments = _latest_return_comments([row for rows in due.values() for row in rows])
        for department, department_rows in due.items():
            if not addresses[department.pk]:
                unreachable.append(department)
                continue
            message = _department_message(entry_round, department, department_rows, return_comments,
                                          addresses[department.pk], today)
            result = _send_once(message, entry_round=entry_round, kind=ReminderLog.Kind.DEPARTMENT,
                                department=department, today=today)
            outcome[f"department_{result}"] += 1
            if result == SENT:
                reminded.append(department)
        outcome["department_already_sent"] += len(pending) - len(due)
    if (ReminderLog.Kind.SUMMARY, None) in already:
        outcome["summary_already_sent"] += 1
        return outcome
    dx_addresses = list(
        User.objects.filter(role=Role.DX_OFFICE, municipality_id=city, is_active=True).exclude(email="").order_by("pk")
        .values_list("email", flat=True)
    )
    if dx_addresses:
        message = _summary_message(entry_round, rows, reminded, unreachable, dx_addresses, today)
        result = _send_once(message, entry_round=entry_round, kind=ReminderLog.Kind.SUMMARY, department=None,
                            today=today)
        outcome[f"summary_{result}"] += 1
    else:
        logger.warning("No DX office user of its city has an e-mail address: no summary for %s", entry_round)
    return outcome


def _send_once(message: EmailMessage, *, entry_round, kind, department, today) -> str:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(entry_round=entry_round, kind=kind, department=department, sent_on=today,
                                       recipients=", ".join(message.to))
            message.send()
    except IntegrityError:
        return ALREADY_SENT  # another run logged it first (and sent it)
    except (smtplib.SMTPException, OSError):
        logger.exception("Reminder to %s failed; the next run retries", ", ".join(message.to))
        return FAILED
    return SENT


def _department_addresses(departments, *, municipality_id: int) -> dict[int, list[str]]:
    """Department.email, or else the addresses of its active staff and managers (of the
    round's city: `municipality_id`)."""
    addresses = {department.pk: [department.email] if department.email else [] for department in departments}
    users = User.objects.filter(
        department_id__in=[pk for pk, found in addresses.items() if not found], role__in=sorted(permissions.DEPARTMENT_ROLES),
        municipality_id=municipality_id, is_active=True,
    ).exclude(email="").order_by("pk")
    for department_id, email in users.values_list("department_id", "email"):
        addresses[department_id].append(email)
    return addresses


def _latest_return_comments(rows) -> dict[int, str]:
    """The comment of each returned row's latest return (or reopening), by row id."""
    returned = [row.pk for row in rows if row.status == EntryStatus.RETURNED and isinstance(row, YearlyValue)]
    events = ReviewEvent.objects.filter(
        yearly_value_id__in=returned, action__in=(ReviewAction.RETURNED, ReviewAction.REOPENED)
    ).order_by("created_at", "pk")
    return {yearly_value_id: comment for yearly_value_id, comment in events.values_list("yearly_value_id", "comment")}


def _deadline(entry_round: EntryRound) -> str:
    return formats.date_format(timezone.localtime(entry_round.deadline), "DATETIME_FORMAT")


def _department_of(row):
    """The department that enters a yearly value or a text of the round."""
    return row.department if isinstance(row, RoundText) else row.indicator.responsible_department


def _row_line(row, return_comments) -> str:
    if isinstance(row, RoundText):
        line = f"- {row.owner} {row.get_kind_display()}: {row.get_status_display()}"
        if row.status == EntryStatus.RETURNED and row.return_comment:
            line += "\n  " + _("Reviewer's comment: %(comment)s") % {"comment": row.return_comment}
        return line
    indicator = row.indicator
    line = f"- {indicator.code} {indicator.name or _('(no name)')}: {row.get_status_display()}"
    if row.pk in return_comments:
        line += "\n  " + _("Reviewer's comment: %(comment)s") % {"comment": return_comments[row.pk]}
    return line


def _department_message(entry_round, department, rows, return_comments, to, today) -> EmailMessage:
    context = {
        "fiscal_year": display_label(entry_round.fiscal_year), "strategy": entry_round.strategy.title,
        "department": department.name, "count": len(rows), "deadline": _deadline(entry_round),
        "days": days_before_deadline(entry_round, today),
    }
    subject = _("[dxplan] %(fiscal_year)s %(strategy)s: %(count)s rows to enter by %(deadline)s") % context
    body = "\n".join([
        _("To the person in charge at %(department)s,") % context,
        "",
        _("The entry of %(fiscal_year)s actuals for %(strategy)s closes on %(deadline)s (%(days)s days from today).")
        % context,
        _("These %(count)s rows are not submitted yet or were returned for correction:") % context,
        "",
        *[_row_line(row, return_comments) for row in rows],
        "",
        _("Please enter the actual values and comments on the entry page of dxplan and submit them."),
    ])
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)


SUMMARY_COLUMNS = (EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED, EntryStatus.SUBMITTED,
                   EntryStatus.FIRST_APPROVED, EntryStatus.APPROVED)


def _summary_message(entry_round, rows, reminded, unreachable, to, today) -> EmailMessage:
    counts = defaultdict(Counter)
    for row in rows:
        counts[_department_of(row)][row.status] += 1
    context = {
        "fiscal_year": display_label(entry_round.fiscal_year), "strategy": entry_round.strategy.title,
        "date": formats.date_format(today, "DATE_FORMAT"), "deadline": _deadline(entry_round),
        "days": days_before_deadline(entry_round, today),
    }
    subject = _("[dxplan] %(fiscal_year)s %(strategy)s: entry status on %(date)s") % context
    header = " / ".join(str(EntryStatus(status).label) for status in SUMMARY_COLUMNS)
    departments = sorted(counts, key=lambda d: (d is None, d.order if d else 0, d.name if d else ""))
    lines = [
        f"- {department.name if department else _('(no department)')}: "
        + " / ".join(str(counts[department][status]) for status in SUMMARY_COLUMNS)
        for department in departments
    ]
    body = "\n".join([
        _("Entry of %(fiscal_year)s actuals for %(strategy)s, deadline %(deadline)s (%(days)s days from today).")
        % context,
        "",
        _("Rows per department (%(columns)s):") % {"columns": header},
        *lines,
        "",
        _("Reminded today: %(departments)s") % {"departments": "、".join(d.name for d in reminded) or "—"},
        _("No e-mail address for: %(departments)s") % {"departments": "、".join(d.name for d in unreachable) or "—"},
    ])
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
