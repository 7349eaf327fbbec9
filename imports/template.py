"""The downloadable template: dxplan's data-export layout, empty, ready to fill in.

Sheets: 説明 (how to fill it in), 計画 (the strategy's key/value rows), データ (the
columns of docs/data-export.md headed in Japanese, export_contract.HEADINGS_JA, with
Japanese drop-downs for kinds, directions, statuses, yes/no flags and departments), 選択肢
(the lists the drop-downs read). The import reads it back, and the export's English keys too. `build` takes plain lists and
returns bytes, so it needs no database; `build_for` fills them from a strategy.
"""

from __future__ import annotations

import io
import json

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from imports.data_export import choice_words
from imports.export_contract import (
    DATA_SHEET,
    FLAG_WORDS_JA,
    HEADINGS,
    HEADINGS_JA,
    IGNORED,
    STRATEGY_KEYS,
    STRATEGY_KEYS_JA,
    STRATEGY_SHEET,
)
from kpis.models import Direction, EntryStatus, IndicatorKind
from plans.models import Department, default_grade_bands

LISTS_SHEET, HELP_SHEET = "選択肢", "説明"
ROWS = 3000  # rows of the データ sheet that carry the drop-downs

def _h(key: str) -> str:
    return f"「{HEADINGS_JA[key]}」"


INSTRUCTIONS = [
    ("dxplan 計画取込テンプレート", True),
    ("1. 「計画」シートの B 列に、計画コード、自治体、計画の名称、期間、階層の呼び名を入力します。", False),
    ("2. 「データ」シートには、指標 × 年度ごとに 1 行を入力します（同じ指標の行は続けて並べます）。", False),
    (f"3. 事業の指標は{_h('project_order')}（事業の行番号）を、施策の KPI は{_h('measure_code')}を、"
     f"基本方針の成果指標は{_h('basic_policy_code')}だけを入力します。", False),
    (f"4. {_h('indicator_code')}は計画の中で一意です。取り込みを繰り返すと、同じコードの指標が更新されます。", False),
    (f"5. {_h('planned')}・{_h('actual')}には数値（2500.0 のように小数も入力どおり）、「－」（該当なし）、"
     "「…」（未設定）、または文字（実施済 など）を入力します。空欄は「変更しない」です。", False),
    (f"6. 灰色の列（{'、'.join(HEADINGS_JA[h] for h in IGNORED)}）は取り込みでは使いません。", False),
    (f"7. {_h('indicator_kind')}・{_h('direction')}・{_h('status')}・{_h('project_leading')}・{_h('cumulative')}"
     "は、セルの▼から選びます。入力状況を使うのは新しく作る行だけで、dxplan にある行の入力状況は変わりません。", False),
    (f"   {_h('version')}は空欄のままにします（データ出力が書く版番号です）。空欄の行は dxplan にまだない年度の値だけを作り、"
     "保存済みの値は変えません。", False),
    ("8. 管理者の「計画の取込」画面からアップロードすると、保存する前に確認画面が表示されます。", False),
    ("   dxplan のデータ出力（英語の列名・コード）も、そのまま取り込めます。", False),
]


def build(*, departments: list[str], strategy_values: dict[str, str]) -> bytes:
    book = Workbook()
    help_sheet = book.active
    help_sheet.title = HELP_SHEET
    for text, bold in INSTRUCTIONS:
        help_sheet.append([text])
        help_sheet.cell(help_sheet.max_row, 1).font = Font(bold=bold, size=13 if bold else 11)
    help_sheet.column_dimensions["A"].width = 140

    plan = book.create_sheet(STRATEGY_SHEET)
    for key in STRATEGY_KEYS:
        plan.append([STRATEGY_KEYS_JA[key], strategy_values.get(key, "")])
    plan.column_dimensions["A"].width = 22
    plan.column_dimensions["B"].width = 60
    for row in plan.iter_rows(min_col=2, max_col=2):
        row[0].number_format = "@"  # text: codes like 01 keep their zero

    lists = book.create_sheet(LISTS_SHEET)
    columns = [("indicator_kind", _words("indicator_kind", IndicatorKind.values)),
               ("direction", _words("direction", Direction.values)),
               ("status", _words("status", EntryStatus.values)), ("department", departments or [""])]
    for index, (name, items) in enumerate(columns, 1):
        lists.cell(1, index, HEADINGS_JA.get(name, "部局・課")).font = Font(bold=True)
        for offset, item in enumerate(items, 2):
            lists.cell(offset, index, item)

    data = book.create_sheet(DATA_SHEET)
    data.append([HEADINGS_JA[key] for key in HEADINGS])
    grey = PatternFill("solid", fgColor="DDDDDD")
    for index, key in enumerate(HEADINGS, 1):
        heading = HEADINGS_JA[key]
        cell = data.cell(1, index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
        if key in IGNORED:
            cell.fill = grey
        data.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(heading) + 2)
    data.freeze_panes = "A2"
    _drop_downs(data, lists, columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _drop_downs(data, lists, columns):
    def column_of(heading: str) -> str:
        return get_column_letter(HEADINGS.index(heading) + 1)

    def from_list(index: int, length: int) -> str:
        letter = get_column_letter(index)
        return f"'{LISTS_SHEET}'!${letter}$2:${letter}${length + 1}"

    sizes = {name: len(items) for name, items in columns}
    rules = [
        (("indicator_kind",), from_list(1, sizes["indicator_kind"])),
        (("direction",), from_list(2, sizes["direction"])),
        (("status",), from_list(3, sizes["status"])),
        (("project_lead_department", "responsible_department"), from_list(4, sizes["department"])),
        (("project_leading", "cumulative"), '"' + ",".join(FLAG_WORDS_JA) + '"'),
    ]
    for headings, formula in rules:
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorTitle="入力できない値です", error="一覧から選んでください。")
        for heading in headings:
            letter = column_of(heading)
            validation.add(f"{letter}2:{letter}{ROWS}")
        data.add_data_validation(validation)


def _words(name: str, codes) -> list[str]:
    words = choice_words(name)
    return [words.get(code, code) for code in codes]


def file_name(strategy=None) -> str:
    """The download's name: the generic template and a strategy's one differ."""
    return f"dxplan_取込テンプレート_{strategy.code}.xlsx" if strategy is not None else "dxplan_取込テンプレート.xlsx"


def build_for(strategy=None) -> bytes:
    """The template with the departments (and the 計画 values) of a strategy, or generic."""
    if strategy is None:
        values = {"first_fiscal_year": "", "last_fiscal_year": "", "label_basic_policy": "基本方針",
                  "label_measure": "施策", "label_step": "ステップ", "label_project": "事業",
                  "grade_bands": json.dumps(default_grade_bands(), ensure_ascii=False), "manager_review": "1",
                  "dx_review": "1"}
        departments = []
    else:
        values = {
            "strategy_code": strategy.code, "municipality_code": strategy.municipality.code,
            "municipality_name": strategy.municipality.name, "title": strategy.title,
            "description": strategy.description, "first_fiscal_year": str(strategy.first_fiscal_year),
            "last_fiscal_year": str(strategy.last_fiscal_year), "label_basic_policy": strategy.label_basic_policy,
            "label_measure": strategy.label_measure, "label_step": strategy.label_step,
            "label_project": strategy.label_project, "grade_bands": json.dumps(strategy.grade_bands, ensure_ascii=False),
            "manager_review": "1" if strategy.manager_review else "0", "dx_review": "1" if strategy.dx_review else "0",
        }
        departments = [f"{d.parent.name}/{d.name}" if d.parent_id else d.name
                       for d in Department.objects.filter(municipality=strategy.municipality).select_related("parent")]
    return build(departments=departments, strategy_values=values)
