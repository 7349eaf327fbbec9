"""Achievement (達成率) math for indicators: rates, grades, expected path, trend.

Plain Python, no Django, so it can be tested exhaustively and reused by reports and the API.

Conventions from Japanese municipal practice and the seed plans:

- A yearly value is not just a number. Plans print 「－」 (not applicable) and 「…」 (not yet
  set), and sometimes text such as 実施済; those are states of the value, distinct from an
  empty cell and from zero, and none of them can be evaluated (grade 「－」, 評価不能).
- Rates are in percent units (Decimal("95.0") is 95 %), rounded half-up to 0.1 as printed
  in reports; they may exceed 100 or be negative, because "how far past the target" and
  "moved the wrong way" are both things reviewers need to see.
- Higher is better: actual / planned. Lower is better: planned / actual (Sasebo's
  ペーパーレス度: plan 80, actual 75 → 106.7 %).
- With a baseline (基準値): (actual − baseline) / (planned − baseline), which serves both
  directions because both differences change sign together.
- "Lower is better" is computed as "higher is better" on negated values, so the two can
  never drift apart and zeros and negatives follow one set of rules.
- Maintain (維持) indicators pass within a tolerance band in the indicator's own unit
  (for example survey shares ±3 points).
- The expected path (期待値) is the straight line from baseline to final target.
- Grades come from bands each strategy sets (default A ≥ 100, B ≥ 80, C below).

Internally everything is computed with Fraction, so results are exact until the single
rounding at the end and no Decimal context precision can overflow or raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "DEFAULT_BANDS",
    "DIRECTIONS",
    "DOWN",
    "EMPTY",
    "MAINTAIN",
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_MARK",
    "NOT_EVALUABLE",
    "NOT_SET",
    "NOT_SET_MARK",
    "NUMBER",
    "TEXT",
    "UP",
    "VALUE_STATES",
    "FinalTarget",
    "GradeBand",
    "Value",
    "achievement_rate",
    "bands_from_json",
    "bands_to_json",
    "expected_value",
    "final_target",
    "grade",
    "grade_distribution",
    "grade_shares",
    "project_trend",
    "said_in",
    "validate_bands",
    "will_reach_target",
]

# Directions (mirrored by a Django TextChoices; keep the values).
UP = "up"
DOWN = "down"
MAINTAIN = "maintain"
DIRECTIONS = (UP, DOWN, MAINTAIN)

# Value states (mirrored by a Django TextChoices; keep the values).
NUMBER = "number"
NOT_APPLICABLE = "na"  # printed 「－」
NOT_SET = "pending"  # printed 「…」
TEXT = "text"  # verbatim non-numeric text, e.g. 実施済
EMPTY = "empty"  # nothing entered
VALUE_STATES = (NUMBER, NOT_APPLICABLE, NOT_SET, TEXT, EMPTY)

NOT_APPLICABLE_MARK = "－"
NOT_SET_MARK = "…"
NOT_EVALUABLE = "－"  # the grade of anything that cannot be evaluated (評価不能)

# Dashes plans use for 「－」, after NFKC (which folds full-width － to "-" and ｰ to ー).
_DASHES = frozenset("-ー—–−‐―")
# 「…」 after NFKC is "..."; plans also type ・・・ or ‥ ("..").
_ELLIPSIS_CHARS = frozenset(".・")
# Thousands separators only in the right places, so "1,2" stays text rather than 12.
_UNSIGNED_NUMBER_RE = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+")
# Japanese accounts write negatives as △5 or ▲5; U+2212 is the typographic minus.
_SIGNS = {"+": "", "-": "-", "△": "-", "▲": "-", "−": "-"}


class _Bilingual(str):
    """An error's text: both languages in str() (logs, the tests of this module), and each
    one apart (`ja`, `en`) for `said_in`, which a reader is shown."""

    ja: str
    en: str

    def __new__(cls, ja: str, en: str):
        text = super().__new__(cls, f"{ja} / {en}")
        text.ja, text.en = ja, en
        return text


def _bilingual(ja: str, en: str) -> str:
    return _Bilingual(ja, en)


def said_in(error: Exception, language: str | None) -> str:
    """A ValueError or TypeError of this module in one language (Japanese unless `language`
    is another one); any other error as str()."""
    text = error.args[0] if len(error.args) == 1 else None
    if not isinstance(text, _Bilingual):
        return str(error)
    return text.ja if not language or language.startswith("ja") else text.en


# --- values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One yearly value (planned, actual, baseline or target) in one of VALUE_STATES."""

    state: str
    number: Decimal | None = None
    text: str = ""

    def __post_init__(self):
        # Refuse inconsistent combinations so every Value means exactly one thing.
        if self.state not in VALUE_STATES:
            raise ValueError(_bilingual(f"不明な値の状態です: {self.state!r}", f"unknown value state {self.state!r}"))
        if self.state == NUMBER:
            if not isinstance(self.number, Decimal) or not self.number.is_finite():
                raise ValueError(
                    _bilingual(
                        f"数値の値には有限の Decimal が必要です: {self.number!r}",
                        f"a number value needs a finite Decimal, got {self.number!r}",
                    )
                )
        elif self.number is not None:
            raise ValueError(_bilingual("数値以外の状態に数値は持てません", f"state {self.state!r} cannot carry a number"))
        if (self.state == TEXT) != bool(self.text):
            raise ValueError(_bilingual("テキストは状態 text のときだけ必要です", "text is required for, and only for, state 'text'"))

    @classmethod
    def of(cls, x) -> Value:
        """Read a raw cell: numbers, None, 「－」, 「…」 or other text."""
        if isinstance(x, Value):
            return x
        if x is None:
            return cls(EMPTY)
        if isinstance(x, bool):  # an int subclass, but never a measurement
            raise TypeError(_bilingual(f"真偽値は値になりません: {x!r}", f"a bool is not a value: {x!r}"))
        if isinstance(x, Decimal):
            return cls(NUMBER, _finite(x))
        if isinstance(x, int):
            return cls(NUMBER, Decimal(x))
        if isinstance(x, float):
            # repr gives the shortest round-tripping digits: 0.1 -> 0.1, 2500.0 -> 2500.0.
            return cls(NUMBER, _finite(Decimal(repr(x))))
        if isinstance(x, str):
            return cls._of_str(x)
        raise TypeError(_bilingual(f"値として読めない型です: {type(x).__name__}", f"cannot read a value from {type(x).__name__}"))

    @classmethod
    def _of_str(cls, x: str) -> Value:
        stripped = x.strip()
        # NFKC folds full-width digits, commas and 「－」, which spreadsheets are full of.
        s = "".join(unicodedata.normalize("NFKC", stripped).split())
        if not s:
            return cls(EMPTY)
        if s in _DASHES:
            return cls(NOT_APPLICABLE)
        if len(s) >= 2 and set(s) <= _ELLIPSIS_CHARS:
            return cls(NOT_SET)
        sign = _SIGNS.get(s[0])
        digits = s if sign is None else s[1:]
        if _UNSIGNED_NUMBER_RE.fullmatch(digits):
            return cls(NUMBER, Decimal((sign or "") + digits.replace(",", "")))
        return cls(TEXT, text=stripped)

    @property
    def is_number(self) -> bool:
        return self.state == NUMBER

    def display(self) -> str:
        """As a report prints it: 12,345 / 2,500.0 / － / … / the text / ''."""
        if self.state == NUMBER:
            # 'f' never uses exponents and keeps the stored decimals (2500.0 stays 2500.0).
            return format(self.number, ",f")
        if self.state == NOT_APPLICABLE:
            return NOT_APPLICABLE_MARK
        if self.state == NOT_SET:
            return NOT_SET_MARK
        return self.text


def _finite(d: Decimal) -> Decimal:
    if not d.is_finite():
        raise ValueError(_bilingual(f"有限の数値ではありません: {d!r}", f"not a finite number: {d!r}"))
    return d


def _number(x) -> Fraction | None:
    v = Value.of(x)
    return Fraction(v.number) if v.is_number else None


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(
            _bilingual(
                f"不明な方向です: {direction!r}（{', '.join(DIRECTIONS)}）",
                f"unknown direction {direction!r} (expected one of {', '.join(DIRECTIONS)})",
            )
        )


def _tolerance(tolerance) -> Fraction:
    t = _number(tolerance)
    if t is None:
        return Fraction(0)
    if t < 0:
        raise ValueError(_bilingual(f"許容幅は 0 以上です: {tolerance}", f"tolerance must not be negative: {tolerance}"))
    return t


def _round(q: Fraction, places: int) -> Decimal:
    """Round half-up (away from zero on ties) to ``places`` decimals, exactly."""
    scaled = abs(q) * 10**places
    units = int(scaled + Fraction(1, 2))  # int() floors non-negative Fractions
    if q < 0 and units:
        units = -units  # no "-0.0": a rate that rounds to zero is zero
    return Decimal(f"{units}E-{places}")


def _round_trimmed(q: Fraction, places: int = 4) -> Decimal:
    """Round to at most ``places`` decimals and drop trailing zeros, never using exponents."""
    d = _round(q, places)
    sign, digits, exponent = d.as_tuple()
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    if exponent < 0 and digits == (0,):
        exponent = 0
    return Decimal((sign, digits, exponent))


# --- rates and grades ----------------------------------------------------------------------


def _up_ratio(actual: Fraction, planned: Fraction, baseline: Fraction | None) -> Fraction:
    """Achievement ratio (1 = 100 %) when higher is better. Total: never divides by zero."""
    if baseline is not None:
        if planned == baseline:
            # No distance to travel: met or not met.
            return Fraction(1 if actual >= planned else 0)
        return (actual - baseline) / (planned - baseline)
    if planned > 0:
        return actual / planned
    if planned == 0:
        return Fraction(1 if actual >= 0 else 0)
    # A negative plan (e.g. "lose at most 100 residents"): less negative is better, so the
    # ratio of magnitudes |planned| / |actual|. At or above zero the plan is beaten and the
    # ratio is unbounded, so call it met rather than report an infinite rate.
    if actual < 0:
        return planned / actual
    return Fraction(1)


def achievement_rate(*, actual, planned, direction: str, baseline=None, tolerance=None) -> Decimal | None:
    """Achievement rate in percent (Decimal("95.0")), or None when it cannot be evaluated.

    ``actual``, ``planned`` and ``baseline`` are Values or raw cells (see Value.of). Only
    when both actual and planned are numbers is there a rate; a non-numeric baseline
    means "no baseline". ``tolerance`` (indicator's unit, default 0) is used by MAINTAIN,
    which ignores the baseline.

    DOWN is UP on negated values: with a baseline that is the same formula, and without
    one it is planned / actual for positive values, and 100 when actual is at or below
    zero with a plan at or above it (the ratio would be unbounded).
    """
    _check_direction(direction)
    a, p = _number(actual), _number(planned)
    if a is None or p is None:
        return None
    if direction == MAINTAIN:
        tol = _tolerance(tolerance)
        deviation = abs(a - p)
        if deviation <= tol:
            ratio = Fraction(1)
        elif p != 0:
            # Lose one percentage point per 1 % of |planned| outside the band, floor at 0.
            ratio = max(Fraction(0), 1 - (deviation - tol) / abs(p))
        else:
            ratio = Fraction(0)
        return _round(ratio * 100, 1)
    b = _number(baseline)
    if direction == DOWN:
        a, p, b = -a, -p, (None if b is None else -b)
    return _round(_up_ratio(a, p, b) * 100, 1)


@dataclass(frozen=True)
class GradeBand:
    """A grade and the lowest rate (percent) that earns it."""

    grade: str
    min_rate: Decimal

    def __post_init__(self):
        if not isinstance(self.grade, str) or not self.grade.strip():
            raise ValueError(_bilingual(f"評価区分の名前が空です: {self.grade!r}", f"grade must be a non-empty str, got {self.grade!r}"))
        rate = self.min_rate
        if not isinstance(rate, Decimal):
            if isinstance(rate, bool) or not isinstance(rate, (int, str)):
                raise TypeError(_bilingual(f"下限値は Decimal で指定してください: {rate!r}", f"min_rate must be a Decimal, got {rate!r}"))
            rate = Decimal(rate)
        if rate.is_nan():
            raise ValueError(_bilingual("下限値が NaN です", "min_rate is NaN"))
        object.__setattr__(self, "min_rate", rate)


DEFAULT_BANDS = (
    GradeBand("A", Decimal("100")),
    GradeBand("B", Decimal("80")),
    GradeBand("C", Decimal("-Infinity")),
)


def validate_bands(bands: Iterable[GradeBand]) -> tuple[GradeBand, ...]:
    """Check bands are usable and return them as a tuple; ValueError otherwise.

    Bands must be non-empty, strictly descending by min_rate (an equal bound would make the
    lower band unreachable), with unique grades none of which is 「－」 (評価不能).
    """
    bands = tuple(bands)
    if not bands:
        raise ValueError(_bilingual("評価区分がありません", "no grade bands"))
    for band in bands:
        if not isinstance(band, GradeBand):
            raise TypeError(_bilingual(f"GradeBand ではありません: {band!r}", f"not a GradeBand: {band!r}"))
        if unicodedata.normalize("NFKC", band.grade.strip()) == "-":
            raise ValueError(
                _bilingual(
                    f"「{NOT_EVALUABLE}」は評価不能用のため区分名に使えません",
                    f"{NOT_EVALUABLE!r} is reserved for 'not evaluable' and cannot name a band",
                )
            )
    grades = [band.grade for band in bands]
    if len(set(grades)) != len(grades):
        raise ValueError(_bilingual(f"評価区分の名前が重複しています: {grades}", f"duplicate grades: {grades}"))
    for higher, lower in zip(bands, bands[1:]):
        if not higher.min_rate > lower.min_rate:
            raise ValueError(
                _bilingual(
                    f"評価区分は下限値の高い順に並べてください: {higher.grade} ({higher.min_rate}) → {lower.grade} ({lower.min_rate})",
                    f"bands must be sorted by min_rate, highest first: {higher.grade} ({higher.min_rate}) before {lower.grade} ({lower.min_rate})",
                )
            )
    return bands


def bands_from_json(items) -> tuple[GradeBand, ...]:
    """The one parser of grade bands in their stored form, highest first:
    [{"grade": "A", "min_rate": "100"}, ...] (Strategy.grade_bands, the data export's
    grade_bands cell once decoded). Returns them validated as validate_bands does; ValueError
    (in Japanese and English) for anything else, so callers catch one exception."""
    if not isinstance(items, (list, tuple)):
        raise ValueError(_bilingual("評価区分は一覧（配列）で指定してください", f"grade bands must be a list, got {items!r}"))
    bands = []
    for item in items:
        if not isinstance(item, dict) or "grade" not in item or "min_rate" not in item:
            raise ValueError(
                _bilingual(f"評価区分には grade と min_rate が必要です: {item!r}", f"a grade band needs grade and min_rate: {item!r}")
            )
        raw = item["min_rate"]
        try:
            min_rate = Decimal(str(raw))
        except ArithmeticError:
            raise ValueError(_bilingual(f"下限値が数値ではありません: {raw!r}", f"min_rate is not a number: {raw!r}")) from None
        bands.append(GradeBand(str(item["grade"]), min_rate))
    return validate_bands(bands)


def bands_to_json(bands: Iterable[GradeBand]) -> list[dict[str, str]]:
    """The stored form bands_from_json reads: rates as strings so no float rounding creeps in."""
    return [{"grade": band.grade, "min_rate": str(band.min_rate)} for band in bands]


def grade(rate: Decimal | None, bands: Iterable[GradeBand] = DEFAULT_BANDS) -> str:
    """The grade for a rate: the first band whose min_rate <= rate; 「－」 for None.

    A rate below every band gets the lowest band: it was evaluated, just poorly, so it
    must not look like 評価不能.
    """
    bands = validate_bands(bands)
    if rate is None:
        return NOT_EVALUABLE
    for band in bands:
        if band.min_rate <= rate:
            return band.grade
    return bands[-1].grade


def grade_distribution(grades: Iterable[str | None], bands: Iterable[GradeBand] = DEFAULT_BANDS) -> dict[str, int]:
    """Count per grade: every band's grade in band order, then 「－」, zero-filled.

    None counts as 「－」 (a row never graded). A grade no band defines raises ValueError,
    because it means the grades were made with other bands and the counts would be wrong.
    """
    bands = validate_bands(bands)
    counts = {band.grade: 0 for band in bands}
    counts[NOT_EVALUABLE] = 0
    for g in grades:
        key = NOT_EVALUABLE if g is None else g
        if key not in counts:
            raise ValueError(
                _bilingual(
                    f"評価区分にない評価です: {g!r}（{', '.join(counts)}）",
                    f"grade {g!r} is not one of the bands ({', '.join(counts)})",
                )
            )
        counts[key] += 1
    return counts


def grade_shares(grades: Iterable[str | None], bands: Iterable[GradeBand] = DEFAULT_BANDS) -> dict[str, Decimal]:
    """Percent of all grades per grade (0.1 precision, half-up), keyed like grade_distribution.

    Each share is rounded on its own, so the shares may sum to 99.9 or 100.1: a reported
    「A の割合」 must be the true share, not one nudged to make a column add up.
    """
    counts = grade_distribution(grades, bands)
    total = sum(counts.values())
    if not total:
        return {g: Decimal("0.0") for g in counts}
    return {g: _round(Fraction(n * 100, total), 1) for g, n in counts.items()}


# --- final target, expected path and trend -------------------------------------------------


@dataclass(frozen=True)
class FinalTarget:
    """An indicator's final target (最終目標): always a number, with its fiscal year."""

    fiscal_year: int
    value: Value  # state NUMBER; keeps the places as entered
    from_plan: bool  # True: no separate target is set, the plan's planned value stands in

    @property
    def number(self) -> Decimal:
        return self.value.number


def final_target(*, target=None, target_fiscal_year: int | None = None, planned: Mapping[int, object],
                 last_fiscal_year: int | None = None) -> FinalTarget | None:
    """The one rule for an indicator's final target, shown alike by the entry grid and the dashboards.

    An explicit target (the indicator's target value and fiscal year) wins. Otherwise the
    goal is the plan's own planned value for its last year that has a number (Sasebo prints
    no separate target: the R9 plan is the goal): a last year marked 「…」 (not yet set) or
    「－」 (not applicable) or holding text is skipped for the latest earlier year with a
    number, because a target must be a number to compare against. `planned` maps fiscal year
    to planned value (a Value or a raw cell); years after `last_fiscal_year` (the plan's last)
    are not the plan's and are ignored. None when there is no number at all.
    """
    target = Value.of(target)
    if target.is_number and target_fiscal_year is not None:
        return FinalTarget(target_fiscal_year, target, from_plan=False)
    for fiscal_year in sorted(planned, reverse=True):
        if last_fiscal_year is not None and fiscal_year > last_fiscal_year:
            continue
        value = Value.of(planned[fiscal_year])
        if value.is_number:
            return FinalTarget(fiscal_year, value, from_plan=True)
    return None



def expected_value(*, baseline_value, baseline_fiscal_year: int | None, target_value, target_fiscal_year: int | None, fiscal_year: int | None) -> Decimal | None:
    """The expected path (期待値): the straight line from baseline to target, read at fiscal_year.

    None when a value is not a number, a fiscal year is missing, target_fiscal_year is not
    after baseline_fiscal_year, or fiscal_year is outside them. The end points return the
    stored values unchanged; years between are rounded half-up to at most 4 decimals.
    """
    base, target = Value.of(baseline_value), Value.of(target_value)
    if not (base.is_number and target.is_number):
        return None
    if baseline_fiscal_year is None or target_fiscal_year is None or fiscal_year is None:
        return None
    if target_fiscal_year <= baseline_fiscal_year:
        return None
    if not baseline_fiscal_year <= fiscal_year <= target_fiscal_year:
        return None
    if fiscal_year == baseline_fiscal_year:
        return base.number
    if fiscal_year == target_fiscal_year:
        return target.number
    b, t = Fraction(base.number), Fraction(target.number)
    progress = Fraction(fiscal_year - baseline_fiscal_year, target_fiscal_year - baseline_fiscal_year)
    return _round_trimmed(b + (t - b) * progress)


def project_trend(points: Iterable[tuple[int, object]], target_fiscal_year: int) -> Decimal | None:
    """Least-squares straight line through (fiscal_year, actual) points, read at target_fiscal_year.

    Values may be Values or raw cells; non-numbers (「－」, 「…」, empty) are skipped, so a
    row of yearly actuals can be passed as is. None unless at least two distinct fiscal
    years have numbers. Rounded half-up to at most 4 decimals.
    """
    xs: list[int] = []
    ys: list[Fraction] = []
    for fiscal_year, value in points:
        y = _number(value)
        if y is not None:
            xs.append(fiscal_year)
            ys.append(y)
    if len(set(xs)) < 2:
        return None
    n = len(xs)
    mean_x = Fraction(sum(xs), n)
    mean_y = sum(ys, Fraction(0)) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return _round_trimmed(mean_y + slope * (target_fiscal_year - mean_x))


def will_reach_target(*, projected, target, direction: str, tolerance=None) -> bool | None:
    """Whether a projected value meets the target for the direction; None if either is not a number.

    UP: projected >= target; DOWN: projected <= target; MAINTAIN: within ``tolerance``
    (indicator's unit, default 0) of the target.
    """
    _check_direction(direction)
    p, t = _number(projected), _number(target)
    if p is None or t is None:
        return None
    if direction == UP:
        return p >= t
    if direction == DOWN:
        return p <= t
    return abs(p - t) <= _tolerance(tolerance)
