"""The data export's layout (docs/data-export.md): the one home of what the exporter writes
and the import reads back.

`reports.workbook.data_export` writes these sheets, keys and headings in this order;
`imports.data_export` recognises a workbook by them and reads the columns in READ_BACK;
`imports.template` lays out the empty template from them. Plain Python (no Django), so a
test can hold the document against it.
"""

from __future__ import annotations

STRATEGY_SHEET = "計画"  # key in column A, value in column B
DATA_SHEET = "データ"  # row 1 the headings, then one row per indicator × fiscal year

STRATEGY_KEYS = (
    "strategy_code", "municipality_code", "municipality_name", "title", "description",
    "first_fiscal_year", "last_fiscal_year", "label_basic_policy", "label_measure", "label_step",
    "label_project", "grade_bands", "manager_review", "dx_review", "as_of",
)
# Keys of 計画 the import does not read: the export's "as of" date.
STRATEGY_INFORMATIVE = ("as_of",)

HEADINGS = (
    "basic_policy_code", "basic_policy_title", "measure_code", "measure_title",
    "step_order", "step_code", "step_title",
    "project_order", "project_code", "project_name", "project_leading", "project_lead_department",
    "indicator_code", "indicator_kind", "indicator_order", "indicator_name", "unit", "direction", "tolerance",
    "cumulative", "baseline_value", "baseline_fiscal_year", "target_value", "target_fiscal_year",
    "formula", "data_source", "responsible_department", "indicator_note",
    "fiscal_year", "fiscal_year_label", "planned", "actual", "comment", "value_note", "status", "version",
    "achievement_rate", "grade", "updated_at", "updated_by",
)
# The Japanese headings of the template a clerk fills in (imports/template.py); the import reads
# a データ sheet headed either way (imports/data_export.py). One per key of HEADINGS.
HEADINGS_JA = {
    "basic_policy_code": "基本方針コード", "basic_policy_title": "基本方針名", "measure_code": "施策コード",
    "measure_title": "施策名", "step_order": "ステップ番号", "step_code": "ステップコード", "step_title": "ステップ名",
    "project_order": "事業番号", "project_code": "事業コード", "project_name": "事業名",
    "project_leading": "リーディング事業", "project_lead_department": "事業の主体部局",
    "indicator_code": "指標コード", "indicator_kind": "指標の種類", "indicator_order": "指標の順番",
    "indicator_name": "指標名", "unit": "単位", "direction": "評価の向き", "tolerance": "許容幅",
    "cumulative": "累計", "baseline_value": "基準値", "baseline_fiscal_year": "基準年度",
    "target_value": "目標値", "target_fiscal_year": "目標年度", "formula": "算出式", "data_source": "出典",
    "responsible_department": "所管課", "indicator_note": "指標の備考",
    "fiscal_year": "年度", "fiscal_year_label": "年度（表示）", "planned": "予定値", "actual": "実績値",
    "comment": "進捗状況・評価", "value_note": "値の備考", "status": "入力状況", "version": "版",
    "achievement_rate": "達成率", "grade": "評価", "updated_at": "更新日時", "updated_by": "更新者",
}
# The 計画 sheet's keys in Japanese (column A of the template).
STRATEGY_KEYS_JA = {
    "strategy_code": "計画コード", "municipality_code": "自治体コード", "municipality_name": "自治体名",
    "title": "計画の名称", "description": "説明", "first_fiscal_year": "開始年度", "last_fiscal_year": "終了年度",
    "label_basic_policy": "基本方針の呼び名", "label_measure": "施策の呼び名", "label_step": "ステップの呼び名",
    "label_project": "事業の呼び名", "grade_bands": "評価区分", "manager_review": "一次評価（所属長）",
    "dx_review": "二次評価（DX推進課）", "as_of": "時点",
}
# The Japanese words of the template's drop-downs, code → word; the import reads either.
# (The entry statuses' words are the model's Japanese labels: imports/choices.py.)
CHOICES_JA = {
    "indicator_kind": {"outcome": "成果指標", "kpi": "KPI", "activity": "活動指標"},
    "direction": {"up": "高いほどよい", "down": "低いほどよい", "maintain": "維持"},
}
FLAG_WORDS_JA = ("はい", "いいえ")  # the drop-down of yes/no columns; imports.values.read_flag reads both

# Columns dxplan computes from the others, and columns that only inform the reader (the
# last change and who made it): written by the export, ignored by the import.
COMPUTED = ("fiscal_year_label", "achievement_rate", "grade")
INFORMATIVE = ("updated_at", "updated_by")
IGNORED = tuple(h for h in HEADINGS if h in COMPUTED + INFORMATIVE)  # in column order
READ_BACK = tuple(h for h in HEADINGS if h not in IGNORED)

# The yearly value's version counter when the file was made (blank: nothing was stored). A row
# stored with a higher version was changed in dxplan since: the import skips it as a conflict.
VERSION = "version"
# Exports made before the version column: still read; every row of theirs counts as version 0.
HEADINGS_WITHOUT_VERSION = tuple(h for h in HEADINGS if h != VERSION)

# A text starting with one of these could run as a formula (OWASP CSV injection); the export
# escapes it (a quote prefix in XLSX, a leading ESCAPE in CSV) and the import removes ESCAPE.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# The target revisions (informative: the import does not read this sheet), one row per
# revision, oldest first; planned values in the display form of the データ sheet.
REVISIONS_SHEET = "目標値の修正"
REVISION_HEADINGS = (
    "indicator_code", "indicator_name", "fiscal_year", "fiscal_year_label", "old_planned", "new_planned",
    "reason", "revised_at", "revised_by",
)
