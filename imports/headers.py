"""Recognising the header of a sheet: which column holds what.

Headers may be one row or two (a group heading merged over its columns, e.g. 「プロジェクト」
over PID / 名称 / 概要, 「活動指標」 over 項目 and the years, 「工程」 over the phase years).
Merged cells arrive filled (workbook.Sheet.rows), so a group heading is in every column
it spans. Fiscal-year headings are read by plans.fiscal_years.parse_fiscal_year (R7,
令和7年度, 2025, 2025年度, FY2025 …) with an optional 予定/計画/目標 or 実績 word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from plans.fiscal_years import FiscalYearError, parse_fiscal_year

PLANNED, ACTUAL, PHASE = "planned", "actual", "phase"
SEARCH_ROWS = 15  # the header starts within the first rows of a sheet

_ACTUAL_WORDS = ("実績値", "実績")
_PLANNED_WORDS = ("予定値", "予定", "計画値", "計画", "目標値", "目標", "見込み", "見込")
_PHASE_WORDS = ("工程", "スケジュール", "フェーズ", "ロードマップ", "構築", "運用")
_AMBIGUOUS = {"名称", "番号", "コード", "NO", "NO."}  # mean something only under a group


def norm(raw) -> str:
    """Heading text compared: NFKC, no whitespace, ASCII upper-cased, brackets dropped."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper().replace("(", "").replace(")", "")


@dataclass(frozen=True)
class Spec:
    key: str
    ja: str
    en: str
    plain: dict[str, str]  # heading → field
    grouped: dict[str, dict[str, str]]  # group heading → {sub heading → field}
    required: tuple[str, ...]
    expected_ja: str  # the headings a user should have, for the refusal message
    expected_en: str
    phases: bool = False  # whether year columns under 工程 (or repeated years) are phases


@dataclass
class Column:
    index: int  # 0-based
    heading: str  # as printed (group / sub)
    field: str | None = None
    fiscal_year: int | None = None
    side: str | None = None

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class Header:
    spec: Spec
    sheet: str
    last_row: int  # data starts after this row
    columns: list[Column]
    by_field: dict[str, Column] = field(default_factory=dict)
    years: list[Column] = field(default_factory=list)

    @property
    def fiscal_years(self) -> list[int]:
        return sorted({c.fiscal_year for c in self.years})


def _year_of(text: str) -> tuple[int, str | None] | None:
    """(fiscal year, side word found) of a heading such as R7実績, 令和7年度 (予定), 2025."""
    side = None
    for words, name in ((_ACTUAL_WORDS, ACTUAL), (_PLANNED_WORDS, PLANNED)):
        for word in words:
            if word in text:
                text, side = text.replace(word, ""), name
                break
        if side:
            break
    if not text or len(text) > 12:
        return None
    try:
        return parse_fiscal_year(text), side
    except FiscalYearError:
        return None


def _side_of_group(group: str) -> str | None:
    if any(word in group for word in _PHASE_WORDS):
        return PHASE
    if any(word in group for word in _ACTUAL_WORDS):
        return ACTUAL
    if any(word in group for word in _PLANNED_WORDS):
        return PLANNED
    return None


def _label(spec: Spec, group: str, sub: str) -> tuple[str | None, int | None, str | None]:
    """(field, fiscal year, side) of a column from its normalized group and sub heading."""
    own = sub or group
    year = _year_of(own)
    if year is not None:
        group_side = _side_of_group(group) if sub else None
        side = year[1] or group_side or PLANNED
        if group_side == PHASE:
            side = PHASE if spec.phases else None
        return None, year[0], side
    if group and sub:
        # Longest group first: 「DX重点課題」 must not be taken for 「課題」.
        for group_key in sorted(spec.grouped, key=len, reverse=True):
            if group_key in group and sub in spec.grouped[group_key]:
                return spec.grouped[group_key][sub], None, None
        if sub in _AMBIGUOUS:
            return None, None, None
    return spec.plain.get(own), None, None


def _unreadable_alone(spec: Spec, row: list, above: list | None) -> set[int]:
    """Columns of a one-row reading whose heading, such as 名称, means something only under its
    group: the row above holds a group heading over it (this row is a sub-heading row, read
    with its groups by the two-row reading), or the heading recurs in the row (each under a
    different group, DX重点課題 / 課題 / プロジェクト). Read alone, the DX重点課題's 名称 would be
    taken for the project name."""
    texts = [norm(cell) for cell in row]
    unreadable = set()
    for index, text in enumerate(texts):
        if text not in _AMBIGUOUS:
            continue
        group = norm(above[index]) if above is not None and index < len(above) else ""
        if group in spec.grouped or texts.count(text) > 1:
            unreadable.add(index)
    return unreadable


def _columns(spec: Spec, upper: list, lower: list | None, above: list | None = None) -> list[Column]:
    width = max(len(upper), len(lower or ()))
    columns, seen_planned = [], set()
    unreadable = _unreadable_alone(spec, upper, above) if lower is None else set()
    for index in range(width):
        top = upper[index] if index < len(upper) else None
        bottom = lower[index] if lower is not None and index < len(lower) else None
        group, sub = norm(top), norm(bottom)
        if sub == group:  # one cell merged over both header rows
            sub = ""
        printed = " / ".join(str(x).strip() for x in (top, bottom) if x is not None and norm(x)) if sub else str(top or "").strip()
        name, fiscal_year, side = _label(spec, group, sub) if (group or sub) and index not in unreadable else (None, None, None)
        if fiscal_year is not None and side == PLANNED and spec.phases:
            # Sasebo prints R4 … R9 a second time after the values for the phase marks.
            if fiscal_year in seen_planned:
                side = PHASE
            seen_planned.add(fiscal_year)
        columns.append(Column(index, printed, name, fiscal_year, side))
    return columns


def _build(spec: Spec, sheet: str, last_row: int, columns: list[Column]) -> Header:
    header = Header(spec, sheet, last_row, columns)
    for column in columns:
        if column.field and column.field not in header.by_field:
            header.by_field[column.field] = column
        elif column.fiscal_year is not None and column.side:
            header.years.append(column)
    return header


def _score(header: Header) -> tuple[bool, int]:
    complete = all(name in header.by_field for name in header.spec.required) and bool(header.years)
    return complete, len(header.by_field) + (1 if header.years else 0)


def recognise(specs: list[Spec], sheet: str, rows: list[tuple[int, list]]) -> tuple[Header | None, Header | None]:
    """(recognised header, best partial attempt) among the first rows of a sheet.

    A two-row reading wins over a one-row one when it recognises more columns.
    """
    best, best_score = None, (False, 0)
    head = rows[:SEARCH_ROWS]
    for position, (number, upper) in enumerate(head):
        nxt = head[position + 1] if position + 1 < len(head) else None
        previous = head[position - 1] if position > 0 else None
        above = previous[1] if previous is not None and previous[0] == number - 1 else None
        candidates = [(number, None)]
        if nxt is not None and nxt[0] == number + 1:
            candidates.append((nxt[0], nxt[1]))
        for spec in specs:
            for last_row, lower in candidates:
                header = _build(spec, sheet, last_row, _columns(spec, upper, lower, above))
                score = _score(header)
                if score > best_score:
                    best, best_score = header, score
    if best is not None and best_score[0]:
        return best, best
    return None, best


def merge_hiding_headings(header: Header | None, merged: list[tuple[int, int, int, int]]) -> str | None:
    """The range (e.g. "J3:K3") of a cell merged across columns in the header's last row.

    Headings are one per column in that row (a group heading sits above it), and merging
    keeps only the first cell's text: the merge copies one heading over its neighbours and
    their own headings are lost, so a column would be read under another's heading. A merge
    over columns none of which is read (e.g. a wide 備考) hides nothing and is allowed.
    """
    if header is None:
        return None
    read = {column.index + 1 for column in header.columns if column.field or column.fiscal_year is not None}
    for min_col, min_row, max_col, max_row in merged:
        if min_row <= header.last_row <= max_row and max_col > min_col and read & set(range(min_col, max_col + 1)):
            return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    return None


def describe_found(header: Header | None) -> str:
    if header is None:
        return ""
    return "、".join(c.heading for c in header.columns if c.heading)[:300]
