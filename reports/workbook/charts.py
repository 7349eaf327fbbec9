"""Native Excel charts: a line chart per indicator and the grade distribution bar chart.

Line charts read a hidden sheet of plain numbers, because Excel plots a text cell such
as 「－」 or 実施済 as zero; the visible sheets keep the marks as printed.

openpyxl's chart objects cost about 4 ms and tens of kilobytes each, which at one chart
per KPI dominated a large report; so one real LineChart is serialised per workbook as a
template, and each indicator's chart is that XML with its title, unit and rows put in.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart._chart import ChartBase
from openpyxl.xml.functions import tostring

from plans.achievement import Value
from plans.fiscal_years import short_label
from reports.workbook import labels
from reports.workbook.cells import SheetWriter, Styler, clean

CHART_WIDTH = 15.5  # cm; two charts side by side fill an A4 landscape page of the policy sheets
CHART_HEIGHT = 6.5
ROWS_PER_CHART = 15  # default-height rows a chart covers, plus a gap


_TITLE, _UNIT, _ROW = "__TITLE__", "__UNIT__", 900001  # placeholders of the template
_PLACEHOLDERS = re.compile(rf"{_TITLE}|{_UNIT}|\${_ROW}|\${_ROW + 1}")


class TemplateChart(ChartBase):
    """A chart made from a template: only what the drawing and the writer read (anchor, size,
    path), and its XML rendered when the workbook is saved (a few hundred bytes until then)."""

    def __init__(self, template: str, values: dict, width: float, height: float):  # no object tree
        self.template, self.values = template, values
        self.width, self.height, self.anchor, self._id = width, height, "A1", 1

    @property
    def xml(self) -> bytes:
        # One pass, so a title that happens to contain a placeholder is not replaced again.
        return _PLACEHOLDERS.sub(lambda m: self.values[m.group()], self.template).encode()

    def _write(self):
        raise NotImplementedError("written as bytes by reports.workbook.cells.save")


class ChartData:
    """The hidden sheet: row 1 the fiscal years, then a planned and an actual row per indicator."""

    def __init__(self, workbook, styler: Styler, fiscal_years: tuple[int, ...]):
        self.sheet = SheetWriter(workbook, styler, labels.CHART_DATA_SHEET, [8] * (len(fiscal_years) + 1), hidden=True)
        self.columns = len(fiscal_years)
        self._templates = {}
        self.sheet.append([None] + [self.sheet.text(short_label(fy), "data") for fy in fiscal_years])

    def add(self, planned: tuple[Value, ...], actual: tuple[Value, ...]) -> int:
        """Write the two series; returns the row of the planned one (actual is the next)."""
        sheet = self.sheet
        row = sheet.append([sheet.text(labels.PLANNED, "data")] + [_number(sheet, v) for v in planned])
        sheet.append([sheet.text(labels.ACTUAL, "data")] + [_number(sheet, v) for v in actual])
        return row

    def line_chart(self, row: int, title: str, unit: str, width: float = CHART_WIDTH) -> TemplateChart:
        """Planned (dashed) and actual over the fiscal years, from rows `row` and `row + 1`;
        `width` in cm (the size is the drawing's, outside the template)."""
        template = self._templates.get(bool(unit))
        if template is None:
            xml = tostring(self._real_chart(_ROW, _TITLE, _UNIT if unit else "")).decode()
            template = self._templates[bool(unit)] = xml
        values = {_TITLE: escape(clean(title)[:80]), _UNIT: escape(clean(unit)[:20]),
                  f"${_ROW}": f"${row}", f"${_ROW + 1}": f"${row + 1}"}
        return TemplateChart(template, values, width, CHART_HEIGHT)

    def _real_chart(self, row: int, title: str, unit: str):
        ws = self.sheet.ws
        chart = LineChart()
        chart.title = title
        chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
        chart.legend.position = "b"
        chart.display_blanks = "gap"
        chart.visible_cells_only = False
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        if unit:
            chart.y_axis.title = unit
        for offset, name in ((0, labels.PLANNED), (1, labels.ACTUAL)):
            values = Reference(ws, min_col=2, max_col=1 + self.columns, min_row=row + offset)
            series = Series(values, title=name)
            series.marker.symbol = "circle"
            series.smooth = False
            if offset == 0:
                series.graphicalProperties.line.dashStyle = "dash"
            chart.series.append(series)
        chart.set_categories(Reference(ws, min_col=2, max_col=1 + self.columns, min_row=1))
        return chart._write()


def _number(sheet: SheetWriter, value: Value):
    return sheet.number(value.number, "data") if value.is_number else None


def grade_bar_chart(sheet: SheetWriter, header_row: int, first_row: int, last_row: int,
                    first_col: int, last_col: int, name_col: int) -> BarChart:
    """Stacked columns: one per basic policy, one colour per grade (counts in the cover table)."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = labels.CHART_GRADES
    chart.width, chart.height = 18, 9
    chart.legend.position = "b"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(sheet.ws, min_col=first_col, max_col=last_col, min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=name_col, min_row=first_row, max_row=last_row))
    return chart
