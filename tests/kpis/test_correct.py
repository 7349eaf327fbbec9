"""An administrator's correction (services.yearly_value_correct), and the value limits every
value service checks before it writes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kpis import services
from kpis.models import Indicator, IndicatorKind, TargetRevision, YearlyValue


@pytest.fixture
def kpi(sasebo):
    return Indicator.objects.filter(strategy=sasebo, kind=IndicatorKind.KPI, direction="up").first()


@pytest.fixture
def value(kpi, carol):
    return services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, planned="40", actual="30", user=carol)


def _columns(value: YearlyValue) -> dict:
    fresh = YearlyValue.objects.get(pk=value.pk)
    return {f.attname: getattr(fresh, f.attname) for f in YearlyValue._meta.concrete_fields}


def test_a_correction_is_a_new_version_recorded_under_its_author(value, dave):
    history = value.history.count()
    corrected = services.yearly_value_correct(yearly_value=value, user=dave, actual="36.0", comment="桁の誤りを修正")
    assert corrected is value
    assert (value.actual.display(), value.comment, value.version, value.updated_by) == ("36.0", "桁の誤りを修正", 2, dave)
    assert value.rate == Decimal("90.0")  # 36 of 40, stored by save()
    assert value.history.count() == history + 1
    assert value.history.first().history_user == dave


def test_a_correction_that_changes_nothing_writes_nothing(value, dave):
    before, history = _columns(value), value.history.count()
    services.yearly_value_correct(yearly_value=value, user=dave, actual="３０", planned="40", comment="", note="")
    assert _columns(value) == before
    assert value.history.count() == history


def test_none_leaves_a_field_as_it_is(value, dave):
    services.yearly_value_correct(yearly_value=value, user=dave, comment="確認済み")
    assert (value.planned.display(), value.actual.display(), value.comment) == ("40", "30", "確認済み")


def test_a_planned_value_is_set_while_none_is(kpi, carol, dave):
    value = services.yearly_value_set_initial(indicator=kpi, fiscal_year=2030, actual="5", user=carol)
    services.yearly_value_correct(yearly_value=value, user=dave, planned="2,500.0")
    assert value.planned.display() == "2,500.0"
    assert not TargetRevision.objects.filter(yearly_value=value).exists()


def test_a_set_target_is_not_corrected_but_revised(value, dave):
    before = _columns(value)
    with pytest.raises(ValidationError) as error:
        services.yearly_value_correct(yearly_value=value, user=dave, planned="50", actual="31")
    assert "planned" in error.value.message_dict
    assert _columns(value) == before


@pytest.mark.parametrize("language, message", [
    ("ja", "小数点以下は6桁までです（7桁あります）。"),
    ("en", "At most 6 decimal places are allowed (7 given)."),
])
def test_a_value_beyond_the_limits_is_refused_in_the_users_language(value, dave, language, message):
    before = _columns(value)
    with translation.override(language), pytest.raises(ValidationError) as error:
        services.yearly_value_correct(yearly_value=value, user=dave, actual="1.2345678", comment="x")
    assert error.value.message_dict == {"actual": [message]}
    assert _columns(value) == before


def test_setting_a_value_beyond_the_limits_is_refused(kpi, carol):
    with pytest.raises(ValidationError) as error:
        services.yearly_value_set_initial(indicator=kpi, fiscal_year=2031, planned="1" * 15, user=carol)
    assert list(error.value.message_dict) == ["planned"]
    assert not YearlyValue.objects.filter(indicator=kpi, fiscal_year=2031).exists()
    with pytest.raises(ValidationError) as error:
        services.yearly_value_set_initial(indicator=kpi, fiscal_year=2031, actual="あ" * 201, user=carol)
    assert list(error.value.message_dict) == ["actual"]
    assert not YearlyValue.objects.filter(indicator=kpi, fiscal_year=2031).exists()


def test_revising_to_a_value_beyond_the_limits_is_refused(value, carol):
    before = _columns(value)
    with pytest.raises(ValidationError) as error:
        services.yearly_value_revise_plan(yearly_value=value, planned="0.0000001", reason="見直し", user=carol)
    assert list(error.value.message_dict) == ["planned"]
    assert _columns(value) == before
    assert not TargetRevision.objects.filter(yearly_value=value).exists()
