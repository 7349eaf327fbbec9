"""The data export (docs/data-export.md): one row per indicator × fiscal year, XLSX or CSV.

The import reads the XLSX back, so the sheet names, keys and headings are a contract; they
live in imports.export_contract, which the import reads them from too.
Texts are written as texts (never formulas); numbers of planned/actual arrive as their
display strings so the decimals as entered survive.
"""

from __future__ import annotations

import codecs
import csv
import datetime
from collections.abc import Callable, Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from imports.export_contract import (
    DATA_SHEET,
    HEADINGS,
    REVISION_HEADINGS,
    REVISIONS_SHEET,
    STRATEGY_KEYS,
    STRATEGY_SHEET,
)
from reports.workbook.cells import SheetWriter, Styler, csv_safe, save


def build_data_xlsx(out, strategy: dict, rows: Iterable[dict], as_of: datetime.date,
                    progress: Callable[[int, int], None] | None = None, revisions: Iterable[dict] = ()) -> int:
    """Write the sheets to `out`; returns the number of data rows. `progress(done, 3)` is
    called after the 計画 sheet, the データ and 目標値の修正 sheets and the save."""
    progress = progress or (lambda done, total: None)
    workbook = Workbook(write_only=True)
    styler = Styler(workbook)
    plan = SheetWriter(workbook, styler, STRATEGY_SHEET, [22, 80])
    for key in STRATEGY_KEYS:
        plan.append([plan.text(key, "data"), _cell(plan, strategy[key])])
    plan.close()
    progress(1, 3)
    data = SheetWriter(workbook, styler, DATA_SHEET, [14] * len(HEADINGS), freeze="A2")
    data.append([data.text(h, "head") for h in HEADINGS])
    count = 0
    for row in rows:
        data.append([_cell(data, row[h]) for h in HEADINGS])
        count += 1
    data.ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{count + 1}"
    history = SheetWriter(workbook, styler, REVISIONS_SHEET, [14] * len(REVISION_HEADINGS), freeze="A2")
    history.append([history.text(h, "head") for h in REVISION_HEADINGS])
    for revision in revisions:
        history.append([_cell(history, revision[h]) for h in REVISION_HEADINGS])
    progress(2, 3)
    save(workbook, out, as_of)
    progress(3, 3)
    return count


def _cell(sheet: SheetWriter, value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return sheet.text(value, "data")
    return sheet.number(value, "data")


def build_data_csv(out, rows: Iterable[dict]) -> int:
    """The データ sheet as UTF-8 CSV with BOM (Excel reads it as UTF-8); risky texts escaped."""
    out.write(codecs.BOM_UTF8)
    text = codecs.getwriter("utf-8")(out)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    count = 0
    for row in rows:
        writer.writerow([_csv(row[h]) for h in HEADINGS])
        count += 1
    return count


def _csv(value) -> str:
    if value is None:
        return ""
    return csv_safe(value) if isinstance(value, str) else str(value)
