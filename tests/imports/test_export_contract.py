"""The data export's layout has one home (imports.export_contract): the exporter, the import,
the template and docs/data-export.md all say the same thing."""

import datetime
import io
import re
from pathlib import Path

import openpyxl
from django.conf import settings

from imports import data_export, export_contract, template
from imports.export_contract import (
    COMPUTED,
    DATA_SHEET,
    HEADINGS,
    IGNORED,
    INFORMATIVE,
    READ_BACK,
    REVISION_HEADINGS,
    REVISIONS_SHEET,
    STRATEGY_INFORMATIVE,
    STRATEGY_KEYS,
    STRATEGY_SHEET,
)
from reports.workbook import build_data_csv, build_data_xlsx
from reports.workbook.cells import csv_safe

DOC = Path(settings.BASE_DIR) / "docs" / "data-export.md"
_NAME = re.compile(r"`([a-z_]+)`")


def _names(text: str) -> list[str]:
    """Backticked names outside parentheses (those hold examples such as `up`/`down`)."""
    return _NAME.findall(re.sub(r"\([^)]*\)", "", text))


def _doc_sections():
    doc = DOC.read_text(encoding="utf-8")
    strategy_part = doc.split(f"**`{STRATEGY_SHEET}` (strategy)**", 1)[1].split(f"**`{DATA_SHEET}` (values)**", 1)[0]
    table = [line for line in doc.split(f"**`{DATA_SHEET}` (values)**", 1)[1].split("\n## ", 1)[0].splitlines()
             if line.startswith("| `")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table]
    return strategy_part, rows


def test_the_documents_strategy_keys_are_the_contracts():
    strategy_part, _ = _doc_sections()
    assert tuple(_names(strategy_part)) == STRATEGY_KEYS


def test_the_documents_headings_are_the_contracts_in_order():
    _, rows = _doc_sections()
    assert tuple(name for heading, _content in rows for name in _names(heading)) == HEADINGS


def test_the_document_marks_as_ignored_exactly_the_columns_the_import_skips():
    _, rows = _doc_sections()
    ignored = tuple(name for heading, content in rows if "ignored by the import" in content
                    for name in _names(heading))
    assert ignored == IGNORED


def test_the_contract_is_consistent():
    assert len(set(HEADINGS)) == len(HEADINGS) and len(set(STRATEGY_KEYS)) == len(STRATEGY_KEYS)
    assert set(COMPUTED + INFORMATIVE) == set(IGNORED) <= set(HEADINGS)
    assert sorted(READ_BACK + IGNORED) == sorted(HEADINGS)
    assert set(STRATEGY_INFORMATIVE) <= set(STRATEGY_KEYS)
    assert STRATEGY_SHEET != DATA_SHEET


def test_the_exporter_writes_the_contracts_sheets_and_headings():
    out = io.BytesIO()
    strategy = dict.fromkeys(STRATEGY_KEYS, "x")
    build_data_xlsx(out, strategy, [dict.fromkeys(HEADINGS, "")], as_of=datetime.date(2026, 3, 31))
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == [STRATEGY_SHEET, DATA_SHEET, REVISIONS_SHEET]
    assert next(book[REVISIONS_SHEET].iter_rows(values_only=True)) == REVISION_HEADINGS
    assert tuple(row[0] for row in book[STRATEGY_SHEET].iter_rows(values_only=True)) == STRATEGY_KEYS
    assert next(book[DATA_SHEET].iter_rows(values_only=True)) == HEADINGS
    csv_out = io.BytesIO()
    build_data_csv(csv_out, [])
    assert csv_out.getvalue().decode("utf-8-sig").splitlines()[0] == ",".join(HEADINGS)


def test_the_import_recognises_the_contracts_headings_only():
    header = data_export.header_of(list(HEADINGS))
    assert header is not None and tuple(c.field for c in header.columns) == HEADINGS
    assert data_export.header_of(list(READ_BACK)) is None
    assert data_export.header_of(list(HEADINGS[:-1]) + ["someone"]) is None


def test_the_import_unescapes_what_the_exporter_escapes():
    for trigger in export_contract.FORMULA_TRIGGERS:
        text = trigger + "SUM(A1)"
        assert csv_safe(text) == export_contract.ESCAPE + text
        assert data_export.unescape(csv_safe(text)) == text


def test_the_template_has_the_contracts_layout_and_greys_the_ignored_columns():
    book = openpyxl.load_workbook(io.BytesIO(template.build(departments=[], strategy_values={})))
    # In Japanese: the 計画 keys and the データ headings as export_contract words them.
    assert (tuple(row[0] for row in book[STRATEGY_SHEET].iter_rows(values_only=True))
            == tuple(export_contract.STRATEGY_KEYS_JA[k] for k in STRATEGY_KEYS))
    head = list(book[DATA_SHEET].iter_rows(max_row=1))[0]
    assert tuple(c.value for c in head) == tuple(export_contract.HEADINGS_JA[h] for h in HEADINGS)
    assert (tuple(c.value for c in head if c.fill.fgColor.rgb.endswith("DDDDDD"))
            == tuple(export_contract.HEADINGS_JA[h] for h in IGNORED))
    assert set(export_contract.HEADINGS_JA) == set(HEADINGS)
    assert set(export_contract.STRATEGY_KEYS_JA) == set(STRATEGY_KEYS)
