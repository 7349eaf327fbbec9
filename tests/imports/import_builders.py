"""Workbooks the import tests feed in, built with openpyxl from fixtures/ (no files shipped).

- `sasebo_project_list`: fixtures/sasebo/projects.csv in the seed's layout (a title row,
  a two-row header with merged group headings, R3 / R3実績 … R9 / R9実績, phase years),
  with numbers written the ways city workbooks hold them (plain, formatted 0.0 and 0.0%,
  stored as text with thousands separators or full-width digits).
- `kpi_sheet`: fixtures/sasebo/kpis.csv as a KPI sheet.
- `data_export`: a minimal writer of docs/data-export.md (the reports exporter is not in
  the tree yet), used for the round trip.
- `save`: bytes of an openpyxl workbook.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
from django.conf import settings

from imports import export_contract
from kpis.models import Indicator, YearlyValue
from plans import fiscal_years

FIXTURES = settings.BASE_DIR / "fixtures" / "sasebo"
YEARS = range(3, 10)
PHASE_YEARS = range(4, 10)


def read_csv(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))


def _value_cell(cell, raw: str, *, percent: bool, variant: int):
    """Write one CSV value the way a city's workbook might hold it."""
    if raw == "":
        return
    if raw == "NA":
        cell.value = "－"
        return
    try:
        number = Decimal(raw)
    except ArithmeticError:
        number = None
    if number is None:
        cell.value = raw  # verbatim text: 実施済
        return
    decimals = max(0, -number.as_tuple().exponent)
    if percent:
        if variant % 3 == 0:
            cell.value = f"{raw}%"  # typed with the sign, stored as text
        else:
            cell.value = float(number / 100)
            cell.number_format = "0" + ("." + "0" * decimals if decimals else "") + "%"
    elif variant % 5 == 0 and number >= 1000:
        cell.value = f"{number:,}"  # text with thousands separators
    elif variant % 7 == 0:
        cell.value = _full_width(raw)  # full-width digits, as text
    elif decimals:
        cell.value = float(number)
        cell.number_format = "#,##0." + "0" * decimals
    else:
        cell.value = int(number)


def sasebo_project_list(rows: list[dict] | None = None, *, title_row: bool = True) -> openpyxl.Workbook:
    rows = read_csv("projects.csv") if rows is None else rows
    issues = {row["category"]: row for row in read_csv("focus_issues.csv")}
    measures = {(row["category"], row["measure_no"]): row["title"] for row in read_csv("measures.csv")}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活動指標"
    top = 1
    if title_row:
        sheet["A1"] = "佐世保市DX戦略 実行計画 プロジェクト一覧（活動指標）"
        sheet["K1"] = "【凡例】 構築 ○ / 運用 ⇒ / 検討 …"
        top = 2
    upper = ["分野", "分類", "主体部局", "DX重点課題", None, "課題", None, "ステップ", None, "プロジェクト", None, None,
             "リーディング", "活動指標"] + [None] * 14 + ["工程"] + [None] * 5
    lower = [None, None, None, "番号", "名称", "番号", "名称", "番号", "名称", "PID", "名称", "概要", None, "項目"]
    for n in YEARS:
        lower += [f"R{n}", f"R{n}実績"]
    lower += [f"R{n}" for n in PHASE_YEARS]
    for i, (group, heading) in enumerate(zip(upper, lower)):
        sheet.cell(top, i + 1, group)
        sheet.cell(top + 1, i + 1, heading)
    for first, last in ((1, 1), (2, 2), (3, 3), (13, 13)):
        sheet.merge_cells(start_row=top, start_column=first, end_row=top + 1, end_column=last)
    for first, last in ((4, 5), (6, 7), (8, 9), (10, 12), (14, 28), (29, 34)):
        sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last)
    for index, row in enumerate(rows):
        number = top + 2 + index
        issue = issues.get(row["category"])
        in_tree = bool(row["measure_no"])
        printed_category = "その他" if row["category"] == "しかけ" else row["category"]
        cells = [
            row["field"], printed_category, row["lead_department"],
            f"{issue['field_no']}-{issue['issue_no']}" if in_tree else None, issue["title"] if in_tree else None,
            row["measure_no"] or None, measures[row["category"], row["measure_no"]] if in_tree else None,
            row["step_code"] or None, row["step_title"] or None,
            row["pid"], row["name"], row["summary"] or None, "○" if row["leading"] == "1" else None,
            row["indicator_name"] or None,
        ]
        for column, value in enumerate(cells, 1):
            sheet.cell(number, column, value)
        column = 15
        for n in YEARS:
            for side in ("planned", "actual"):
                _value_cell(sheet.cell(number, column), row[f"{side}_R{n}"], percent=row["value_unit"] == "%",
                            variant=int(row["row_no"]) + column)
                column += 1
        for n in PHASE_YEARS:
            sheet.cell(number, column, row[f"phase_R{n}"] or None)
            column += 1
    sheet.cell(top + 2 + len(rows), 1, f"{len(rows)} リーディングプロジェクト数 {sum(r['leading'] == '1' for r in rows)}")
    return book


def kpi_sheet(book: openpyxl.Workbook | None = None) -> openpyxl.Workbook:
    """The KPI sheet, in a new workbook or added to `book`."""
    if book is None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "KPI"
    else:
        sheet = book.create_sheet("KPI")
    upper = ["分類", "課題", "No", "KPI名", "単位", "方向", "算出式・設定根拠", "進捗状況・評価", "予定"] + [None] * 6 + ["実績"] + [None] * 6
    lower = [None] * 8 + [f"令和{n}年度" for n in YEARS] + [f"{2018 + n}年度" for n in YEARS]
    sheet.append(upper)
    sheet.append(lower)
    for column in range(1, 9):
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    sheet.merge_cells(start_row=1, start_column=9, end_row=1, end_column=15)
    sheet.merge_cells(start_row=1, start_column=16, end_row=1, end_column=22)
    for index, row in enumerate(read_csv("kpis.csv")):
        number = 3 + index
        for column, value in enumerate([row["category"], int(row["measure_no"]), int(row["kpi_no"]), row["kpi_name"],
                                        row["unit"] or None, row["direction"], row["formula"] or None,
                                        row["evaluation"] or None], 1):
            sheet.cell(number, column, value)
        for offset, side in ((9, "planned"), (16, "actual")):
            for i, n in enumerate(YEARS):
                _value_cell(sheet.cell(number, offset + i), row[f"{side}_R{n}"], percent=False, variant=1)
    return book


# --- the data export (docs/data-export.md), minimal ------------------------------------------

EXPORT_HEADINGS = export_contract.HEADINGS


def _escape(text) -> str:
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _department(department) -> str:
    if department is None:
        return ""
    return f"{department.parent.name}/{department.name}" if department.parent_id else department.name


def _plain(value) -> str:
    """planned/actual display form without thousands separators."""
    if value.is_number:
        return format(value.number, "f")
    return value.display()


def _decimal(number, places) -> str:
    return "" if number is None else format(number.quantize(Decimal(1).scaleb(-places)), "f")


def export_rows(strategy) -> list[list[str]]:
    indicators = (Indicator.objects.filter(strategy=strategy)
                  .select_related("basic_policy", "measure__basic_policy", "project__basic_policy", "project__measure",
                                  "project__step", "project__lead_department__parent",
                                  "responsible_department__parent")
                  .order_by("project__order", "measure__basic_policy__order", "measure__order", "order", "code"))
    values = {(v.indicator_id, v.fiscal_year): v for v in YearlyValue.objects.filter(indicator__strategy=strategy)
              .select_related("updated_by")}
    rows = []
    for indicator in indicators:
        project = indicator.project
        policy = project.basic_policy if project else (indicator.measure.basic_policy if indicator.measure else indicator.basic_policy)
        measure = project.measure if project else indicator.measure
        step = project.step if project else None
        for fiscal_year in strategy.fiscal_years:
            value = values.get((indicator.pk, fiscal_year))
            rows.append([_escape(x) for x in (
                policy.code if policy else "", policy.title if policy else "",
                measure.code if measure else "", measure.title if measure else "",
                step.order if step else "", step.code if step else "", step.title if step else "",
                project.order if project else "", project.code if project else "", project.name if project else "",
                ("1" if project.leading else "0") if project else "", _department(project.lead_department) if project else "",
                indicator.code, indicator.kind, indicator.order, indicator.name, indicator.unit, indicator.direction,
                "" if indicator.tolerance is None else format(indicator.tolerance.normalize(), "f"),
                "1" if indicator.cumulative else "0",
                _decimal(indicator.baseline_value, indicator.baseline_places), indicator.baseline_fiscal_year or "",
                _decimal(indicator.target_value, indicator.target_places), indicator.target_fiscal_year or "",
                indicator.formula, indicator.data_source, _department(indicator.responsible_department), indicator.note,
                fiscal_year, fiscal_years.era_label(fiscal_year),
                _plain(value.planned) if value else "", _plain(value.actual) if value else "",
                value.comment if value else "", value.note if value else "", value.status if value else "",
                value.version if value else "", "", "", value.updated_at.isoformat() if value else "",
                (value.updated_by.username if value and value.updated_by else ""),
            )])
    return rows


def strategy_rows(strategy) -> list[tuple[str, str]]:
    return [
        ("strategy_code", strategy.code), ("municipality_code", strategy.municipality.code),
        ("municipality_name", strategy.municipality.name), ("title", strategy.title),
        ("description", strategy.description), ("first_fiscal_year", str(strategy.first_fiscal_year)),
        ("last_fiscal_year", str(strategy.last_fiscal_year)), ("label_basic_policy", strategy.label_basic_policy),
        ("label_measure", strategy.label_measure), ("label_step", strategy.label_step),
        ("label_project", strategy.label_project), ("grade_bands", json.dumps(strategy.grade_bands, ensure_ascii=False)),
        ("manager_review", "1" if strategy.manager_review else "0"), ("dx_review", "1" if strategy.dx_review else "0"),
        ("as_of", "2026-03-31"),
    ]


def data_export(strategy) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    plan = book.active
    plan.title = export_contract.STRATEGY_SHEET
    for key, value in strategy_rows(strategy):
        plan.append([key, _escape(value)])
    data = book.create_sheet(export_contract.DATA_SHEET)
    data.append(list(EXPORT_HEADINGS))
    for row in export_rows(strategy):
        data.append([str(x) if x != "" else None for x in row])
    return book


# --- containers that are not xlsx --------------------------------------------------------------


def ole2(stream_names: list[str]) -> bytes:
    """A minimal Compound File (the container of .xls and of password-protected .xlsx) holding
    empty streams with the given names."""
    import struct

    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 68, 0)  # no DIFAT sectors
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = bytearray()
    entries = [("Root Entry", 5, 1 if stream_names else free)] + [
        (name, 2, free) for name in stream_names]
    for index, (name, kind, child) in enumerate(entries):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le")
        entry[0:len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded) + 2, kind, 1)
        right = index + 1 if kind == 2 and index + 1 < len(entries) else free
        struct.pack_into("<III", entry, 68, free, right, child if kind == 5 else free)
        struct.pack_into("<II", entry, 116, end, 0)
        directory += entry
    directory += bytes(512 - len(directory) % 512 if len(directory) % 512 else 0)
    return bytes(header) + fat + bytes(directory)


def zip_of(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()
