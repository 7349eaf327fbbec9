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
