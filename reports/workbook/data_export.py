"""The data export (docs/data-export.md): one row per indicator × fiscal year, XLSX or CSV.

The import reads the XLSX back, so the sheet names, keys and headings are a contract.
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

from reports.workbook import labels
from reports.workbook.cells import SheetWriter, Styler, csv_safe, save

STRATEGY_KEYS = (
    "strategy_code", "municipality_code", "municipality_name", "title", "description",
    "first_fiscal_year", "last_fiscal_year", "label_basic_policy", "label_measure", "label_step",
    "label_project", "grade_bands", "manager_review", "dx_review", "as_of",
)
HEADINGS = (
    "basic_policy_code", "basic_policy_title", "measure_code", "measure_title",
    "step_order", "step_code", "step_title",
    "project_order", "project_code", "project_name", "project_leading", "project_lead_department",
    "indicator_code", "indicator_kind", "indicator_order", "indicator_name", "unit", "direction", "tolerance",
    "cumulative", "baseline_value", "baseline_fiscal_year", "target_value", "target_fiscal_year",
    "formula", "data_source", "responsible_department", "indicator_note",
    "fiscal_year", "fiscal_year_label", "planned", "actual", "comment", "value_note", "status",
    "achievement_rate", "grade", "updated_at", "updated_by",
)


def build_data_xlsx(out, strategy: dict, rows: Iterable[dict], as_of: datetime.date,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Write the two sheets to `out`; returns the number of data rows. `progress(done, 3)` is
    called after the 計画 sheet, the データ sheet and the save."""
    progress = progress or (lambda done, total: None)
    workbook = Workbook(write_only=True)
    styler = Styler(workbook)
    plan = SheetWriter(workbook, styler, labels.STRATEGY_SHEET, [22, 80])
    for key in STRATEGY_KEYS:
        plan.append([plan.text(key, "data"), _cell(plan, strategy[key])])
    plan.close()
    progress(1, 3)
    data = SheetWriter(workbook, styler, labels.DATA_SHEET, [14] * len(HEADINGS), freeze="A2")
    data.append([data.text(h, "head") for h in HEADINGS])
    count = 0
    for row in rows:
        data.append([_cell(data, row[h]) for h in HEADINGS])
        count += 1
    data.ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{count + 1}"
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
