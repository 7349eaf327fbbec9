"""Reminders and the daily summary stay within the round's city (kpis.reminders): the summary of
a Sasebo round reaches Sasebo's DX office (carol), never Nagasaki's (nina), and the other way
round; department reminders go to the round's city's departments and people only."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kpis import reminders
from kpis.models import EntryRound, EntryStatus, YearlyValue
from plans.models import Department, Role, User
from tests.kpis.boundary_cities import FY, build_cities


def _local(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def rounds(db, carol, nina):
    """Both cities' rounds open, due in 7 days, with a reminder that day; every DX office and
    department has an address."""
    cities = build_cities()
    today = timezone.localdate()
    EntryRound.objects.filter(pk__in=[city.entry_round.pk for city in cities.values()]).update(
        opens_at=_local(today - timedelta(days=3), 9), deadline=_local(today + timedelta(days=7), 17),
        reminder_days=[7])
    User.objects.filter(pk=carol.pk).update(email="carol@sasebo.example")
    User.objects.filter(pk=nina.pk).update(email="nina@nagasaki.example")
    for city in cities.values():
        Department.objects.filter(pk=city.department_id).update(email=f"dept@{city.strategy.municipality.code}.example")
    return cities


def _subjects_to(address):
    return [message.subject for message in mail.outbox if address in message.to]


def test_each_citys_summary_reaches_its_own_dx_office_only(rounds):
    reminders.send_entry_reminders()
    sasebo, nagasaki = rounds["sasebo"].strategy.title, rounds["nagasaki"].strategy.title
    to_carol, to_nina = _subjects_to("carol@sasebo.example"), _subjects_to("nina@nagasaki.example")
    assert len(to_carol) == 1 and sasebo in to_carol[0]
    assert len(to_nina) == 1 and nagasaki in to_nina[0]
    for message in mail.outbox:  # no mail mixes the cities' addresses
        cities = {address.split("@")[1].split(".")[0] for address in message.to}
        assert len(cities) == 1, message.to


def test_department_reminders_go_to_the_rounds_city_only(rounds):
    reminders.send_entry_reminders()
    for name, city in rounds.items():
        other = rounds["nagasaki" if name == "sasebo" else "sasebo"]
        to_department = [m for m in mail.outbox if f"dept@{city.strategy.municipality.code}.example" in m.to]
        assert to_department, name
        for message in to_department:
            assert city.strategy.title in message.subject
            assert other.strategy.title not in message.subject + message.body


def test_a_row_given_to_another_citys_department_is_neither_reminded_nor_summarised(rounds, carol):
    """Bad data (a Sasebo row owned by a Nagasaki department) must not mail Nagasaki."""
    sasebo, nagasaki = rounds["sasebo"], rounds["nagasaki"]
    foreign = Department.objects.get(pk=nagasaki.department_id)
    value = YearlyValue.objects.filter(indicator__strategy=sasebo.strategy, fiscal_year=FY,
                                       status=EntryStatus.NOT_ENTERED).first()
    value.indicator.responsible_department = foreign
    value.indicator.save()
    EntryRound.objects.filter(pk=nagasaki.entry_round.pk).update(closed_at=timezone.now())  # only Sasebo's runs
    reminders.send_entry_reminders()
    assert not any(foreign.email in m.to for m in mail.outbox)
    (summary,) = [m for m in mail.outbox if "carol@sasebo.example" in m.to]
    assert not Department.objects.filter(municipality=sasebo.strategy.municipality, name=foreign.name).exists()
    assert f"- {foreign.name}:" not in summary.body


def test_an_administrator_or_dx_office_of_another_city_never_gets_the_summary(rounds, nora, carol):
    User.objects.filter(pk=nora.pk).update(email="nora@nagasaki.example")
    User.objects.create_user(username="sasebo-dx2", role=Role.DX_OFFICE, department=carol.department,
                             email="dx2@sasebo.example")
    reminders.send_entry_reminders()
    (sasebo_summary,) = [m for m in mail.outbox if "carol@sasebo.example" in m.to]
    assert sorted(sasebo_summary.to) == ["carol@sasebo.example", "dx2@sasebo.example"]
    assert not _subjects_to("nora@nagasaki.example")  # administrators get no summary, in any city
