"""kpis.rates.rate_for: the one rule for the rate a yearly value stores."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.models import YearlyValue
from kpis.rates import RATE_MAX_DIGITS, RATE_PLACES, rate_for
from plans.achievement import DIRECTIONS, DOWN, MAINTAIN, UP, Value, achievement_rate

D = Decimal


def _rate(planned, actual, direction=UP, baseline=None, tolerance=None):
    return rate_for(planned=Value.of(planned), actual=Value.of(actual), direction=direction, baseline=baseline,
                    tolerance=tolerance)


def test_the_rate_of_two_numbers():
    assert _rate("80", "75", DOWN) == D("106.7")  # ペーパーレス度: lower is better
    assert _rate("68", "43", UP, baseline=D("18")) == D("50.0")
    assert _rate("70", "72.5", MAINTAIN, tolerance=D("3")) == D("100.0")


@pytest.mark.parametrize("other", ["－", "…", "実施済", None])
def test_no_rate_without_two_numbers(other):
    assert _rate(other, "5") is None
    assert _rate("5", other) is None


def test_inputs_the_database_refuses_store_no_rate():
    assert _rate("5", "5", "sideways") is None  # an unknown direction
    assert _rate("5", "6", MAINTAIN, tolerance=D("-1")) is None  # a negative tolerance


def test_the_decimals_entered_do_not_change_the_rate():
    # The cache keys on numbers that are equal, whatever their places: 2500.0 of 2500 is 100 %.
    assert _rate("2500", "2500.0") == _rate("2500.000", "2500") == D("100.0")
    assert str(_rate("3", "2")) == "66.7"


_NUMBER = st.decimals(min_value=-10**6, max_value=10**6, places=2)


@given(planned=_NUMBER, actual=_NUMBER, direction=st.sampled_from(DIRECTIONS),
       baseline=st.one_of(st.none(), _NUMBER), tolerance=st.one_of(st.none(), st.decimals(0, 100, places=1)))
def test_it_is_the_achievement_rate(planned, actual, direction, baseline, tolerance):
    expected = achievement_rate(actual=actual, planned=planned, direction=direction, baseline=baseline,
                                tolerance=tolerance)
    assert _rate(planned, actual, direction, baseline, tolerance) == expected


def test_the_rate_column_holds_what_rate_for_gives():
    field = YearlyValue._meta.get_field("rate")
    assert (field.max_digits, field.decimal_places) == (RATE_MAX_DIGITS, RATE_PLACES)
    assert _rate("1", "999999999999.99").as_tuple().exponent == -RATE_PLACES
