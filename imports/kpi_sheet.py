"""The KPI sheet: measures' KPIs with planned and actual values per fiscal year.

Columns as in fixtures/sasebo/kpis.csv and the seed's 「重点課題 KPI の評価」 pages:
分類 (or DX重点課題 / 基本方針: the basic policy by code, title or short name), 課題 (the
measure by number or title), No, KPI名, 単位, 方向, 算出式・設定根拠, 進捗状況・評価, and
R3 予定 / R3 実績 … (or a 予定 group and a 実績 group over the years). Optional: 指標コード,
評価年度, 基準値, 基準年度, 目標値, 目標年度, 担当部局, 備考.

KPIs are matched by code; without a 指標コード column the code is
「<分類>-KPI<No>」 as load_demo writes it. The evaluation text belongs to one fiscal year:
評価年度 when given, else the latest year with an actual, else the current fiscal year
(within the sheet's years).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from imports import values
from imports.cells import RowReader, is_blank_row
from imports.headers import ACTUAL, PLANNED, Header, Spec
from imports.problems import Problems
from imports.records import IndicatorRecord, Item, ValueRecord
from imports.sasebo_projects import _level, node
from kpis.models import IndicatorKind
from plans import achievement, fiscal_years

_POLICY = ("分類", "DX重点課題", "重点課題", "基本方針")
_MEASURE = ("課題", "施策")

SPEC = Spec(
    key="kpi_sheet",
    ja="KPI シート",
    en="KPI sheet",
    plain={
        **{name: "policy_title" for name in _POLICY},
        **{name: "measure_title" for name in _MEASURE},
        "KPI": "name", "KPI名": "name", "指標名": "name", "成果指標": "name", "KPI指標名": "name",
        "NO": "kpi_no", "NO.": "kpi_no", "KPI番号": "kpi_no", "番号": "kpi_no",
        "単位": "unit", "方向": "direction", "目標の方向": "direction", "評価の方向": "direction",
        "算出式": "formula", "算出式・設定根拠": "formula", "設定根拠": "formula", "算出方法": "formula",
        "進捗状況・評価": "evaluation", "評価": "evaluation", "進捗状況": "evaluation",
        "評価年度": "evaluation_fiscal_year", "指標コード": "code", "KPIコード": "code",
        "基準値": "baseline_value", "基準年度": "baseline_fiscal_year",
        "目標値": "target_value", "最終目標値": "target_value", "目標年度": "target_fiscal_year",
        "担当部局": "responsible_department", "所管課": "responsible_department", "担当課": "responsible_department",
        "備考": "note", "データ出典": "data_source", "出典": "data_source",
    },
    grouped={
        **{name: _level("policy") for name in _POLICY[1:]},
        **{name: _level("measure") for name in _MEASURE},
        "KPI": {"名称": "name", "指標名": "name", "NO": "kpi_no", "番号": "kpi_no", "コード": "code", "単位": "unit"},
    },
    required=("name", "measure_title"),
    expected_ja="KPI名（または指標名）、課題、年度の列（R7 予定、R7 実績、令和7年度 など）。"
                "ほかに 分類、No、単位、方向、算出式・設定根拠、進捗状況・評価",
    expected_en="KPI名 (or 指標名), 課題 and fiscal-year columns (R7 予定, R7 実績, 令和7年度 …); "
                "optionally 分類, No, 単位, 方向, 算出式・設定根拠, 進捗状況・評価",
)

DIRECTIONS = {
    "UP": achievement.UP, "上昇": achievement.UP, "増加": achievement.UP, "高いほどよい": achievement.UP, "↑": achievement.UP,
    "DOWN": achievement.DOWN, "減少": achievement.DOWN, "低いほどよい": achievement.DOWN, "↓": achievement.DOWN,
    "MAINTAIN": achievement.MAINTAIN, "維持": achievement.MAINTAIN,
}


def read_direction(raw) -> str:
    text = values.key_text(values.read_text(raw)).upper()
    if not text:
        return achievement.UP
    if text not in DIRECTIONS:
        raise values.CellError(
            "not_a_direction", "方向は up（高いほどよい）、down（低いほどよい）、maintain（維持）のいずれかです。",
            "The direction is up, down or maintain.",
        )
    return DIRECTIONS[text]


def _fiscal_year(raw) -> int | None:
    text = values.read_text(raw)
    if not text:
        return None
    try:
        return fiscal_years.parse_fiscal_year(text)
    except fiscal_years.FiscalYearError as error:
        raise values.CellError("not_a_fiscal_year", error.ja, error.en) from None


def read(sheet, header: Header, rows: Iterator[tuple[int, list]], problems: Problems) -> Iterator[Item]:
    positions = {}
    for number, cells in rows:
        if is_blank_row(cells):
            continue
        row = RowReader(header, problems, number, cells)
        name = row.read("name", default="")
        if not name:
            row.problem("no_name", "KPI名のない行のため読み飛ばしました。", "Skipped: the row has no KPI name.", blocking=False)
            continue
        policy, measure = node(row, "policy"), node(row, "measure")
        if measure is None:
            row.problem("measure_missing", "課題が空欄です。", "The measure (課題) is blank.",
                        column=header.by_field["measure_title"], raw=None)
            continue
        key = (policy, measure)
        positions[key] = positions.get(key, 0) + 1
        kpi_no = row.read("kpi_no", values.read_int, default=None) or positions[key]
        indicator = _indicator(row, header, name, policy, measure, kpi_no)
        if not row.failed:
            yield Item(indicator=indicator)


def _indicator(row: RowReader, header: Header, name, policy, measure, kpi_no) -> IndicatorRecord:
    fields = {"name": name, "order": kpi_no}
    for field, reader in (("unit", values.read_text), ("direction", read_direction), ("formula", values.read_text),
                          ("note", values.read_text), ("data_source", values.read_text)):
        if row.has(field):
            fields[field] = row.read(field, reader, default="")
    for prefix in ("baseline", "target"):
        if row.has(f"{prefix}_value"):
            number, places = row.read(f"{prefix}_value", values.read_decimal, default=(None, 0))
            fields[f"{prefix}_value"], fields[f"{prefix}_places"] = number, places
        if row.has(f"{prefix}_fiscal_year"):
            fields[f"{prefix}_fiscal_year"] = row.read(f"{prefix}_fiscal_year", _fiscal_year)
    series, percent = {}, False
    for column in header.years:
        result = row.read_column(column, values.read_value)
        if result is None or column.side not in (PLANNED, ACTUAL):
            continue
        value, is_percent = result
        percent = percent or is_percent
        if value.state != achievement.EMPTY:
            setattr(series.setdefault(column.fiscal_year, ValueRecord(where=row.where)), column.side, value)
    if percent and not fields.get("unit"):
        fields["unit"] = "%"
    evaluation = row.read("evaluation", default="")
    if evaluation:
        year = row.read("evaluation_fiscal_year", _fiscal_year) or _evaluation_year(series, header)
        series.setdefault(year, ValueRecord(where=row.where)).comment = evaluation
    policy_label = (policy.title or policy.code) if policy else measure.printed
    return IndicatorRecord(
        where=row.where, code=row.read("code", default="") or f"{policy_label}-KPI{kpi_no}", kind=IndicatorKind.KPI,
        fields=fields, policy=policy, measure=measure,
        responsible_department=row.read("responsible_department", default="") if row.has("responsible_department") else None,
        values=series, percent=percent,
    )


def _evaluation_year(series: dict, header: Header) -> int:
    actual_years = [year for year, record in series.items() if record.actual is not None]
    if actual_years:
        return max(actual_years)
    years = header.fiscal_years
    current = fiscal_years.current_fiscal_year(timezone.localdate())
    return min(max(current, years[0]), years[-1])
