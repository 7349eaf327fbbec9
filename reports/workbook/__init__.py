"""Workbook builders: plain rows in (reports.workbook.rows), bytes out. No database here."""

from reports.workbook.data_export import HEADINGS, STRATEGY_KEYS, build_data_csv, build_data_xlsx
from reports.workbook.report import build_report

__all__ = ["HEADINGS", "STRATEGY_KEYS", "build_data_csv", "build_data_xlsx", "build_report"]
