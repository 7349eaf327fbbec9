"""Fiscal years (年度): the one place that converts them, both ways.

Japanese municipalities plan, budget and report by fiscal year, 1 April to 31 March.
In code a fiscal year is an ``int``: the calendar year in which it starts, so
FY2025 = 令和7年度 = R7 = 2025-04-01 … 2026-03-31.

Plans write fiscal years in many ways (令和7年度, R7, 2025年度, FY2025, full-width digits,
平成 baselines), so labels are parsed and rendered only here. Era rules follow
government practice rather than the calendar:

- the era of a fiscal year is the era in force on its 1 April (FY1989 = 平成元年度,
  because 平成 began on 1989-01-08);
- except FY2019, which is called 令和元年度 although 1 April 2019 was still 平成31年;
  「平成31年度」 is still read as FY2019, because documents written before May 2019 use it;
- the first year of an era is 元 (令和元年度, R元), never 1.

昭和 is supported from 昭和2年度 (FY1927; FY1926 began under 大正); older eras are not.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

__all__ = [
    "FIRST_MONTH",
    "MAX_FISCAL_YEAR",
    "MIN_FISCAL_YEAR",
    "FiscalYearError",
    "bounds",
    "current_fiscal_year",
    "display_label",
    "english_label",
    "era_label",
    "fiscal_year_choices",
    "fiscal_year_of",
    "fiscal_years_between",
    "parse_fiscal_year",
    "short_label",
    "western_label",
]

FIRST_MONTH = 4  # 年度 starts on 1 April.

# Years parse_fiscal_year accepts; anything outside is far more likely a typo than a plan.
MIN_FISCAL_YEAR = 1900
MAX_FISCAL_YEAR = 2200


class FiscalYearError(ValueError):
    """A fiscal year label that cannot be read, or a fiscal year no era covers. `ja` and `en`
    say why; str() holds both (logs), `message(language)` the reader's one."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en

    def message(self, language: str | None) -> str:
        return self.ja if not language or language.startswith("ja") else self.en


class _Era:
    __slots__ = ("name", "romaji", "letter", "offset", "first_fiscal_year", "last_year_number")

    def __init__(self, name, romaji, letter, offset, first_fiscal_year, last_year_number=None):
        self.name = name  # 令和
        self.romaji = romaji  # Reiwa, for the English half of messages
        self.letter = letter  # R
        self.offset = offset  # fiscal_year = offset + year number
        self.first_fiscal_year = first_fiscal_year
        # Highest year number a label may carry (平成31年度 exists in print); None = open.
        self.last_year_number = last_year_number

    @property
    def first_year_number(self) -> int:
        return self.first_fiscal_year - self.offset


# Newest first, so the first era whose first fiscal year is <= fiscal_year is the one.
_ERAS = (
    _Era("令和", "Reiwa", "R", 2018, 2019),
    # FY2019 is 令和元年度 when we write, but 平成31年度 is read as FY2019.
    _Era("平成", "Heisei", "H", 1988, 1989, last_year_number=31),
    # 昭和元年 was one week of December 1926, so there is no 昭和元年度; 昭和64年度 neither.
    _Era("昭和", "Showa", "S", 1925, 1927, last_year_number=63),
)
_ERAS_BY_KEY = {key: era for era in _ERAS for key in (era.name, era.letter)}

_EXAMPLES_JA = "例: 令和7年度, R7, 2025年度, FY2025"
_EXAMPLES_EN = "e.g. 令和7年度, R7, 2025年度, FY2025"


def _check_int(fiscal_year) -> int:
    # bool is an int subclass; True as a fiscal year is always a bug.
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool):
        raise TypeError(
            f"年度は整数で指定してください: {fiscal_year!r} / "
            f"fiscal_year must be an int, got {fiscal_year!r}"
        )
    return fiscal_year


# --- dates ---------------------------------------------------------------------------------


def fiscal_year_of(d: datetime.date) -> int:
    """The fiscal year a date falls in: January–March belong to the previous one."""
    return d.year if d.month >= FIRST_MONTH else d.year - 1


def bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a fiscal year: (1 April, 31 March of the next year)."""
    _check_int(fiscal_year)
    return (
        datetime.date(fiscal_year, FIRST_MONTH, 1),
        datetime.date(fiscal_year + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1),
    )


def current_fiscal_year(today: datetime.date | None = None) -> int:
    """The fiscal year of ``today``.

    Without an argument this uses the process's local date; Django callers should pass
    ``timezone.localdate()`` so the year turns over at midnight Japan time, not UTC.
    """
    return fiscal_year_of(today if today is not None else datetime.date.today())


def fiscal_years_between(first: int, last: int) -> list[int]:
    """Every fiscal year from ``first`` to ``last``, both included."""
    _check_int(first)
    _check_int(last)
    if first > last:
        raise ValueError(
            f"開始年度が終了年度より後です: {first} > {last} / "
            f"first fiscal year {first} is after last fiscal year {last}"
        )
    return list(range(first, last + 1))


# --- labels --------------------------------------------------------------------------------


def _era_of(fiscal_year: int) -> tuple[_Era, int]:
    _check_int(fiscal_year)
    for era in _ERAS:
        if fiscal_year >= era.first_fiscal_year:
            return era, fiscal_year - era.offset
    raise FiscalYearError(
        f"昭和2年度（1927年度）より前の年度には元号表記がありません: {fiscal_year}",
        f"No era label for fiscal year {fiscal_year}; eras before 昭和 are not supported"
    )


def _era_number(number: int) -> str:
    return "元" if number == 1 else str(number)


def era_label(fiscal_year: int) -> str:
    """令和7年度, 令和元年度, 平成30年度."""
    era, number = _era_of(fiscal_year)
    return f"{era.name}{_era_number(number)}年度"


def short_label(fiscal_year: int) -> str:
    """R7, R元, H30: the abbreviation plans use in table headers."""
    era, number = _era_of(fiscal_year)
    return f"{era.letter}{_era_number(number)}"


def western_label(fiscal_year: int) -> str:
    """2025年度."""
    return f"{_check_int(fiscal_year)}年度"


def english_label(fiscal_year: int) -> str:
    """FY2025."""
    return f"FY{_check_int(fiscal_year)}"


def display_label(fiscal_year: int) -> str:
    """令和7年度 (2025年度): the UI's default, readable by staff used to either system."""
    return f"{era_label(fiscal_year)} ({western_label(fiscal_year)})"


def fiscal_year_choices(first: int, last: int) -> list[tuple[int, str]]:
    """(fiscal_year, display_label) pairs for a select box, oldest first."""
    return [(fy, display_label(fy)) for fy in fiscal_years_between(first, last)]


# --- parsing -------------------------------------------------------------------------------

# Applied after NFKC, upper-casing and removing all whitespace, so 'ｒ ７ 年度' is 'R7年度'.
# [0-9], not \d: \d also matches Arabic-Indic and other digits NFKC leaves alone.
_ERA_RE = re.compile(r"(?P<era>令和|平成|昭和|[RHS])(?P<number>元|[0-9]+)(?:年度)?")
_WESTERN_RE = re.compile(r"(?:FY)?(?P<year>[0-9]{4})|(?P<year_ja>[0-9]{4})年度")
# display_label's own form, so every label this module writes can be read back.
_BOTH_RE = re.compile(r"(?P<first>[^()]+)\((?P<second>[^()]+)\)")


def _error(text: str, detail_ja: str = _EXAMPLES_JA, detail_en: str = _EXAMPLES_EN):
    return FiscalYearError(
        f"年度を読み取れません: {text!r}（{detail_ja}）",
        f"Cannot read fiscal year {text!r} ({detail_en})"
    )


def _parse_normalized(text: str, s: str) -> int:
    if m := _ERA_RE.fullmatch(s):
        era = _ERAS_BY_KEY[m["era"]]
        number = 1 if m["number"] == "元" else int(m["number"])
        last = era.last_year_number
        if number < era.first_year_number or (last is not None and number > last):
            upto = f"{last}年度まで" if last is not None else ""
            raise _error(
                text,
                f"{era.name}は{_era_number(era.first_year_number)}年度から{upto}",
                f"{era.romaji} years run from {era.first_year_number}"
                + (f" to {last}" if last is not None else ""),
            )
        fiscal_year = era.offset + number
    elif m := _WESTERN_RE.fullmatch(s):
        fiscal_year = int(m["year"] or m["year_ja"])
    else:
        raise _error(text)
    if not MIN_FISCAL_YEAR <= fiscal_year <= MAX_FISCAL_YEAR:
        raise _error(
            text,
            f"{MIN_FISCAL_YEAR}〜{MAX_FISCAL_YEAR}年度の範囲で指定してください",
            f"must be between {MIN_FISCAL_YEAR} and {MAX_FISCAL_YEAR}",
        )
    return fiscal_year


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year label as users and plans write it.

    Accepts 令和7年度, 令和元年度, R7, R7年度, R元, H30, 平成30年度, 平成31年度 (= 2019),
    S63, 2025年度, FY2025, 2025, the 「令和7年度 (2025年度)」 display form (both halves must
    agree), in full- or half-width, any case, with any whitespace. Raises FiscalYearError
    (a ValueError) with a Japanese-then-English message otherwise.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"年度の表記は文字列で指定してください: {text!r} / "
            f"fiscal year label must be a str, got {text!r}"
        )
    # NFKC folds full-width digits and letters, ㋿/㍻ ligatures and full-width brackets.
    s = "".join(unicodedata.normalize("NFKC", text).upper().split())
    if m := _BOTH_RE.fullmatch(s):
        first = _parse_normalized(text, m["first"])
        if _parse_normalized(text, m["second"]) != first:
            raise _error(text, "括弧の内外で年度が一致しません", "the two labels disagree")
        return first
    return _parse_normalized(text, s)
