"""Reminder e-mails of the entry round (kpis.reminders, run by the kpis.tasks beat job).

The demo's Sasebo 令和6年度 round is rescheduled so its deadline is 7 local days ahead at
17:00; reminder days are [7, 3, 1]. Departments: 観光商工部 has its own address; 農林水産部
has none, so its staff and manager get the mail; the other departments have no address at all.
"""

import smtplib
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kpis import reminders, text_workflow, workflow
from kpis.models import EntryRound, EntryStatus, ReminderLog, RoundText, YearlyValue
from kpis.tasks import send_entry_reminders
from plans.models import Department, Role, User

FY = 2024


def _local(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def entry_round(sasebo, today):
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)
    entry_round.opens_at = _local(today - timedelta(days=10), 9)
    entry_round.deadline = _local(today + timedelta(days=7), 17)
    entry_round.reminder_days = [7, 3, 1]
    entry_round.save()
    return entry_round


@pytest.fixture
def addresses(db, alice, carol, frank):
    Department.objects.filter(municipality__code="sasebo", name="観光商工部").update(email="kanko@city.example")
    agri = Department.objects.get(municipality__code="sasebo", name="農林水産部")
    User.objects.filter(pk=frank.pk).update(email="frank@city.example")
    User.objects.create_user(username="grace", role=Role.MANAGER, department=agri, email="grace@city.example")
    User.objects.create_user(username="gone", role=Role.STAFF, department=agri, email="gone@city.example",
                             is_active=False)
    User.objects.create_user(username="peek", role=Role.VIEWER, department=agri, email="peek@city.example")
    User.objects.filter(pk=alice.pk).update(email="alice@city.example")  # the department address wins
    User.objects.filter(pk=carol.pk).update(email="carol@city.example")


def _rows(department_name):
    return YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=FY, indicator__responsible_department__name=department_name
    ).select_related("indicator").order_by("indicator__order", "indicator_id")


def _texts(department_name):
    """The department's texts and statuses of the round: reminded and counted with its rows."""
    return RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=FY, department__name=department_name)


def _mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def run(day, hour=10):
    return reminders.send_entry_reminders(now=_local(day, hour))


def test_departments_with_pending_rows_are_mailed_on_reminder_days(entry_round, addresses, today):
    _rows("港湾部").update(status=EntryStatus.SUBMITTED)  # nothing left to do there
    outcome = run(today)
    department_mails = [m for m in mail.outbox if "carol@city.example" not in m.to]
    assert sorted(m.to for m in department_mails) == [
        ["frank@city.example", "grace@city.example"], ["kanko@city.example"],
    ]
    assert len(_mails_to("carol@city.example")) == 1  # the DX office summary
    assert outcome == {"department_sent": 2, "summary_sent": 1}
    logged = ReminderLog.objects.filter(entry_round=entry_round, sent_on=today)
    assert sorted(logged.values_list("kind", "department__name")) == [
        ("department", "観光商工部"), ("department", "農林水産部"), ("summary", None),
    ]
    assert logged.get(department__name="農林水産部").recipients == "frank@city.example, grace@city.example"


@pytest.mark.parametrize(("days_before", "department_mails"), [(8, 0), (7, 2), (6, 0), (4, 0), (3, 2), (1, 2)])
def test_department_mails_go_only_on_the_reminder_days(entry_round, addresses, today, days_before,
                                                       department_mails):
    entry_round.opens_at = _local(today - timedelta(days=30), 9)
    entry_round.save()
    run(today + timedelta(days=7 - days_before))
    assert len(mail.outbox) == department_mails + 1  # the summary goes every day


def test_a_second_run_the_same_day_sends_nothing(entry_round, addresses, today):
    run(today, hour=9)
    sent = len(mail.outbox)
    assert sent == 3
    outcome = run(today, hour=15)
    assert len(mail.outbox) == sent
    assert outcome == {"department_already_sent": 2, "summary_already_sent": 1}
    run(today + timedelta(days=1))  # a new day: the summary again, no department mail (6 days before)
    assert len(mail.outbox) == sent + 1


def test_the_log_row_guards_even_a_run_that_missed_it(entry_round, addresses, today):
    """Two workers racing: the one whose log insert fails sends nothing."""
    department = Department.objects.get(municipality__code="sasebo", name="観光商工部")
    first = mail.EmailMessage("s", "b", "from@example", ["kanko@city.example"])
    second = mail.EmailMessage("s", "b", "from@example", ["kanko@city.example"])
    key = {"entry_round": entry_round, "kind": ReminderLog.Kind.DEPARTMENT, "department": department, "today": today}
    assert reminders._send_once(first, **key) == reminders.SENT
    assert reminders._send_once(second, **key) == reminders.ALREADY_SENT
    assert len(mail.outbox) == 1


def test_a_failed_send_is_not_logged_and_is_retried(entry_round, addresses, today, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def refuse_kanko(self, messages):
        if any("kanko@city.example" in m.to for m in messages):
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_kanko)
    outcome = run(today, hour=9)
    assert outcome["department_failed"] == 1 and outcome["department_sent"] == 1
    assert not ReminderLog.objects.filter(department__name="観光商工部").exists()
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    run(today, hour=10)
    assert len(_mails_to("kanko@city.example")) == 1
    assert len(_mails_to("frank@city.example")) == 1  # not sent twice


def test_the_department_mail_is_in_japanese_and_lists_the_rows(entry_round, addresses, today, alice, bob):
    rows = list(_rows("観光商工部"))
    returned, submitted = rows[0], rows[1]
    for value in (returned, submitted):
        workflow.entry_save(user=alice, yearly_value=value, actual="10", comment="", expected_version=value.version)
    workflow.entry_submit(user=alice, yearly_values=[returned, submitted])
    workflow.review_return(user=bob, yearly_value=returned, comment="単位を確認してください")
    text = _texts("観光商工部").order_by("order")[0]
    text_workflow.round_text_save(user=alice, round_text=text, content="目標", expected_version=text.version)
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    text_workflow.round_text_return(user=bob, round_text=text, comment="目標を具体的に")
    run(today)
    (message,) = _mails_to("kanko@city.example")
    assert "令和6年度" in message.subject and "佐世保市DX戦略" in message.subject
    deadline = timezone.localtime(entry_round.deadline)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in message.subject
    assert "観光商工部" in message.body
    pending = [row for row in rows if row.pk != submitted.pk]
    for row in pending:
        assert f"{row.indicator.code} {row.indicator.name}" in message.body
    assert f"{submitted.indicator.code} " not in message.body
    texts = _texts("観光商工部")
    assert sum(line.startswith("- ") for line in message.body.splitlines()) == len(pending) + texts.count()
    assert f"- {text.owner} " in message.body and "目標を具体的に" in message.body
    assert "未入力" in message.body and "差戻し" in message.body
    assert "単位を確認してください" in message.body
    assert message.from_email == "dxplan@localhost"


def test_the_dx_office_summary_counts_rows_per_department(entry_round, addresses, today):
    _rows("港湾部").update(status=EntryStatus.APPROVED)
    run(today)
    (summary,) = _mails_to("carol@city.example")
    assert summary.to == ["carol@city.example"]  # DX office users with an address only
    assert "令和6年度" in summary.subject
    assert "未入力 / 下書き / 差戻し / 提出済 / 所属長承認済 / 承認済" in summary.body
    n_kanko = _rows("観光商工部").count() + _texts("観光商工部").count()
    assert f"- 観光商工部: {n_kanko} / 0 / 0 / 0 / 0 / 0" in summary.body
    port_texts = _texts("港湾部").count()  # not entered yet
    assert f"- 港湾部: {port_texts} / 0 / 0 / 0 / 0 / {_rows('港湾部').count()}" in summary.body
    *_, reminded, unreachable = summary.body.splitlines()
    assert "観光商工部" in reminded and "農林水産部" in reminded
    assert "保健福祉部" in unreachable and "観光商工部" not in unreachable


@pytest.mark.parametrize("state", ["closed", "not_open", "past"])
def test_nothing_is_sent_outside_an_open_round(entry_round, addresses, today, carol, state):
    if state == "closed":
        workflow.entry_round_close(user=carol, entry_round=entry_round)
        moment = _local(today, 10)
    elif state == "not_open":
        moment = entry_round.opens_at - timedelta(hours=1)
    else:
        moment = entry_round.deadline + timedelta(minutes=1)
    assert reminders.send_entry_reminders(now=moment) == {}
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_the_beat_task_runs_the_service_and_is_idempotent(entry_round, addresses):
    first = send_entry_reminders.apply().get()  # runs the task here, with or without a broker
    assert first == {"department_sent": 2, "summary_sent": 1}
    assert len(mail.outbox) == 3
    assert send_entry_reminders.apply().get() == {"department_already_sent": 2, "summary_already_sent": 1}
    assert len(mail.outbox) == 3
