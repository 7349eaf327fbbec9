"""Hostile workbooks, made by the tests (no big binaries in the tree).

Each builder returns bytes, or writes a file when the workbook is large (the shared-strings
bomb is streamed into its zip, so the test process never holds it whole). Parts are edited
as XML text on an openpyxl-written Sasebo project list, the one format every case starts
from. `encrypted.xlsx` beside this file is the one committed workbook: openpyxl cannot
encrypt, so it was made once with msoffcrypto-tool 6.1.0 (`OOXMLFile(plain).encrypt("dxplan",
out)` on a one-cell openpyxl workbook); 10 KB.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl

from tests.imports.import_builders import read_csv, sasebo_project_list, save

HERE = Path(__file__).resolve().parent
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def project_list(rows: int = 20) -> openpyxl.Workbook:
    return sasebo_project_list(read_csv("projects.csv")[:rows])


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def edited(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    parts = parts_of(data)
    assert old in parts[part], (part, old)
    parts[part] = parts[part].replace(old, new, 1)
    return zipped(parts)


# --- shared strings ------------------------------------------------------------------------


def _with_strings_part(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Declare a shared-strings part (openpyxl writes every string inline, so it has none)."""
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _STRINGS_TYPE + b'"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdStrings" Type="' + _STRINGS_REL + b'" Target="sharedStrings.xml"/>'
                             b"</Relationships>")
    return parts


def write_with_strings(path: Path, strings: Iterator[str], *, base: bytes | None = None) -> Path:
    """The project list with a shared-strings part of `strings` (unused by its cells), streamed."""
    parts = _with_strings_part(parts_of(base or save(project_list())))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
        with archive.open(STRINGS, "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?>'
                       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            batch = []
            for text in strings:
                batch.append(f"<si><t>{text}</t></si>")
                if len(batch) >= 10_000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + "</sst>").encode())
    return path


def varied_texts(count: int, length: int, alphabet: str, *, seed: int = 14) -> Iterator[str]:
    """`count` texts of `length` characters drawn from `alphabet`: they compress like real
    text (a few times), not like a zip bomb."""
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choices(alphabet, k=length))


HEX = "0123456789abcdef"
KANJI = "事業計画推進市民行政手続窓口電子申請観光商工農林水産"
EMOJI = "😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰"


def shared_strings_bomb(path: Path) -> Path:
    """The probe's file: ~15 MB on disk, a 157 MB shared-strings part inside."""
    padding = "事業の概要と説明" * 4  # as repetitive as real texts: the part inflates ~10 x, like the probe's
    texts = (f"{KANJI[i % 16]}{i:09d}{padding}{t}" for i, t in enumerate(varied_texts(1_350_000, 4, HEX)))
    return write_with_strings(path, texts)


# --- sheets --------------------------------------------------------------------------------


def many_rows(rows: int = 200_000) -> bytes:
    """The project list's header, then `rows` rows of one cell each (its stale <dimension> kept,
    so the row limit must be found while streaming)."""
    data = save(project_list(3))
    parts = parts_of(data)
    body = "".join(f'<row r="{n}"><c r="K{n}" t="inlineStr"><is><t>事業{n}</t></is></c></row>'
                   for n in range(10, rows + 10)).encode()
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", body + b"</sheetData>", 1)
    return zipped(parts)


def cell(data: bytes, xml: bytes) -> bytes:
    """One more row (99) holding the given cell XML, at the end of the sheet's data."""
    return edited(data, SHEET, b"</sheetData>", b'<row r="99">' + xml + b"</row></sheetData>")


def formula_with_cached_value() -> bytes:
    """O5 (an R3 planned value) a formula whose cached result Excel saved: 12."""
    book = project_list()
    book.active["O5"] = "=SUM(1,11)"
    return edited(save(book), SHEET, b"<f>SUM(1,11)</f><v />", b"<f>SUM(1,11)</f><v>12</v>")


def formula_without_cached_value() -> bytes:
    book = project_list()
    book.active["O5"] = "=SUM(P5:Q5)"
    return save(book)


def date_serial_in_value_cell() -> bytes:
    """A planned value typed as a date: Excel stores the serial 45382, formatted as a date."""
    book = project_list()
    book.active["O5"] = 45382
    book.active["O5"].number_format = "yyyy/m/d"
    return save(book)


def header_merged_across() -> bytes:
    """The プロジェクト PID heading (J3) merged over the project name's heading (K3), which disappears."""
    book = project_list()
    book.active.merge_cells("J3:K3")
    return save(book)


def wrong_headers() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["名称", "担当", "メモ"])
    book.active.append(["事業A", "観光課", "—"])
    return save(book)


def plan_in_hidden_sheet() -> bytes:
    """A visible cover page, and the plan itself on a hidden sheet."""
    book = project_list()
    book.active.sheet_state = "hidden"
    cover = book.create_sheet("表紙", 0)
    cover["A1"] = "令和6年度 事業一覧"
    book.active = 0
    return save(book)


def hidden_copy_beside_plan() -> tuple[bytes, str]:
    """The plan, and a hidden sheet with an edited copy of it (renamed projects)."""
    book = project_list()
    copy = book.copy_worksheet(book.active)
    copy.title = "旧版"
    copy["K5"] = "隠れた旧版の事業名"
    copy.sheet_state = "hidden"
    return save(book), "隠れた旧版の事業名"


def macro_enabled() -> bytes:
    parts = parts_of(save(project_list()))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return zipped(parts)


def encrypted() -> bytes:
    return (HERE / "encrypted.xlsx").read_bytes()


def not_a_zip() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def long_text_cell(megabytes: int = 3) -> bytes:
    text = next(varied_texts(1, megabytes << 20, HEX)).encode()  # varied: not refused as a zip bomb
    return cell(save(project_list()), b'<c r="K99" t="inlineStr"><is><t>' + text + b"</t></is></c>")


def far_column() -> bytes:
    return cell(save(project_list()), b'<c r="BZZ99" t="inlineStr"><is><t>x</t></is></c>')


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{"&a%d;" % (i - 1) * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&a9;</t></si></sst>')
    parts = _with_strings_part(parts_of(save(project_list())))
    parts[STRINGS] = body.encode()
    return zipped(parts)

