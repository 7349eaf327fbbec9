"""Is an entered actual plausible? The one rule that warns (never refuses) on entry.

A value far from the plan or from the previous fiscal year's actual (more than a factor set
per strategy, `Strategy.plausibility_factor`, ×10 / ÷10 by default), or typed with 「%」 on an
indicator whose unit is not a percentage (「５．５％」 on a 件 indicator), is saved, but
carries warnings: the entry grid shows them at once, submitting the row needs an evaluation
comment that explains it, and the reviewer's queue shows them beside the value.

A warning is stored on the row (`YearlyValue.actual_warnings`) as a plain dict, its code and
the numbers it names, so the message is written in the reader's language when shown.
Plain Python, no Django (the value-codec import-linter contract).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from plans.achievement import Value

__all__ = ["UNCERTAIN_MARKS", "uncertain_lines", "DEFAULT_FACTOR", "FAR_FROM_PLAN", "FAR_FROM_PREVIOUS", "UNIT_SIGN", "PlausibilityWarning", "check_actual",
           "typed_percent", "warnings_from_json"]

DEFAULT_FACTOR = Decimal(10)  # ×10 or ÷10: a slipped digit or a unit typed in thousands

FAR_FROM_PLAN = "far_from_plan"
FAR_FROM_PREVIOUS = "far_from_previous"
UNIT_SIGN = "unit_sign"

# Units that are percentages (after NFKC, which folds ％ to %), or points of a percentage.
_PERCENT_UNITS = ("%", "パーセント", "ポイント", "pt", "割")


def typed_percent(typed: str | None) -> bool:
    """Whether the typed text carries a percent sign, half- or full-width."""
    return "%" in unicodedata.normalize("NFKC", typed or "")


def _is_percent_unit(unit: str) -> bool:
    unit = unicodedata.normalize("NFKC", unit or "").strip().lower()
    return any(mark in unit for mark in _PERCENT_UNITS)


def _far(actual: Decimal, reference: Decimal, factor: Decimal) -> bool:
    """More than `factor` times larger or smaller, or of the other sign. Zero on either side is
    never "far": 0 件 is an ordinary actual, and a plan of 0 has no scale to compare with."""
    if actual == 0 or reference == 0:
        return False
    if (actual < 0) != (reference < 0):
        return True
    ratio = abs(actual) / abs(reference)
    return ratio > factor or ratio < 1 / factor


def _text(value: Value) -> str:
    return value.display()


def check_actual(*, actual: Value, planned: Value, previous: Value | None = None, unit: str = "",
                 typed: str | None = None, factor: Decimal | None = None) -> list[dict]:
    """The warnings of an entered actual, as the dicts stored on the row (empty: plausible).

    `previous` is the previous fiscal year's actual, `typed` what the clerk typed (the
    number is already parsed into `actual`), `factor` the strategy's threshold (> 1)."""
    factor = Decimal(factor) if factor is not None else DEFAULT_FACTOR
    found: list[dict] = []
    if typed is not None and typed_percent(typed) and not _is_percent_unit(unit):
        found.append({"code": UNIT_SIGN, "unit": unit or "", "actual": _text(actual)})
    if not actual.is_number:
        return found
    if planned.is_number and _far(actual.number, planned.number, factor):
        found.append({"code": FAR_FROM_PLAN, "actual": _text(actual), "reference": _text(planned),
                      "factor": format(factor.normalize(), "f")})
    if previous is not None and previous.is_number and _far(actual.number, previous.number, factor):
        found.append({"code": FAR_FROM_PREVIOUS, "actual": _text(actual), "reference": _text(previous),
                      "factor": format(factor.normalize(), "f")})
    return found


@dataclass(frozen=True)
class PlausibilityWarning:
    """One stored warning, readable in Japanese and English."""

    code: str
    ja: str
    en: str

    def message(self, language: str | None) -> str:
        """The message in the user's language (Japanese unless it is another one)."""
        return self.ja if not language or language.startswith("ja") else self.en


def _warning(item: dict) -> PlausibilityWarning | None:
    code = item.get("code")
    actual, reference, factor = item.get("actual", ""), item.get("reference", ""), item.get("factor", "")
    if code == UNIT_SIGN:
        unit = item.get("unit") or "—"
        return PlausibilityWarning(code, f"「%」付きで入力されましたが、この指標の単位は「{unit}」です。数値{actual}として保存しました。単位を確認してください。",
                       f"A % sign was typed, but this indicator's unit is “{unit}”. It was saved as the number {actual}; "
                       "check the unit.")
    if code == FAR_FROM_PLAN:
        return PlausibilityWarning(code, f"実績値{actual}は計画値{reference}と{factor}倍を超えて離れています。桁や単位を確認してください。",
                       f"The actual {actual} is more than {factor} times away from the planned {reference}; "
                       "check the digits and the unit.")
    if code == FAR_FROM_PREVIOUS:
        return PlausibilityWarning(code, f"実績値{actual}は前年度の実績値{reference}と{factor}倍を超えて離れています。桁や単位を確認してください。",
                       f"The actual {actual} is more than {factor} times away from last fiscal year's {reference}; "
                       "check the digits and the unit.")
    return None


def warnings_from_json(items) -> list[PlausibilityWarning]:
    """The stored warnings of a row (unknown codes are skipped)."""
    return [w for item in items or () if isinstance(item, dict) and (w := _warning(item)) is not None]


# --- uncertain readings ---------------------------------------------------------------------

# A note line recording an uncertain reading of the source (the import and the demo write
# 「出典の読み取りに不確かさあり: …」; a clerk may write 不確か or "uncertain").
UNCERTAIN_MARKS = ("不確か", "uncertain")


def uncertain_lines(note: str | None) -> list[str]:
    """The lines of an indicator's or a value's note that record an uncertain reading, which the
    dashboards and the report show beside the figures (not only the data export)."""
    return [line.strip() for line in (note or "").splitlines()
            if line.strip() and any(mark in line.lower() for mark in UNCERTAIN_MARKS)]
