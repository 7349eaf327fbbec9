"""Print setup of the report's sheets: paper, the scale fit-to-width gives, footers, row breaks.

Excel and LibreOffice scale a fit-to-width sheet by (printable width / sheet width), so
the printed font size follows from the column widths; `print_scale` computes it the way
both do, and the project list sizes its text columns to keep text at least 8 pt.
Neither application fits page breaks around merged rows or charts, so `Paginator` places
row breaks itself from the row heights the builders set.
"""

from __future__ import annotations

from dataclasses import dataclass

from plans.fiscal_years import era_label

POINTS_PER_INCH = 72.0
# A column of width w (Excel's unit: digits of the default font) is 7w + 5 pixels at 96 dpi.
POINTS_PER_WIDTH_UNIT = 7 * 0.75
POINTS_PER_COLUMN = 5 * 0.75
DEFAULT_ROW_HEIGHT = 15.0  # points; openpyxl's defaultRowHeight, used by rows without a height
FONT_SIZE = 10.0  # the body text of every sheet (reports.workbook.cells)
MIN_PRINTED_FONT = 8.0
# Room left for rounding in the applications (scale in whole percent, line heights).
SAFETY = 0.96

FOOTER = "{year} 進捗状況報告"


@dataclass(frozen=True)
class Paper:
    code: int  # Excel's paperSize
    name: str
    width: float  # points, portrait
    height: float


A4 = Paper(9, "A4", 595.28, 841.89)
A3 = Paper(8, "A3", 841.89, 1190.55)


@dataclass(frozen=True)
class Page:
    """Landscape paper with its margins (inches, as Excel stores them) and the footer text."""

    paper: Paper = A4
    footer: str = ""
    side_margin: float = 0.4
    top_margin: float = 0.6  # the header and footer (0.3 in) sit inside these

    @property
    def printable_width(self) -> float:
        return self.paper.height - 2 * self.side_margin * POINTS_PER_INCH

    @property
    def printable_height(self) -> float:
        return self.paper.width - 2 * self.top_margin * POINTS_PER_INCH


def report_footer(fiscal_year: int) -> str:
    """「令和6年度 進捗状況報告」: the left footer of every printed page of the report."""
    return FOOTER.format(year=era_label(fiscal_year))


def sheet_width(widths: list[float]) -> float:
    """Points the columns take at 100 %."""
    return sum(POINTS_PER_WIDTH_UNIT * w + POINTS_PER_COLUMN for w in widths)


def width_cm(widths: list[float]) -> float:
    """Centimetres the columns take at 100 % (a chart's size is given in cm)."""
    return sheet_width(widths) / POINTS_PER_INCH * 2.54


def print_scale(widths: list[float], page: Page) -> float:
    """The scale fit-to-width prints at (never above 100 %)."""
    return min(1.0, page.printable_width / sheet_width(widths))


def fit_widths(widths: list[float], flexible: set[int], page: Page,
               min_scale: float = MIN_PRINTED_FONT / FONT_SIZE / SAFETY) -> list[float]:
    """Narrow the columns at the 0-based indexes `flexible` (texts that may wrap) in proportion,
    so the sheet prints at `min_scale` or more; the others (numbers, marks) keep their width."""
    budget = page.printable_width / min_scale
    if sheet_width(widths) <= budget:
        return list(widths)
    fixed = sum(POINTS_PER_WIDTH_UNIT * w for i, w in enumerate(widths) if i not in flexible)
    wanted = sum(POINTS_PER_WIDTH_UNIT * w for i, w in enumerate(widths) if i in flexible)
    room = budget - fixed - POINTS_PER_COLUMN * len(widths)
    factor = max(room, 0.0) / wanted
    return [round(w * factor, 1) if i in flexible else w for i, w in enumerate(widths)]


class Paginator:
    """Row breaks for a fit-to-width sheet: a block of rows (an indicator's two rows, a chart)
    that does not fit on what is left of the page starts a new page, below the title rows
    that print again at the top of each page."""

    def __init__(self, widths: list[float], page: Page, title_rows: int):
        self.capacity = page.printable_height / print_scale(widths, page) * SAFETY
        self.title_rows = title_rows
        self.title_height = 0.0
        self.used = 0.0
        self.breaks: list[int] = []  # a page ends after each of these rows

    def place(self, first_row: int, height: float) -> None:
        """Rows from first_row on, `height` points in all, are about to be written."""
        if first_row <= self.title_rows:
            self.title_height += height
        elif self.used + height > self.capacity and self.used > self.title_height:
            self.breaks.append(first_row - 1)
            self.used = self.title_height
        self.used += height

    def new_page(self, first_row: int) -> None:
        """A page break before first_row whatever room is left (e.g. before each focus issue)."""
        if self.used > self.title_height:
            self.breaks.append(first_row - 1)
            self.used = self.title_height
