"""The codec between a value (plans.achievement.Value) and its stored columns, and their limits.

A side of a yearly value (prefix ``planned`` or ``actual``; ``old`` / ``new`` on a target
revision) is stored as four columns: ``<prefix>_state``, ``<prefix>_number`` (a decimal column
of MAX_DIGITS digits, MAX_PLACES of them decimals), ``<prefix>_places`` (the decimals as
entered, so 2500.0 stays 2500.0) and ``<prefix>_text`` (at most MAX_TEXT characters). This module
is the only place that converts between the two, and the only statement of the limits: the
model fields are declared from these constants, and forms, the API, the admin and the import
refuse a value through `limit_exceeded`. Plain Python, no Django (an import-linter contract).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from plans.achievement import EMPTY, NUMBER, TEXT, Value

__all__ = [
    "COLUMNS", "MAX_DIGITS", "MAX_INTEGER_DIGITS", "MAX_NUMBER", "MAX_PLACES", "MAX_TEXT", "LimitExceeded",
    "column_names", "limit_exceeded", "stored_number", "stored_value", "value_columns", "value_from_columns",
    "value_places", "common_places", "rounded_value",
]

MAX_PLACES = 6  # decimals a number column keeps
MAX_INTEGER_DIGITS = 14  # digits before the decimal point
MAX_DIGITS = MAX_INTEGER_DIGITS + MAX_PLACES  # the number columns' max_digits
MAX_NUMBER = Decimal(10) ** MAX_INTEGER_DIGITS  # the smallest magnitude that no longer fits
MAX_TEXT = 200  # characters of a text value

COLUMNS = ("state", "number", "places", "text")


def column_names(prefix: str) -> tuple[str, str, str, str]:
    """The four column names of one side: ('planned_state', 'planned_number', …)."""
    return tuple(f"{prefix}_{column}" for column in COLUMNS)


def value_places(value: Value) -> int:
    """How many decimals a value was entered with (0 for non-numbers)."""
    if not value.is_number:
        return 0
    return max(0, -value.number.as_tuple().exponent)


def common_places(values) -> int:
    """The decimals an indicator's figures are read with: the most any of its numbers was
    entered with (planned 75.0 and baseline 68.9 → 1), so derived numbers (期待値, the
    projection) print like the entered ones. Non-numbers and None are skipped."""
    return max((value_places(v) for v in values if v is not None and v.is_number), default=0)


def rounded_value(number: Decimal | None, places: int) -> Value:
    """A derived number rounded half-up to `places` decimals, as a Value (EMPTY for None):
    7.6667 at 0 places is 8, 75 at 1 place is 75.0."""
    if number is None:
        return Value(EMPTY)
    return Value(NUMBER, number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def stored_value(state: str | None, number: Decimal | None, places: int | None, text: str | None) -> Value:
    """A Value from its four columns, with the decimals it was entered with (the number column
    keeps MAX_PLACES). A missing row of an outer join or subquery (state None) is EMPTY."""
    if state is None:
        return Value(EMPTY)
    if number is not None:
        number = number.quantize(Decimal(1).scaleb(-(places or 0)))
    return Value(state, number, text or "")


def stored_number(number: Decimal | None, places: int | None) -> Value:
    """A number kept as ``<prefix>_value`` and ``<prefix>_places`` (an indicator's baseline and
    target): NUMBER with its decimals, or EMPTY when there is none."""
    if number is None:
        return Value(EMPTY)
    return stored_value(NUMBER, number, places, "")


def value_from_columns(row, prefix: str) -> Value:
    """The Value of one side of a row: a model instance, a historical record, a named row, or a
    mapping such as a dict from QuerySet.values()."""
    names = column_names(prefix)
    if isinstance(row, Mapping):
        return stored_value(*(row[name] for name in names))
    return stored_value(*(getattr(row, name) for name in names))


def value_columns(prefix: str, value) -> dict:
    """The column keyword arguments of one side: {'planned_state': …, 'planned_number': …, …}.
    `value` is a Value or anything Value.of reads (a cell: 12.5, '－', None …)."""
    value = Value.of(value)
    state, number, places, text = column_names(prefix)
    return {state: value.state, number: value.number, places: value_places(value), text: value.text}


@dataclass(frozen=True)
class LimitExceeded:
    """Why a value does not fit its columns, in Japanese and English; `code` names the limit."""

    code: str  # "too_many_decimals" | "too_large" | "text_too_long"
    ja: str
    en: str

    def message(self, language: str | None) -> str:
        """The message in the user's language (Japanese unless it is another one)."""
        return self.ja if not language or language.startswith("ja") else self.en

    def __str__(self) -> str:
        return f"{self.ja} / {self.en}"


def limit_exceeded(value: Value) -> LimitExceeded | None:
    """Why `value` cannot be stored as it is (the database would round or refuse it), or None."""
    if value.state == NUMBER:
        places = value_places(value)
        if places > MAX_PLACES:
            return LimitExceeded(
                "too_many_decimals",
                f"小数点以下は{MAX_PLACES}桁までです（{places}桁あります）。",
                f"At most {MAX_PLACES} decimal places are allowed ({places} given).",
            )
        if abs(value.number) >= MAX_NUMBER:
            return LimitExceeded(
                "too_large",
                f"数値が大きすぎます。整数部は{MAX_INTEGER_DIGITS}桁までです。",
                f"The number is too large: at most {MAX_INTEGER_DIGITS} digits before the decimal point.",
            )
    elif value.state == TEXT and len(value.text) > MAX_TEXT:
        return LimitExceeded(
            "text_too_long",
            f"文字は{MAX_TEXT}字までです（{len(value.text)}字あります）。",
            f"Text values are limited to {MAX_TEXT} characters ({len(value.text)} given).",
        )
    return None
