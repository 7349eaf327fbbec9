"""A corpus of bad workbooks, made here: each is refused with a message that says what is
wrong and where, and the database is exactly as it was (a full dump compared)."""

import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from imports.problems import ImportRefused
from imports.services import plan_import_apply
from tests.imports.import_builders import ole2, read_csv, sasebo_project_list, save, zip_of
from tests.imports.import_helpers import SASEBO_CITY, dump

pytestmark = pytest.mark.django_db


def _good() -> bytes:
    return save(sasebo_project_list(read_csv("projects.csv")[:20]))


def _sheet_with(cell: str, value, *, number_format=None) -> bytes:
    """The Sasebo list (first 20 rows, into a new strategy) with one cell replaced."""
    book = sasebo_project_list(read_csv("projects.csv")[:20])
    book.active[cell] = value
    if number_format:
        book.active[cell].number_format = number_format
    return save(book)


def _empty_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.create_sheet("空のシート")
    return save(book)


def _unrecognised_header() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["名称", "担当", "メモ"])  # looks like a list, lacks the year columns
    book.active.append(["事業A", "観光課", "—"])
    return save(book)


def _corrupt_sheet() -> bytes:
    parts = {}
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(_good())) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:3000]  # cut mid-element
    return zip_of(parts)


CASES = {
    # name: (bytes factory, settings, expected problem code, words the Japanese message must contain)
    "random bytes": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, {}, "not_xlsx", "Excel ブック"),
    "legacy xls": (lambda: ole2(["Workbook", "\x05SummaryInformation"]), {}, "xls", ".xls"),
    "csv renamed": (lambda: "分野,分類,名称\nまちづくり,観光,事業A\n".encode(), {}, "csv", "CSV"),
    "html renamed": (lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>", {}, "html", "HTML"),
    "password protected": (lambda: ole2(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]), {},
                           "password_protected", "パスワード"),
    "truncated": (lambda: _good()[:5000], {}, "corrupt", "壊れて"),
    "corrupt sheet": (_corrupt_sheet, {}, "corrupt", "壊れて"),
    "word document": (lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), {},
                      "not_xlsx", "Word"),
    "zip bomb": (lambda: zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(3_000_000)}),
                 {"DXPLAN_IMPORT_MAX_BYTES": 100_000}, "zip_bomb", "展開"),
    "empty file": (lambda: b"", {}, "empty_file", "空"),
    "empty workbook": (_empty_workbook, {}, "empty_workbook", "データがありません"),
    "over the size limit": (_good, {"DXPLAN_IMPORT_MAX_BYTES": 10_000}, "too_large", "上限"),
    "over the row limit": (_good, {"DXPLAN_IMPORT_MAX_ROWS": 15}, "too_many_rows", "上限"),
    "header not recognised": (_unrecognised_header, {}, "header_not_recognised", "必要な見出し"),
    "formula without a cached value": (lambda: _sheet_with("O5", "=SUM(P5:Q5)"), {}, "formula_without_value", "数式"),
    "date where a number belongs": (lambda: _sheet_with("P5", datetime.date(2024, 3, 31)), {}, "date_not_number", "日付"),
    "excel error value": (lambda: _sheet_with("Q6", "#DIV/0!"), {}, "excel_error", "#DIV/0!"),
    "unknown phase mark": (lambda: _sheet_with("AC7", "×"), {}, "not_a_phase", "工程"),
    "boolean in a value cell": (lambda: _sheet_with("R8", True), {}, "boolean", "TRUE"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_workbook_is_refused_and_nothing_changes(name, dave):
    factory, overrides, code, words = CASES[name]
    data = factory()
    before = dump()
    with override_settings(**overrides), pytest.raises(ImportRefused) as refused:
        plan_import_apply(data=data, file_name=f"{name}.xlsx", user=dave, strategy_code="sasebo-new",
                          new_strategy=SASEBO_CITY, create_missing=True)
    assert dump() == before
    problem = next((p for p in refused.value.problems if p.code == code), None)
    assert problem is not None, [p.text() for p in refused.value.problems]
    assert words in problem.ja and problem.en


def test_cell_problems_name_sheet_row_column_and_value(dave):
    data = _sheet_with("P5", datetime.date(2024, 3, 31))
    with pytest.raises(ImportRefused) as refused:
        plan_import_apply(data=data, file_name="x.xlsx", user=dave, strategy_code="sasebo-new",
                          new_strategy=SASEBO_CITY, create_missing=True)
    problem = next(p for p in refused.value.problems if p.code == "date_not_number")
    assert (problem.sheet, problem.row, problem.column) == ("活動指標", 5, "P")
    assert problem.heading == "活動指標 / R3実績"
    assert problem.value == "2024-03-31 00:00:00"
    assert "シート「活動指標」 5行目 P列（活動指標 / R3実績）" in problem.text()


def test_header_refusal_lists_the_expected_headings(dave):
    with pytest.raises(ImportRefused) as refused:
        plan_import_apply(data=_unrecognised_header(), file_name="x.xlsx", user=dave, strategy_code="sasebo-dx")
    message = refused.value.problems[0]
    assert "年度の列" in message.ja and "fiscal-year columns" in message.en
    assert "名称、担当、メモ" in message.ja  # what was found


def test_one_bad_row_among_good_ones_stores_nothing(dave):
    before = dump()
    with pytest.raises(ImportRefused):
        plan_import_apply(data=_sheet_with("AC20", "△"), file_name="x.xlsx", user=dave, strategy_code="sasebo-new",
                          new_strategy=SASEBO_CITY, create_missing=True)
    assert dump() == before


def test_unknown_departments_are_listed_not_guessed(dave):
    """Into the demo's Sasebo (departments exist) with a misspelt department and no decision."""
    book = sasebo_project_list(read_csv("projects.csv")[:5])
    book.active["C4"] = "観光商工局"
    before = dump()
    with pytest.raises(ImportRefused) as refused:
        plan_import_apply(data=save(book), file_name="x.xlsx", user=dave, strategy_code="sasebo-dx")
    assert dump() == before
    unknown = [p for p in refused.value.problems if p.code == "unknown_department"]
    assert len(unknown) == 1 and "観光商工局" in unknown[0].ja and "sheet" in unknown[0].en + "sheet"
    assert "活動指標!4" in unknown[0].ja


def test_command_refuses_with_the_problems_and_stores_nothing(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes("a,b\n1,2\n".encode())
    before = dump()
    with pytest.raises(CommandError, match="何も保存していません"):
        call_command("import_plan", str(path), "--strategy", "sasebo-dx")
    assert "CSV" in capsys.readouterr().err
    assert dump() == before
