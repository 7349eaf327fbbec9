"""kpis.values: a Value to its four columns and back, and the limits of those columns."""

from collections import namedtuple
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.models import TargetRevision, YearlyValue
from kpis.values import (
    MAX_DIGITS,
    MAX_INTEGER_DIGITS,
    MAX_NUMBER,
    MAX_PLACES,
    MAX_TEXT,
    column_names,
    limit_exceeded,
    stored_number,
    stored_value,
    value_columns,
    value_from_columns,
    value_places,
)
from plans.achievement import EMPTY, NOT_APPLICABLE, NOT_SET, NUMBER, TEXT, Value

D = Decimal


def _as_the_database_keeps_it(columns: dict, prefix: str) -> dict:
    """The number column holds MAX_PLACES decimals: 2500.0 comes back as 2500.000000."""
    number = columns[f"{prefix}_number"]
    if number is not None:
        columns = {**columns, f"{prefix}_number": number.quantize(D(1).scaleb(-MAX_PLACES))}
    return columns


@pytest.mark.parametrize("raw, columns", [
    ("2,500.0", ("number", D("2500.0"), 1, "")),
    (2500, ("number", D("2500"), 0, "")),
    ("0.05", ("number", D("0.05"), 2, "")),
    ("-12.50", ("number", D("-12.50"), 2, "")),
    ("実施済", ("text", None, 0, "実施済")),
    ("－", ("na", None, 0, "")),
    ("…", ("pending", None, 0, "")),
    (None, ("empty", None, 0, "")),
    ("", ("empty", None, 0, "")),
])
def test_a_value_round_trips_through_its_columns(raw, columns):
    stored = value_columns("actual", raw)
    assert stored == dict(zip(column_names("actual"), columns))
    back = value_from_columns(_as_the_database_keeps_it(stored, "actual"), "actual")
    assert back == Value.of(raw)
    assert back.display() == Value.of(raw).display()  # 2,500.0 keeps its decimal


def test_the_places_survive_the_six_decimal_column():
    back = stored_value(NUMBER, D("2500.000000"), 1, "")
    assert str(back.number) == "2500.0" and back.display() == "2,500.0"
    assert str(stored_value(NUMBER, D("30.000000"), 0, "").number) == "30"


_FITTING = st.integers(0, MAX_PLACES).flatmap(
    lambda places: st.decimals(min_value=-(MAX_NUMBER - 1), max_value=MAX_NUMBER - 1, places=places)
)


@given(_FITTING)
def test_every_number_that_fits_round_trips(number):
    value = Value(NUMBER, number)
    assert limit_exceeded(value) is None
    assert value_from_columns(_as_the_database_keeps_it(value_columns("planned", value), "planned"), "planned") == value


def test_rows_of_every_shape_read_alike():
    columns = value_columns("planned", "12.5")
    Row = namedtuple("Row", columns)
    expected = Value(NUMBER, D("12.5"))
    assert value_from_columns(columns, "planned") == expected  # a dict from QuerySet.values()
    assert value_from_columns(Row(**columns), "planned") == expected  # a named row
    assert value_from_columns(YearlyValue(**columns), "planned") == expected  # a model instance
    assert TargetRevision(**value_columns("old", "－"), **value_columns("new", "7")).new == Value(NUMBER, D(7))


def test_a_missing_row_of_a_join_reads_as_empty():
    assert value_from_columns({"previous_state": None, "previous_number": None, "previous_places": None,
                               "previous_text": None}, "previous") == Value(EMPTY)


def test_baselines_and_targets_keep_their_decimals():
    assert stored_number(None, 0) == Value(EMPTY)
    assert stored_number(D("75.000000"), 1).display() == "75.0"


def test_places_of_non_numbers_are_zero():
    assert [value_places(Value(state)) for state in (EMPTY, NOT_APPLICABLE, NOT_SET)] == [0, 0, 0]
    assert value_places(Value(TEXT, text="実施済")) == 0


def test_the_model_fields_are_declared_from_the_limits():
    fields = {f.name: f for f in YearlyValue._meta.fields}
    for prefix in ("planned", "actual"):
        assert (fields[f"{prefix}_number"].max_digits, fields[f"{prefix}_number"].decimal_places) == (MAX_DIGITS,
                                                                                                       MAX_PLACES)
        assert fields[f"{prefix}_text"].max_length == MAX_TEXT
    assert MAX_DIGITS == MAX_INTEGER_DIGITS + MAX_PLACES


@pytest.mark.parametrize("value", [
    Value(NUMBER, MAX_NUMBER - D("0.000001")),
    Value(NUMBER, -(MAX_NUMBER - 1)),
    Value(NUMBER, D("0.123456")),
    Value(TEXT, text="あ" * MAX_TEXT),
    Value(NOT_SET),
])
def test_values_at_the_limits_fit(value):
    assert limit_exceeded(value) is None


@pytest.mark.parametrize("value, code, ja, en", [
    (Value(NUMBER, D("1.2345678")), "too_many_decimals", "小数点以下は6桁までです（7桁あります）。",
     "At most 6 decimal places are allowed (7 given)."),
    (Value(NUMBER, MAX_NUMBER), "too_large", "数値が大きすぎます。整数部は14桁までです。",
     "The number is too large: at most 14 digits before the decimal point."),
    (Value(NUMBER, -MAX_NUMBER * 10), "too_large", "数値が大きすぎます。整数部は14桁までです。",
     "The number is too large: at most 14 digits before the decimal point."),
    (Value(TEXT, text="あ" * 201), "text_too_long", "文字は200字までです（201字あります）。",
     "Text values are limited to 200 characters (201 given)."),
])
def test_a_value_beyond_the_limits_says_why(value, code, ja, en):
    problem = limit_exceeded(value)
    assert (problem.code, problem.ja, problem.en) == (code, ja, en)
    assert problem.message("ja") == problem.message(None) == ja
    assert problem.message("en") == en
    assert str(problem) == f"{ja} / {en}"
