"""Cells, styles, page setup and saving shared by every sheet.

Write-only workbooks keep memory flat at any plan size; the price is that styles are
costly per cell, so each style is registered once and its cells share the index array
and know its id. Every text goes through `SheetWriter.text`, which never lets openpyxl
read a text as a formula (its rule is only "starts with =") and marks risky texts
(OWASP: = + - @ tab CR) with a quote prefix, so Excel keeps them text when edited.
"""

from __future__ import annotations

import datetime
import re
import shutil
import zipfile
from decimal import Decimal
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from imports.export_contract import ESCAPE, FORMULA_TRIGGERS  # OWASP CSV injection: may run as a formula
from kpis.values import value_places
from plans.achievement import NUMBER, Value
from reports.workbook.printing import DEFAULT_ROW_HEIGHT, FONT_SIZE, Page, Paginator

# A plain signed number such as "-5" or "+2.5" is a value, not an injection.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

FONT_NAME = "ＭＳ Ｐゴシック"  # on every Japanese Windows; its line height is what LINE_HEIGHT assumes
MARK_TEXTS = ("－", "…")
DATE_FORMAT = '[$-411]ggge"年"m"月"d"日"'  # 令和7年4月1日 (Excel and LibreOffice), a real date cell
RATE_FORMAT = "#,##0.0%"  # 205,750.0% (a rate may far exceed 100 %: see column_width)
# Points per line of 10 pt Japanese text, and width units a full-width character takes.
LINE_HEIGHT = 14.0
FULL_WIDTH_UNITS = 2.0


def is_risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER_RE.fullmatch(text)


def csv_safe(text: str) -> str:
    """The OWASP escape for CSV: a leading single quote before a risky text."""
    return ESCAPE + text if is_risky(text) else text


def clean(text: str) -> str:
    """Control characters XML cannot carry would abort the whole build; drop them."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def number_format(places: int, unit: str = "") -> str:
    fmt = "#,##0" + ("." + "0" * places if places else "")
    return fmt + '"%"' if unit == "%" else fmt


# Width units around a number so Excel never shows "###": its margins and the cell's padding.
NUMBER_PADDING = 2.0


def rate_text(rate: Decimal) -> str:
    """A rate (percent units) as RATE_FORMAT prints it: 205,750.0%."""
    return format(rate, ",.1f") + "%"


def value_text(value: Value, unit: str = "") -> str:
    """A value as SheetWriter.value prints it (number_format: separators, its decimals, "%")."""
    return value.display() + ("%" if value.state == NUMBER and unit == "%" else "")


def column_width(texts, minimum: float) -> float:
    """The width a column of numbers needs to show every one of `texts` whole (no "###"):
    the widest text and NUMBER_PADDING, never less than `minimum`."""
    return max([minimum, *(text_width(t) + NUMBER_PADDING for t in texts)])


_BORDER = Border(*(Side(style="thin", color="999999"),) * 4)
_STYLES = {
    # name: (font kwargs, fill colour, border, alignment kwargs)
    "title": ({"size": 14, "bold": True}, None, False, {"vertical": "center"}),
    "subtitle": ({"size": 11, "bold": True}, None, False, {"vertical": "center"}),
    "plain": ({}, None, False, {"vertical": "top", "wrap_text": True}),
    "label": ({"bold": True}, "DDEBF7", True, {"vertical": "top", "wrap_text": True}),
    "head": ({"bold": True}, "DDEBF7", True, {"horizontal": "center", "vertical": "center", "wrap_text": True}),
    "text": ({}, None, True, {"vertical": "top", "wrap_text": True}),
    "center": ({}, None, True, {"horizontal": "center", "vertical": "center", "wrap_text": True}),
    "number": ({}, None, True, {"vertical": "center"}),
    "date": ({}, None, True, {"horizontal": "left", "vertical": "center"}),
    "grade": ({"bold": True}, None, True, {"horizontal": "center", "vertical": "center"}),
    "done": ({}, "BFBFBF", True, {"horizontal": "center", "vertical": "center"}),
    "current": ({"bold": True}, "9DC3E6", True, {"horizontal": "center", "vertical": "center"}),
    "planned": ({}, "DEEBF7", True, {"horizontal": "center", "vertical": "center"}),
    "considering": ({}, "FFF2CC", True, {"horizontal": "center", "vertical": "center"}),
    "data": ({}, None, False, {}),
}


class Styler:
    """Registers each (style, number format, quote prefix) once; hands out its array and id."""

    def __init__(self, workbook: Workbook):
        # Template cells only need a parent whose parent is the workbook (its style lists).
        self._sheet = SimpleNamespace(parent=workbook)
        self._workbook = workbook
        self._arrays = {}

    def array(self, name: str, number_format: str | None = None, quote: bool = False):
        """(style array, its index in the workbook) of a style; registered on first use."""
        key = (name, number_format, quote)
        found = self._arrays.get(key)
        if found is None:
            font, fill, border, alignment = _STYLES[name]
            cell = Cell(self._sheet)
            cell.font = Font(**{"name": FONT_NAME, "size": FONT_SIZE, **font})
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if border:
                cell.border = _BORDER
            if alignment:
                cell.alignment = Alignment(**alignment)
            if number_format:
                cell.number_format = number_format
            cell._style.quotePrefix = int(quote)
            found = self._arrays[key] = (cell._style, self._workbook._cell_styles.add(cell._style))
        return found


class _Cell(Cell):
    """A cell whose style index is known when it is made: openpyxl would look the style up in
    the workbook's list again for every cell it writes (the slot shadows that property)."""

    __slots__ = ("style_id",)


class _MergedRanges:
    """Merged ranges in the order added. openpyxl's MultiCellRange checks each new range against
    all earlier ones (quadratic: minutes at 100× the demo); ours never overlap, and write-only
    sheets only read them when closing."""

    def __init__(self):
        self._refs = []

    def add(self, ref: str) -> None:
        self._refs.append(ref)

    def __iter__(self):
        return iter(self._refs)

    def __len__(self):
        return len(self._refs)


class _Sheet(WriteOnlyWorksheet):
    """A write-only sheet fed rows of ready-made cells. openpyxl first tries to bind each item
    as a value, which for a cell raises (and formats) an error: most of the time of a row."""

    def _values_to_row(self, values, row_idx):
        for col_idx, cell in enumerate(values, 1):
            if cell is not None:
                cell.column, cell.row = col_idx, row_idx
                yield cell


class SheetWriter:
    """One write-only sheet: page setup first, then rows in order, merges and charts any time."""

    def __init__(self, workbook: Workbook, styler: Styler, title: str, widths: list[float], *,
                 freeze: str | None = None, print_rows: str | None = None, hidden: bool = False,
                 page: Page | None = None):
        ws = self.ws = _Sheet(parent=workbook, title=title)
        workbook._add_sheet(ws)
        ws.merged_cells = _MergedRanges()
        self.styler = styler
        self.widths = widths
        self.row = 0
        self.paginator = None
        self._kept = 0  # rows still to come of a block placed by `keep`
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            ws.freeze_panes = freeze
        if hidden:
            ws.sheet_state = "hidden"
            return
        page = page or Page()
        ws.page_setup.paperSize = page.paper.code
        ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins.left = ws.page_margins.right = page.side_margin
        ws.page_margins.top = ws.page_margins.bottom = page.top_margin
        if page.footer:
            ws.oddFooter.left.text = page.footer.replace("&", "&&")  # & starts a field code
        ws.oddFooter.center.text = "&P / &N"
        ws.oddHeader.right.text = "&A"
        title_rows = 0
        if print_rows:
            ws.print_title_rows = print_rows
            title_rows = int(print_rows.split(":")[1])
        self.paginator = Paginator(widths, page, title_rows)

    # --- cells ---------------------------------------------------------------------------------

    def _cell(self, style: str, fmt: str | None = None, quote: bool = False) -> Cell:
        array, style_id = self.styler.array(style, fmt, quote)
        cell = _Cell(self.ws, 1, 1)
        cell._style = array  # shared, never changed afterwards
        cell.style_id = style_id
        return cell

    def text(self, value, style: str = "text") -> Cell:
        text = clean(str(value)) if value is not None else ""
        cell = self._cell(style, quote=is_risky(text))
        if text:
            # Set the stored value directly: assigning `value` would make "=..." a formula.
            cell._value = text
            cell.data_type = "s"
        return cell

    def number(self, number, style: str = "number", fmt: str | None = None) -> Cell:
        cell = self._cell(style, fmt)
        if number is not None:
            cell._value = number
            cell.data_type = "n"
        return cell

    def value(self, value: Value, unit: str = "", mark: str = "") -> Cell:
        """A yearly value as the plan prints it: number with its decimals, 「－」, 「…」, text;
        `mark` (※) after it, a number staying a number."""
        if value.state == NUMBER:
            fmt = number_format(value_places(value), unit)
            return self.number(value.number, fmt=f'{fmt}"{mark}"' if mark else fmt)
        text = value.display() + mark
        return self.text(text, "center" if text in MARK_TEXTS or not text else "text")

    def rate(self, rate: Decimal | None) -> Cell:
        if rate is None:
            return self.text("－", "center")
        return self.number(rate / 100, fmt=RATE_FORMAT)

    def date(self, day: datetime.date | None) -> Cell:
        if day is None:
            return self.text("－", "center")
        cell = self._cell("date", DATE_FORMAT)
        cell.value = day
        return cell

    def blank(self, style: str = "text") -> Cell:
        return self._cell(style)

    # --- rows ----------------------------------------------------------------------------------

    def append(self, cells: list, height: float | None = None) -> int:
        """Append a row of cells (from the methods above) or None."""
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        if self._kept:
            self._kept -= 1
        elif self.paginator:
            self.paginator.place(self.row, height or DEFAULT_ROW_HEIGHT)
        self.ws.append(cells)
        return self.row

    def keep(self, heights: list[float | None], empty_rows: int = 0) -> None:
        """The next len(heights) rows, and `empty_rows` of default height after them (under a
        chart), print on one page: a new one if they don't fit on this one."""
        if self.paginator:
            self.paginator.place(self.row + 1, sum(h or DEFAULT_ROW_HEIGHT for h in heights)
                                 + empty_rows * DEFAULT_ROW_HEIGHT)
        self._kept = len(heights)

    def keep_area(self, first_row: int, rows: int) -> None:
        """Rows first_row… (default height, left empty, e.g. under a chart) print on one page."""
        if self.paginator:
            self.paginator.place(first_row, rows * DEFAULT_ROW_HEIGHT)

    def new_page(self) -> None:
        """The next row starts a page (unless the page has nothing but the title rows yet)."""
        if self.paginator:
            self.paginator.new_page(self.row + 1)

    def skip(self) -> int:
        return self.append([])

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if (first_row, first_col) != (last_row, last_col):
            self.ws.merged_cells.add(
                f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
            )

    def lines(self, text: str, first_col: int, last_col: int = 0) -> int:
        """Lines a wrapped text needs in columns first..last (1-based, inclusive)."""
        width = sum(self.widths[first_col - 1:(last_col or first_col)])
        return text_lines(text, width)

    def height(self, lines: int, rows: int = 1) -> float | None:
        """Row height for `lines` of text spread over `rows` rows; None keeps the default."""
        needed = lines * LINE_HEIGHT + 4
        per_row = needed / rows
        return round(per_row, 1) if per_row > 18 else None

    def close(self) -> None:
        """Finish the sheet now (frees its temporary file; the workbook holds one per open sheet)."""
        if self.paginator:
            for row in self.paginator.breaks:
                self.ws.row_breaks.append(Break(id=row))
        self.ws.close()


def text_width(text: str) -> float:
    """Width units of a text: full-width (Japanese) characters count double."""
    return sum(1.0 if ord(ch) < 0x2E80 else FULL_WIDTH_UNITS for ch in text)


def text_lines(text: str, width: float) -> int:
    usable = max(1.0, width - 1.0)
    total = 0
    for line in (text or "").split("\n"):
        total += max(1, int(-(-text_width(line) // usable)))
    return total


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp, so equal content gives equal bytes."""

    def __init__(self, file, date_time: tuple):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = date_time

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        # openpyxl streams write-only sheets from temporary files through here.
        with open(filename, "rb") as source, self.open(self._info(arcname or filename), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


class _Writer(ExcelWriter):
    def _write_charts(self):
        # As ExcelWriter's, but charts prepared as XML (charts.TemplateChart) are written as is.
        for chart in self._charts:
            xml = chart.xml if hasattr(chart, "xml") else tostring(chart._write())
            self._archive.writestr(chart.path[1:], xml)
            self.manifest.append(chart)


def save(workbook: Workbook, out, as_of: datetime.date) -> None:
    """Save to a binary file with the as-of date as created/modified time (not now)."""
    moment = datetime.datetime.combine(as_of, datetime.time())
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "dxplan"
    workbook.properties.lastModifiedBy = "dxplan"
    workbook.properties.language = "ja-JP"
    archive = _FixedTimeZip(out, moment.timetuple()[:6])
    _Writer(workbook, archive).save()  # closes the archive
