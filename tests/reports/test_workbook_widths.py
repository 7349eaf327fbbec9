"""Report cells are wide enough for any rate and any value (no "###" for 205,750 %)."""

from decimal import Decimal

from openpyxl.utils import get_column_letter

from reports.workbook.cells import NUMBER_PADDING, column_width, rate_text, text_width, value_text
from tests.reports.test_workbook import indicator, open_workbook, report_bytes, section, values


def _sheet(ws_name, rate, actual="12,345"):
    rows = (indicator(unit="件", planned=values(None, None, 5, 6, 7, 8, 8),
                      actual=values(None, None, 4, actual, None, None, None), rate=rate),)
    return open_workbook(report_bytes(sections=[section(indicators=rows)]))[ws_name]


def test_rate_and_value_texts_are_what_the_formats_print():
    assert rate_text(Decimal("205750.0")) == "205,750.0%"
    assert value_text(values("12,345")[0], "件") == "12,345" and value_text(values("95.1")[0], "%") == "95.1%"
    assert column_width([], 8) == 8
    assert column_width(["205,750.0%"], 8) == text_width("205,750.0%") + NUMBER_PADDING > 8


def test_a_rate_of_205750_percent_gets_a_column_wide_enough():
    ws = _sheet("01-01 観光", Decimal("205750.0"))
    row = next(r for r in ws.iter_rows() if r[1].value == "ペーパーレス度（件）")
    rate = row[12]
    assert rate.value == 2057.5 and rate.number_format == "#,##0.0%"
    width = ws.column_dimensions[get_column_letter(rate.column)].width
    assert width >= text_width("205,750.0%") + NUMBER_PADDING


def test_a_large_actual_widens_the_year_columns():
    ws = _sheet("01-01 観光", Decimal("104.0"), actual="123,456,789,012")
    row = next(r for r in ws.iter_rows() if r[1].value == "ペーパーレス度（件）")
    width = ws.column_dimensions[get_column_letter(row[3].column)].width
    assert width >= text_width("123,456,789,012") + NUMBER_PADDING
