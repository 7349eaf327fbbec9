"""Reading one row's cells by field, turning CellErrors into located problems."""

from __future__ import annotations

from imports import values
from imports.headers import Column, Header
from imports.problems import Problem, Problems
from imports.records import Where

_MISSING = object()


class RowReader:
    """The cells of one data row, addressed by field name or by column."""

    def __init__(self, header: Header, problems: Problems, number: int, cells: list):
        self.header, self.problems, self.number, self.cells = header, problems, number, cells
        self.where = Where(header.sheet, number)
        self.failed = False

    def raw(self, column: Column):
        return self.cells[column.index] if column.index < len(self.cells) else None

    def has(self, name: str) -> bool:
        return name in self.header.by_field

    def read(self, name: str, reader=values.read_text, *, default=None, **kwargs):
        """reader(raw cell) for a field; `default` when the sheet has no such column or the cell is bad."""
        column = self.header.by_field.get(name)
        if column is None:
            return default
        return self.read_column(column, reader, default=default, **kwargs)

    def read_column(self, column: Column, reader, *, default=None, **kwargs):
        raw = self.raw(column)
        try:
            return reader(raw, **kwargs)
        except values.CellError as error:
            self.problem(error.code, error.ja, error.en, column=column, raw=raw)
            return default

    def problem(self, code: str, ja: str, en: str, *, column: Column | None = None, raw=_MISSING, blocking=True):
        self.failed = self.failed or blocking
        self.problems.add(Problem(
            code, ja, en, sheet=self.header.sheet, row=self.number,
            column=column.letter if column else "", heading=column.heading if column else "",
            value="" if raw is _MISSING else values.display(raw), blocking=blocking,
        ))


def is_blank_row(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)
