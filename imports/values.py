"""Cell values of an uploaded workbook → what dxplan stores.

The workbook reader hands over plain Python values (str, int, float, datetime, bool,
None) and, for the few cells that need more than their value, the small markers below.
Every refusal raises CellError with a Japanese and an English message; the caller adds
sheet, row, column and the value found.

Rules (the issue's list): full-width digits and thousands separators (NFKC, via
plans.achievement.Value.of), 「29.9%」 and numbers formatted as percent → 29.9 in percent
units, 「－」「-」「ー」 → not applicable, 「…」 → not yet set, blank → empty, numbers stored
as text → numbers, formulas → their cached value (refused when the file has none), dates,
booleans and Excel error values where a number was expected → refused.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kpis.values import limit_exceeded, value_places
from plans import achievement


@dataclass(frozen=True, slots=True)
class FormulaWithoutValue:
    """A formula cell saved without a computed value (e.g. written by a script)."""

    formula: str = ""


@dataclass(frozen=True, slots=True)
class ErrorValue:
    """#N/A, #DIV/0!, #REF! … as Excel stored them."""

    code: str


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number whose cell format shows decimals or a percent sign (0.0, 0.0%)."""

    number: int | float
    decimals: int
    percent: bool


class CellError(ValueError):
    def __init__(self, code: str, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.code, self.ja, self.en = code, ja, en


_DATE_TEXT_RE = re.compile(r"[0-9]{4}[/.\-年][0-9]{1,2}[/.\-月][0-9]{1,2}日?|[RHS令平][0-9元]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}")
_PERCENT = ("%", "％")


def display(raw) -> str:
    """The value found, as a problem message quotes it."""
    if raw is None:
        return ""
    if isinstance(raw, FormulaWithoutValue):
        return f"={raw.formula}" if raw.formula else "（数式）"
    if isinstance(raw, ErrorValue):
        return raw.code
    if isinstance(raw, Formatted):
        return f"{raw.number}{'（%表示）' if raw.percent else ''}"
    if isinstance(raw, datetime.datetime):
        return raw.isoformat(sep=" ")
    return str(raw)


def _refuse_special(raw) -> None:
    if isinstance(raw, FormulaWithoutValue):
        raise CellError(
            "formula_without_value",
            "数式の計算結果がファイルに保存されていません。Excel で開いて再計算し、保存し直すか、値として貼り付けてください。",
            "The formula has no saved result. Open the file in Excel, let it recalculate and save it, "
            "or paste the cells as values.",
        )
    if isinstance(raw, ErrorValue):
        raise CellError(
            "excel_error",
            f"Excel のエラー値 {raw.code} が入っています。正しい値を入力してください。",
            f"The cell holds the Excel error {raw.code}; enter a proper value.",
        )
    if isinstance(raw, bool):
        raise CellError("boolean", "TRUE/FALSE は値として読めません。", "TRUE/FALSE is not a value.")
    if isinstance(raw, (datetime.date, datetime.time, datetime.timedelta)):
        raise CellError(
            "date_not_number",
            "数値が入るべきセルに日付が入っています（セルの書式が日付になっていないか確認してください）。",
            "A date was found where a number was expected (check that the cell is not formatted as a date).",
        )


def _fitting(value: achievement.Value) -> achievement.Value:
    """The value, or CellError when it does not fit its columns (kpis.values.limit_exceeded)."""
    problem = limit_exceeded(value)
    if problem is not None:
        raise CellError(problem.code, problem.ja, problem.en)
    return value


def _number(number: Decimal) -> achievement.Value:
    return _fitting(achievement.Value(achievement.NUMBER, number))


def _from_float(number: float) -> Decimal:
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("not_finite", "数値として読めません。", "Not a finite number.")
    # Excel keeps 15 significant digits; 0.1+0.2 stored as 0.30000000000000004 is 0.3 there.
    return Decimal(format(number, ".15g"))


def _normalized_places(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def _formatted(raw: Formatted) -> Decimal:
    number = _from_float(raw.number) if isinstance(raw.number, float) else Decimal(raw.number)
    if raw.percent:
        number *= 100
    # Decimals as the cell shows them (2500 formatted 0.0 is 2500.0), never fewer than the value has.
    places = max(raw.decimals, _normalized_places(number))
    return number.quantize(Decimal(1).scaleb(-places))


@lru_cache(maxsize=4096, typed=True)  # plans repeat their values (1, 5, －, …); a Value is immutable
def read_value(raw) -> tuple[achievement.Value, bool]:
    """(Value, whether it carried a percent sign or format) of a planned/actual cell."""
    _refuse_special(raw)
    if raw is None:
        return achievement.Value(achievement.EMPTY), False
    if isinstance(raw, Formatted):
        return _number(_formatted(raw)), raw.percent
    if isinstance(raw, int):
        return _number(Decimal(raw)), False
    if isinstance(raw, float):
        return _number(_from_float(raw)), False
    text = str(raw).strip()
    percent = text.endswith(_PERCENT)
    if percent:
        value = achievement.Value.of(text[:-1])
        if value.is_number:
            return _fitting(value), True
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if _DATE_TEXT_RE.fullmatch(compact):
        _refuse_special(datetime.date.min)  # a date typed as text is still a date
    return _fitting(achievement.Value.of(text)), False


def read_text(raw, *, max_length: int | None = None) -> str:
    """A title, name or code: numbers become their digits (12 → "12", 1.5 → "1.5")."""
    if isinstance(raw, (FormulaWithoutValue, ErrorValue, bool)):
        _refuse_special(raw)
    if raw is None:
        return ""
    if isinstance(raw, Formatted):
        raw = raw.number
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, float):
        raw = _from_float(raw)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if raw.time() == datetime.time() else raw
    if isinstance(raw, (datetime.date, datetime.datetime)):
        raw = raw.isoformat()
    text = str(raw).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(
            "text_too_long", f"文字が長すぎます（{max_length} 文字まで）。", f"Text too long (at most {max_length})."
        )
    return text


def key_text(text: str) -> str:
    """How names are compared: NFKC, whitespace ignored (as imports.demo.common.same_text)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


_TRUE = {"○", "◯", "〇", "●", "◎", "1", "TRUE", "YES", "Y", "はい", "有", "あり", "レ", "✓", "✔"}
_FALSE = {"", "0", "×", "FALSE", "NO", "N", "いいえ", "無", "なし", "-", "ー", "－"}


def read_flag(raw) -> bool:
    """○ / 1 / TRUE → True; blank / 0 / × / － → False."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw in (0, 1):
        return bool(raw)
    text = key_text(read_text(raw)).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("not_a_flag", "「○」「1」または空欄で入力してください。", "Use ○, 1 or leave the cell blank.")


def read_int(raw, *, blank=None) -> int | None:
    text = key_text(read_text(raw))
    if not text:
        return blank
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise CellError("not_an_integer", "0 以上の整数で入力してください。", "Enter a whole number (0 or more).")
    return int(number)


def read_decimal(raw) -> tuple[Decimal | None, int]:
    """A baseline, target or tolerance: (number, decimal places) or (None, 0) when blank."""
    value, _percent = read_value(raw)
    if value.state == achievement.EMPTY:
        return None, 0
    if not value.is_number:
        raise CellError("not_a_number", "数値で入力してください。", "Enter a number.")
    return value.number, value_places(value)
