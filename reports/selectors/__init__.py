"""Reads for the report page and the workbooks.

Each selector runs a fixed number of queries whatever the plan size. The big readers
(project list, data export) stream ordered rows with `.iterator()` and merge them in
Python, so a 100× plan costs the same memory as the demo; the policy sections (KPIs
are a small share of the rows) are read whole. Rows are read by column name
(`values_list(..., named=True)`), never by position.

One concern per module, as the workbook sheets they feed (reports.workbook):
- jobs.py: the report page's job list and one job, the latest fiscal year with approved actuals;
- scope.py: `Scope`, what a report covers, and the department names it prints;
- meta.py: the title data and columns (cover, every sheet);
- as_of.py: what prints as of the report's date (approved versions, revisions in force);
- round_texts.py: the round's texts, step statuses and project phases as of that date;
- sections.py: one section per basic policy (the policy sheets);
- grades.py: the cover's grade counts, on the dashboards' basis;
- project_list.py: the project list, streamed (the 事業一覧 sheet);
- data_export.py: the data export's strategy sheet and rows, streamed;
- revisions.py: the data export's target revisions, streamed;
- columns.py: reading named columns into values and department names.
"""

from reports.selectors.data_export import data_rows, data_strategy
from reports.selectors.grades import report_grades
from reports.selectors.jobs import latest_approved_fiscal_years, report_job_get, report_job_list
from reports.selectors.meta import report_meta
from reports.selectors.project_list import report_project_rows
from reports.selectors.revisions import data_revisions
from reports.selectors.round_texts import report_pending_texts
from reports.selectors.scope import Scope, department_name
from reports.selectors.sections import report_sections

__all__ = [
    "Scope", "data_revisions", "data_rows", "data_strategy", "department_name", "latest_approved_fiscal_years",
    "report_job_get", "report_job_list", "report_grades",
    "report_meta", "report_pending_texts", "report_project_rows", "report_sections",
]
