"""Database constraints of indicators and yearly values: bad rows cannot be stored."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kpis.models import Indicator, IndicatorKind, YearlyValue


@pytest.fixture
def kpi(sasebo):
    return Indicator.objects.filter(strategy=sasebo, kind=IndicatorKind.KPI).select_related("measure").first()


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyValue.objects.create(**fields)


def test_number_state_needs_a_number_and_other_states_refuse_one(kpi):
    _refused(indicator=kpi, fiscal_year=2030, planned_state="number", planned_number=None)
    _refused(indicator=kpi, fiscal_year=2030, planned_state="na", planned_number=Decimal("0"))
    _refused(indicator=kpi, fiscal_year=2030, actual_state="pending", actual_number=Decimal("1"))
    _refused(indicator=kpi, fiscal_year=2030, actual_state="text", actual_text="")
    _refused(indicator=kpi, fiscal_year=2030, actual_state="number", actual_number=Decimal("1"), actual_text="x")


def test_one_value_per_indicator_and_fiscal_year(kpi):
    YearlyValue.objects.create(indicator=kpi, fiscal_year=2031)
    _refused(indicator=kpi, fiscal_year=2031)


def test_indicator_attaches_to_exactly_one_node(kpi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(strategy=kpi.strategy, kind="kpi", name="orphan")
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            strategy=kpi.strategy, kind="kpi", name="two owners", measure=kpi.measure,
            basic_policy=kpi.measure.basic_policy,
        )


def test_baseline_and_target_need_their_fiscal_year(kpi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(strategy=kpi.strategy, kind="kpi", measure=kpi.measure, baseline_value=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(strategy=kpi.strategy, kind="kpi", measure=kpi.measure, target_value=Decimal("1"))


def test_the_three_states_survive_a_round_trip(kpi):
    value = YearlyValue.objects.create(
        indicator=kpi, fiscal_year=2032, planned_state="na", actual_state="pending"
    )
    value.refresh_from_db()
    assert value.planned.display() == "－"
    assert value.actual.display() == "…"
    assert value.achievement_rate() is None
    assert value.grade() == "－"
