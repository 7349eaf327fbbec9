"""Setting values and revising targets through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis import services
from kpis.models import Indicator, IndicatorKind, TargetRevision


@pytest.fixture
def kpi(sasebo):
    return Indicator.objects.filter(strategy=sasebo, kind=IndicatorKind.KPI).first()


def test_set_initial_keeps_decimals_as_entered(kpi, carol):
    value = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="２，５００．０", user=carol)
    value.refresh_from_db()
    assert value.planned.display() == "2,500.0"
    assert value.planned_number == Decimal("2500")


def test_set_initial_twice_with_the_same_values_changes_nothing(kpi, carol):
    first = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="5", actual="－", user=carol)
    history = first.history.count()
    again = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="5", actual="－", user=carol)
    assert again.version == first.version
    assert again.history.count() == history


def test_revising_a_target_keeps_the_old_value_reason_and_who(kpi, carol):
    value = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="36000", user=carol)
    revision = services.yearly_value_revise_plan(
        yearly_value=value, planned="176000", reason="観光ルートの集計方法を変更したため", user=carol
    )
    assert revision.old.display() == "36,000"
    assert revision.new.display() == "176,000"
    assert revision.revised_by == carol
    value.refresh_from_db()
    assert value.planned_number == Decimal("176000")
    assert value.version == 2
    assert value.history.first().history_change_reason == "観光ルートの集計方法を変更したため"


def test_a_revision_without_reason_is_refused_and_changes_nothing(kpi, carol):
    value = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="10", user=carol)
    with pytest.raises(ValidationError, match="reason|理由"):
        services.yearly_value_revise_plan(yearly_value=value, planned="12", reason="  ", user=carol)
    value.refresh_from_db()
    assert value.planned_number == Decimal("10")
    assert not TargetRevision.objects.filter(yearly_value=value).exists()


def test_revising_to_the_same_value_records_nothing(kpi, carol):
    value = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="10", user=carol)
    assert services.yearly_value_revise_plan(yearly_value=value, planned="10.0", reason="x", user=carol) is None
    assert not TargetRevision.objects.filter(yearly_value=value).exists()


def test_values_far_outside_the_plan_period_are_refused(kpi, carol):
    with pytest.raises(ValidationError):
        services.yearly_value_set_initial(indicator=kpi, fiscal_year=1990, planned="1", user=carol)
