"""Cell values and header recognition, without a database."""

import datetime
from decimal import Decimal

import pytest

from imports import values
from imports.headers import ACTUAL, PHASE, PLANNED, recognise
from imports.sasebo_projects import SPEC as PROJECTS
from imports.values import ErrorValue, Formatted, FormulaWithoutValue


def shown(raw):
    value, percent = values.read_value(raw)
    return value.state, None if value.number is None else str(value.number), value.text, percent


@pytest.mark.parametrize("raw, expected", [
    (None, ("empty", None, "", False)),
    ("", ("empty", None, "", False)),
    ("  ", ("empty", None, "", False)),
    (12, ("number", "12", "", False)),
    (29.9, ("number", "29.9", "", False)),
    (0.1 + 0.2, ("number", "0.3", "", False)),  # Excel's 15 significant digits
    ("１，２３４", ("number", "1234", "", False)),  # full-width digits and comma, stored as text
    ("160,116", ("number", "160116", "", False)),
    ("2500.0", ("number", "2500.0", "", False)),  # decimals as typed
    ("29.9%", ("number", "29.9", "", True)),
    ("２９．９％", ("number", "29.9", "", True)),
    ("－", ("na", None, "", False)),
    ("-", ("na", None, "", False)),
    ("ー", ("na", None, "", False)),
    ("…", ("pending", None, "", False)),
    ("・・・", ("pending", None, "", False)),
    ("実施済", ("text", None, "実施済", False)),
    ("△5", ("number", "-5", "", False)),
    (Formatted(2500, 1, False), ("number", "2500.0", "", False)),  # 2500 formatted 0.0
    (Formatted(0.299, 1, True), ("number", "29.9", "", True)),  # 0.299 formatted 0.0%
    (Formatted(0.14, 1, True), ("number", "14.0", "", True)),
    (Formatted(0.2995, 1, True), ("number", "29.95", "", True)),  # never fewer decimals than the value has
])
def test_read_value(raw, expected):
    assert shown(raw) == expected


@pytest.mark.parametrize("raw, code", [
    (FormulaWithoutValue("SUM(A1:B1)"), "formula_without_value"),
    (ErrorValue("#N/A"), "excel_error"),
    (datetime.datetime(2024, 3, 31), "date_not_number"),
    (datetime.date(2024, 3, 31), "date_not_number"),
    ("2024/3/31", "date_not_number"),
    ("R6.3.31", "date_not_number"),
    (True, "boolean"),
    (1.234567891, "too_many_decimals"),
    (10**15, "too_large"),
    ("あ" * 201, "text_too_long"),
])
def test_read_value_refuses(raw, code):
    with pytest.raises(values.CellError) as error:
        values.read_value(raw)
    assert error.value.code == code and error.value.ja and error.value.en


@pytest.mark.parametrize("raw, expected", [("○", True), ("◯", True), (1, True), ("1", True), (None, False),
                                           ("", False), (0, False), ("－", False)])
def test_read_flag(raw, expected):
    assert values.read_flag(raw) is expected


def test_read_flag_refuses_other_text():
    with pytest.raises(values.CellError):
        values.read_flag("たぶん")


def _columns(rows):
    header, best = recognise([PROJECTS], "S", list(enumerate(rows, 1)))
    assert header is not None, best and [c.heading for c in best.columns]
    return header


@pytest.mark.parametrize("planned, actual", [
    ("R7", "R7実績"), ("令和7年度", "令和7年度実績"), ("2025", "2025実績"), ("2025年度", "2025年度 実績"),
    ("ｒ７", "Ｒ７ 実績"), (2025, "FY2025実績"),
])
def test_fiscal_year_headings(planned, actual):
    header = _columns([["PID", "名称", planned, actual]])
    assert [(c.fiscal_year, c.side) for c in header.years] == [(2025, PLANNED), (2025, ACTUAL)]


def test_two_row_header_with_merged_groups_and_phases():
    upper = ["分野", "DX重点課題", "DX重点課題", "プロジェクト", "プロジェクト", "リーディング", "活動指標", "活動指標", "活動指標",
             "工程", "工程"]
    lower = ["分野", "番号", "名称", "PID", "名称", "リーディング", "項目", "R6", "R6実績", "R6", "R7"]
    header = _columns([["佐世保市 プロジェクト一覧"], upper, lower])
    assert header.last_row == 3
    assert {name: c.letter for name, c in header.by_field.items()} == {
        "field": "A", "policy_code": "B", "policy_title": "C", "pid": "D", "name": "E", "leading": "F",
        "indicator_name": "G"}
    assert [(c.letter, c.fiscal_year, c.side) for c in header.years] == [
        ("H", 2024, PLANNED), ("I", 2024, ACTUAL), ("J", 2024, PHASE), ("K", 2025, PHASE)]


def test_repeated_year_headings_without_a_group_are_phases():
    header = _columns([["名称", "R4", "R4実績", "R5", "R4", "R5"]])
    assert [c.side for c in header.years] == [PLANNED, ACTUAL, PLANNED, PHASE, PHASE]


def test_unrecognised_header_gives_the_best_attempt():
    header, best = recognise([PROJECTS], "S", [(1, ["名称", "担当", "メモ"])])
    assert header is None and list(best.by_field) == ["name"]


def test_key_text_ignores_width_and_spaces():
    assert values.key_text(" 観光 商工部 ") == values.key_text("観光商工部")
    assert values.read_decimal("75.0") == (Decimal("75.0"), 1)
