"""Workbook builders: plain rows in (reports.workbook.rows), bytes out. No database here."""

from reports.workbook.data_export import build_data_csv, build_data_xlsx
from reports.workbook.report import build_report

__all__ = ["build_data_csv", "build_data_xlsx", "build_report"]
