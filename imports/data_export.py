"""dxplan's own data export read back (docs/data-export.md): sheets 計画 and データ.

Rows of one indicator (one per fiscal year) are read together into one record; the
project, measure and basic policy columns repeat on every row and must agree. The layout is
imports.export_contract's: the columns it marks as computed or informative (IGNORED) are not
read. Text cells the exporter escaped against formula injection (a leading apostrophe before
= + - @, tab or CR) are unescaped. The template a clerk fills in (imports/template.py) has the
same columns headed in Japanese (HEADINGS_JA) with Japanese choices (`choice_words`): both read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils import translation

from imports import values
from imports.cells import RowReader, is_blank_row
from imports.export_contract import (
    CHOICES_JA,
    DATA_SHEET,
    ESCAPE,
    FORMULA_TRIGGERS,
    HEADINGS,
    HEADINGS_JA,
    HEADINGS_WITHOUT_VERSION,
    STRATEGY_INFORMATIVE,
    STRATEGY_KEYS,
    STRATEGY_KEYS_JA,
    STRATEGY_SHEET,
    VERSION,
)
from imports.headers import Column, Header, Spec
from imports.problems import Problem, Problems
from imports.records import IndicatorRecord, Item, NodeRef, ProjectRecord, StepRef, StrategyRecord, ValueRecord
from kpis.models import Direction, EntryStatus, IndicatorKind
from plans import achievement

SPEC = Spec(key="data_export", ja="dxplan のデータ出力", en="dxplan data export", plain={}, grouped={}, required=(),
            expected_ja="1行目に " + ", ".join(HEADINGS), expected_en="row 1: " + ", ".join(HEADINGS))


def unescape(raw):
    if isinstance(raw, str) and len(raw) > 1 and raw[0] == ESCAPE and raw[1] in FORMULA_TRIGGERS:
        return raw[1:]
    return raw


def text(raw, **kwargs) -> str:
    return values.read_text(unescape(raw), **kwargs)


def is_data_export(book) -> bool:
    return book.sheet(DATA_SHEET) is not None and book.sheet(STRATEGY_SHEET) is not None


def choice_words(name: str) -> dict[str, str]:
    """code → the Japanese word of the template's drop-down, for indicator_kind, direction and
    status (the entry statuses' Japanese labels)."""
    if name == "status":
        with translation.override("ja"):
            return {value: str(label) for value, label in EntryStatus.choices}
    return dict(CHOICES_JA[name])


def header_of(first_row: list) -> Header | None:
    """The current layout in keys or in the template's Japanese headings, or that of exports
    made before the version column."""
    for layout in (HEADINGS, HEADINGS_WITHOUT_VERSION):
        found = tuple(values.read_text(cell) for cell in first_row[:len(layout)])
        printed = tuple(HEADINGS_JA[key] for key in layout)
        if found in (layout, printed):
            break
    else:
        return None
    columns = [Column(i, heading, name) for i, (name, heading) in enumerate(zip(layout, found, strict=True))]
    return Header(SPEC, DATA_SHEET, 1, columns, by_field={c.field: c for c in columns})


def _choice(choices, name: str):
    """A reader of a choice column: the code, or its Japanese word from the template."""
    codes = {word: code for code, word in choice_words(name).items()}

    def read(raw):
        value = text(raw)
        value = codes.get(value, value)
        if value not in choices:
            words = [choice_words(name).get(c, c) for c in choices if c]
            raise values.CellError("not_a_choice", f"次のいずれかを入力してください: {'、'.join(words)}",
                                   f"Enter one of: {', '.join(c for c in choices if c)}")
        return value
    return read


def _flag(raw) -> bool:
    return values.read_flag(text(raw))


_STRATEGY_KEYS_BY_WORD = {word: key for key, word in STRATEGY_KEYS_JA.items()}


def read_strategy(sheet, problems: Problems) -> StrategyRecord:
    """The 計画 sheet: key in column A, value in column B."""
    record, found = StrategyRecord(), {}
    for number, cells in sheet.rows():
        key = values.read_text(cells[0]) if cells else ""
        key = _STRATEGY_KEYS_BY_WORD.get(key, key)
        if key in STRATEGY_KEYS:
            found[key] = (number, cells[1] if len(cells) > 1 else None)
    for key, (number, raw) in found.items():
        try:
            _strategy_value(record, key, raw)
        except (values.CellError, ValueError, TypeError, KeyError) as error:
            ja, en = (error.ja, error.en) if isinstance(error, values.CellError) else ("値が読めません。", str(error))
            problems.add(Problem("bad_strategy_value", ja, en, sheet=sheet.title, row=number, column="B", heading=key,
                                 value=values.display(raw)))
    return record


def _strategy_value(record: StrategyRecord, key: str, raw):
    if key == "strategy_code":
        record.values["code"] = text(raw)
    elif key in ("municipality_code", "municipality_name"):
        setattr(record, key, text(raw))
    elif key in ("first_fiscal_year", "last_fiscal_year"):
        record.values[key] = values.read_int(raw)
    elif key in ("manager_review", "dx_review"):
        record.values[key] = _flag(raw)
    elif key == "grade_bands":
        bands = json.loads(text(raw))
        achievement.bands_from_json(bands)  # the same parser (and messages) as Strategy.bands()
        record.values[key] = bands
    elif key not in STRATEGY_INFORMATIVE:
        record.values[key] = text(raw)


def read(sheet, header: Header, rows: Iterator[tuple[int, list]], problems: Problems) -> Iterator[Item]:
    current, project_signature, done = None, None, set()
    for number, cells in rows:
        if is_blank_row(cells):
            continue
        row = RowReader(header, problems, number, cells)
        code = row.read("indicator_code", text, default="")
        if not code:
            row.problem("indicator_code_missing", "indicator_code が空欄です。", "indicator_code is blank.",
                        column=header.by_field["indicator_code"], raw=None)
            continue
        if current is None or code != current.indicator.code:
            if current is not None:
                yield current
                done.add(current.indicator.code)
            if code in done:
                row.problem("indicator_rows_apart", f"指標「{code}」の行が連続していません。",
                            f"The rows of indicator {code!r} are not together.", raw=code)
            project = _project(row)
            current, project_signature = Item(project=project, indicator=_indicator(row, code)), (
                project.signature() if project else None)
        else:
            project = _project(row)
            if (project.signature() if project else None) != project_signature or _indicator(row, code).fields != current.indicator.fields:
                row.problem("indicator_rows_differ", f"指標「{code}」の行どうしで事業・指標の内容が異なります。",
                            f"The rows of indicator {code!r} disagree on the project or indicator columns.")
        _value(row, current.indicator)
    if current is not None:
        yield current


def _node(row, prefix) -> NodeRef | None:
    code, title = row.read(f"{prefix}_code", text, default=""), row.read(f"{prefix}_title", text, default="")
    return NodeRef(code, title) if (code or title) else None


def _project(row: RowReader) -> ProjectRecord | None:
    order = row.read("project_order", lambda raw: values.read_int(unescape(raw)))
    if order is None:
        return None
    step_order = row.read("step_order", lambda raw: values.read_int(unescape(raw)))
    step = None
    if step_order is not None:
        step = StepRef(row.read("step_code", text, default=""), row.read("step_title", text, default=""), step_order)
    return ProjectRecord(
        where=row.where, order=order,
        fields={"code": row.read("project_code", text, default=""), "name": row.read("project_name", text, default=""),
                "leading": row.read("project_leading", _flag, default=False)},
        policy=_node(row, "basic_policy"), measure=_node(row, "measure"), step=step,
        lead_department=row.read("project_lead_department", text, default=""),
    )


def _decimal(raw):
    return values.read_decimal(unescape(raw))


def _indicator(row: RowReader, code: str) -> IndicatorRecord:
    fields = {
        "name": row.read("indicator_name", text, default=""),
        "order": row.read("indicator_order", lambda raw: values.read_int(unescape(raw), blank=0), default=0),
        "unit": row.read("unit", text, default=""),
        "direction": row.read("direction", _choice(Direction.values, "direction"), default=achievement.UP),
        "tolerance": row.read("tolerance", _decimal, default=(None, 0))[0],
        "cumulative": row.read("cumulative", _flag, default=False),
        "formula": row.read("formula", text, default=""),
        "data_source": row.read("data_source", text, default=""),
        "note": row.read("indicator_note", text, default=""),
    }
    for prefix in ("baseline", "target"):
        number, places = row.read(f"{prefix}_value", _decimal, default=(None, 0))
        fields[f"{prefix}_value"], fields[f"{prefix}_places"] = number, places
        fields[f"{prefix}_fiscal_year"] = row.read(f"{prefix}_fiscal_year", lambda raw: values.read_int(unescape(raw)))
    project_order = row.read("project_order", lambda raw: values.read_int(unescape(raw)))
    return IndicatorRecord(
        where=row.where, code=code, kind=row.read("indicator_kind", _choice(IndicatorKind.values, "indicator_kind"), default=IndicatorKind.KPI),
        fields=fields, project_order=project_order,
        policy=None if project_order is not None else _node(row, "basic_policy"),
        measure=None if project_order is not None else _node(row, "measure"),
        responsible_department=row.read("responsible_department", text, default=""),
    )


def _value(row: RowReader, indicator: IndicatorRecord):
    fiscal_year = row.read("fiscal_year", lambda raw: values.read_int(unescape(raw)))
    if fiscal_year is None:
        row.problem("fiscal_year_missing", "fiscal_year が空欄です。", "fiscal_year is blank.",
                    column=row.header.by_field["fiscal_year"], raw=None)
        return
    if fiscal_year in indicator.values:
        row.problem("fiscal_year_twice", f"指標「{indicator.code}」の {fiscal_year} 年度が2行あります。",
                    f"Indicator {indicator.code!r} has two rows for fiscal year {fiscal_year}.", raw=fiscal_year)
        return
    # No version (a blank cell, or an export older than the column): as if nothing was stored then.
    record = ValueRecord(where=row.where, version=row.read(VERSION, lambda raw: values.read_int(unescape(raw), blank=0),
                                                           default=0))
    for side in ("planned", "actual"):
        result = row.read(side, lambda raw: values.read_value(unescape(raw)))
        if result is not None and result[0].state != achievement.EMPTY:
            setattr(record, side, result[0])
    # A blank cell keeps what is stored: it never wipes a comment.
    record.comment = row.read("comment", text, default="") or None
    record.note = row.read("value_note", text, default="") or None
    status = row.read("status", _choice(EntryStatus.values + [""], "status"), default="")
    record.status = status or None
    indicator.values[fiscal_year] = record
