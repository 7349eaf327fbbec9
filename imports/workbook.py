"""Opening an uploaded workbook safely, and streaming its rows.

Refused before any parsing: files over the size limit, files that are not xlsx (legacy
.xls, password-protected xlsx — both OLE2 containers —, CSV or HTML renamed to .xlsx,
OpenDocument, Word), macro-enabled workbooks, zip bombs, parts over their uncompressed
limit. Refused while reading: corrupt parts, and anything over imports.limits (shared
strings, rows, columns, cells, merged ranges, text per cell). Hidden sheets are not read. Rows are streamed from openpyxl's read-only parser, so memory does not grow
with the sheet; merged ranges are known once a sheet has been read to its end.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number

from imports import limits
from imports.bounded_reader import BoundedExcelReader, check_part, inline_text
from imports.limits import max_bytes  # re-exported: imports.services reads it here
from imports.problems import ImportRefused, Problem
from imports.values import ErrorValue, Formatted, FormulaWithoutValue

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHEET_PART_RE = re.compile(r"xl/worksheets/sheet[0-9]+\.xml")
_XML_PART_SUFFIXES = (".xml", ".rels", ".vml")


def _refuse(code: str, ja: str, en: str, **where) -> ImportRefused:
    return ImportRefused([Problem(code, ja, en, **where)])


def _ole_stream_names(data: bytes) -> set[str]:
    """Names in an OLE2 (Compound File) directory; {} when it cannot be walked."""
    try:
        sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
        fat_count, directory_start = struct.unpack_from("<I", data, 44)[0], struct.unpack_from("<I", data, 48)[0]
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76)[:fat_count]]
        fat = []
        for sector in fat_sectors:
            start = (sector + 1) * sector_size
            fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, start))
        names, sector, seen = set(), directory_start, set()
        while sector < 0xFFFFFFFA and sector not in seen and len(seen) < 10_000:
            seen.add(sector)
            start = (sector + 1) * sector_size
            for offset in range(start, start + sector_size, 128):
                length = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= length <= 64:
                    names.add(data[offset:offset + length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector]
        return names
    except (struct.error, IndexError):
        return set()


def _looks_like_text(head: bytes) -> str | None:
    """'csv' / 'html' when the bytes are text rather than a binary workbook."""
    for encoding in ("utf-8-sig", "cp932", "utf-16"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    lowered = text.lstrip().lower()
    if lowered.startswith(("<html", "<!doctype html", "<table", "<?xml")) or "<table" in lowered[:2000]:
        return "html"
    if "\x00" in text:
        return None
    return "csv"


def sniff(data: bytes, *, file_name: str = "") -> None:
    """Raise ImportRefused unless the bytes are an xlsx within the limits."""
    limit = max_bytes()
    if len(data) > limit:
        raise _refuse(
            "too_large",
            f"ファイルが大きすぎます（{len(data) / 1048576:.1f} MB、上限 {limit / 1048576:.0f} MB）。シートを分けるなどしてください。",
            f"The file is too large ({len(data) / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB).",
        )
    if not data:
        raise _refuse("empty_file", "ファイルが空です（0 バイト）。", "The file is empty (0 bytes).")
    if data.startswith(OLE2_MAGIC):
        names = _ole_stream_names(data)
        if {"EncryptedPackage", "EncryptionInfo"} & names or (not names and "EncryptedPackage".encode("utf-16-le") in data):
            raise _refuse(
                "password_protected",
                "パスワードで保護されたファイルは読み込めません。Excel でパスワードを解除して保存し直してください。",
                "Password-protected files cannot be read. Remove the password in Excel and save the file again.",
            )
        raise _refuse(
            "xls",
            "古い Excel 形式（.xls）のファイルです。Excel で「Excel ブック（*.xlsx）」として保存し直してください。",
            "This is a legacy Excel file (.xls). Save it as an Excel workbook (*.xlsx) and upload that.",
        )
    if not data.startswith(b"PK"):
        kind = _looks_like_text(data[:4096])
        if kind == "csv":
            raise _refuse(
                "csv",
                "CSV（テキスト）ファイルの拡張子が .xlsx になっています。Excel で開いて「Excel ブック（*.xlsx）」として保存してください。",
                "This is a CSV (text) file with an Excel extension. Open it in Excel and save it as a workbook (*.xlsx).",
            )
        if kind == "html":
            raise _refuse(
                "html",
                "Web ページ（HTML）を Excel の拡張子で保存したファイルです。Excel で開いて「Excel ブック（*.xlsx）」として保存してください。",
                "This is a web page (HTML) saved with an Excel extension. Save it as an Excel workbook (*.xlsx).",
            )
        raise _refuse(
            "not_xlsx",
            f"Excel ブック（.xlsx）ではありません（{file_name or 'ファイル'}）。",
            f"This is not an Excel workbook (.xlsx): {file_name or 'the file'}.",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _corrupt() from None
    names = {info.filename for info in infos}
    if "mimetype" in names and b"opendocument" in _head_of(archive, "mimetype"):
        raise _refuse(
            "ods",
            "OpenDocument 形式（.ods）のファイルです。「Excel ブック（*.xlsx）」として保存し直してください。",
            "This is an OpenDocument spreadsheet (.ods). Save it as an Excel workbook (*.xlsx).",
        )
    if "xl/workbook.xml" not in names:
        raise _refuse(
            "not_xlsx",
            "Excel ブック（.xlsx）ではありません（Word 文書など別の形式の ZIP ファイルです）。",
            "This is a zip file but not an Excel workbook (e.g. a Word document).",
        )
    if "xl/vbaProject.bin" in names or b"macroEnabled" in _head_of(archive, "[Content_Types].xml", 1 << 16):
        raise _refuse(
            "macro_enabled",
            "マクロ付きのブック（.xlsm）は読み込めません。Excel で「Excel ブック（*.xlsx）」として保存し直してください。",
            "Macro-enabled workbooks (.xlsm) are not read. Save the file as an Excel workbook (*.xlsx).",
        )
    _check_inflation(infos)


def _head_of(archive: zipfile.ZipFile, name: str, size: int = 256) -> bytes:
    """The first bytes of a part: enough to recognise it, never the whole of a hostile one."""
    try:
        with archive.open(name) as part:
            return part.read(size)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return b""


def _check_inflation(infos: list[zipfile.ZipInfo]) -> None:
    """Zip bombs, and parts over their limit uncompressed (the zip's sizes bound what zipfile returns)."""
    bounds = limits.current()
    inflated = sum(info.file_size for info in infos)
    if inflated > bounds.max_inflated_total or any(
        info.file_size > 1_000_000 and info.file_size > bounds.max_inflation * max(info.compress_size, 1) for info in infos
    ):
        raise _refuse(
            "zip_bomb",
            "展開後のサイズが異常に大きいため読み込みを中止しました。",
            "The file expands to an abnormal size, so it was not read.",
        )
    for info in infos:
        name = info.filename
        if name == "xl/sharedStrings.xml":
            check_part(name, info.file_size, bounds.max_shared_strings_part, "共有文字列", "shared strings")
        elif name == "xl/styles.xml":
            check_part(name, info.file_size, bounds.max_styles_part, "書式", "styles")
        elif name.endswith(_XML_PART_SUFFIXES) and not _SHEET_PART_RE.fullmatch(name):
            # Sheets are checked by title once the workbook names them (Workbook._check_sheet_parts).
            check_part(name, info.file_size, bounds.max_other_xml_part, "ブックの構成情報", "workbook structure")


def _corrupt(sheet: str = "") -> ImportRefused:
    return _refuse(
        "corrupt",
        "ファイルが壊れているため読み込めません。Excel で開けるか確認し、保存し直してください。",
        "The file is damaged and cannot be read. Check that Excel can open it, then save it again.",
        sheet=sheet,
    )


_NUMBER_FORMAT_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _format_shape(code: str) -> tuple[int, bool]:
    """(decimals shown, percent) of a number format such as '#,##0.0' or '0.00%'."""
    section = _NUMBER_FORMAT_QUOTED.sub("", code.split(";")[0])
    percent = "%" in section
    match = re.search(r"\.([0#?]+)", section)
    return (len(match.group(1)) if match else 0), percent


class _RowParser(WorkSheetParser):
    """openpyxl's read-only parser, returning (column, value) pairs with the markers of
    imports.values: formulas without a cached value, error values, decimals and
    percent from the number format."""

    def __init__(self, source, shared_strings, styles, epoch):
        super().__init__(source, shared_strings, data_only=True, epoch=epoch)
        self.styles = styles
        self._columns = {}

    def parse_cell(self, element):
        coordinate = element.get("r")
        if coordinate:
            letters = coordinate.rstrip("0123456789")
            column = self._columns.get(letters)
            if column is None:
                column = self._columns[letters] = column_index_from_string(letters)
            self.col_counter = column
        else:
            self.col_counter += 1
            column = self.col_counter
        data_type = element.get("t", "n")
        if data_type == "inlineStr":
            child = element.find(INLINE_STRING)
            return column, inline_text(child) if child is not None else None
        value = element.findtext(VALUE_TAG, None) or None
        if value is None:
            formula = element.find(FORMULA_TAG)
            return column, None if formula is None else FormulaWithoutValue(formula.text or "")
        if data_type == "n":
            number = _cast_number(value)
            style = element.get("s")
            shape = self.styles.get(int(style)) if style else None
            if shape is None:
                return column, number
            if shape[0] == "date":
                try:
                    return column, from_excel(number, self.epoch, timedelta=shape[1])
                except (OverflowError, ValueError):
                    return column, ErrorValue("#VALUE!")
            return column, Formatted(number, shape[1], shape[2])
        if data_type == "s":
            return column, self.shared_strings[int(value)]
        if data_type == "b":
            return column, bool(int(value))
        if data_type == "e":
            return column, ErrorValue(value)
        if data_type == "d":
            return column, from_ISO8601(value)
        return column, value  # "str": the text result of a formula


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class Sheet:
    def __init__(self, book: Workbook, worksheet):
        self.book, self.worksheet, self.title = book, worksheet, worksheet.title
        self._merged = None

    @property
    def merged_ranges(self) -> list[tuple[int, int, int, int]]:
        """(min_col, min_row, max_col, max_row) of every merged range.

        They sit after the cells in the sheet's XML, so the raw bytes are scanned for them
        before the rows are parsed: headers and cells merged over several rows are then
        known while streaming.
        """
        if self._merged is None:
            bounds = limits.current()
            found, buffer = [], b""
            try:
                with self.worksheet._get_source() as source:
                    while True:
                        chunk = source.read(1 << 20)
                        buffer += chunk
                        # Keep the last bytes for the next round: an element cut by the chunk
                        # boundary starts there (a mergeCell element is far shorter than 300).
                        end = len(buffer) - (300 if chunk else 0)
                        found += [m.group(1) for m in _MERGE_RE.finditer(buffer) if m.start() < end]
                        buffer = buffer[max(end, 0):]
                        if not chunk:
                            break
                        if len(found) > bounds.max_merged_ranges:
                            raise _refuse(
                                "too_many_merged_ranges",
                                f"結合されたセル範囲が上限（{bounds.max_merged_ranges:,} 個）を超えています。"
                                "不要なセルの結合を解除してください。",
                                f"The sheet has more merged ranges than the limit ({bounds.max_merged_ranges:,}). "
                                "Unmerge the cells that need not be merged.",
                                sheet=self.title,
                            )
            except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
                raise _corrupt(self.title) from error
            self._merged = [range_boundaries(ref.decode()) for ref in found]
            widest = max((merged[2] for merged in self._merged), default=0)
            if widest > bounds.max_columns:
                raise self._too_wide(widest, bounds.max_columns)
        return self._merged

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) for each row that has a cell; values[0] is column A.

        Every cell of a merged range carries the range's value (its top-left cell), so a
        heading merged over its columns, or a 重点課題 merged over its projects' rows,
        reads the same in each.
        """
        bounds = limits.current()
        limit = bounds.max_rows
        declared_rows, declared_columns = self.worksheet.max_row or 0, self.worksheet.max_column or 0
        if declared_rows > limit:
            raise self._too_many(declared_rows, limit)
        if declared_columns > bounds.max_columns:
            raise self._too_wide(declared_columns, bounds.max_columns)
        if declared_rows * declared_columns > bounds.max_cells:
            raise self._too_many_cells(f"{declared_rows:,} 行 × {declared_columns:,} 列",
                                       f"{declared_rows:,} rows × {declared_columns:,} columns", bounds.max_cells)
        starts = {}
        for merged in self.merged_ranges:
            starts.setdefault(merged[1], []).append(merged)
        active = []  # (min_col, max_col, max_row, value)
        cells_read = 0
        try:
            with self.worksheet._get_source() as source:
                parser = _RowParser(source, self.worksheet._shared_strings, self.book.styles, self.book.epoch)
                for number, cells in parser.parse():
                    if number > limit:
                        raise self._too_many(number, limit)
                    if not cells and not active:
                        continue
                    width = cells[-1][0] if cells else 0
                    if width > bounds.max_columns:
                        raise self._too_wide(width, bounds.max_columns, row=number)
                    cells_read += len(cells)
                    if cells_read > bounds.max_cells:
                        raise self._too_many_cells(f"{cells_read:,} セル", f"{cells_read:,} cells", bounds.max_cells,
                                                   row=number)
                    values = [None] * width
                    for column, value in cells:
                        values[column - 1] = value
                    if active or number in starts:
                        values = self._fill_merged(number, values, starts, active)
                    yield number, values
        except ImportRefused:
            raise
        except (zipfile.BadZipFile, ParseError, KeyError, IndexError, ValueError, EOFError, OSError,
                TypeError) as error:
            raise _corrupt(self.title) from error

    @staticmethod
    def _fill_merged(number, values, starts, active):
        active[:] = [item for item in active if item[2] >= number]
        for min_col, _min_row, max_col, max_row in starts.get(number, ()):
            top_left = values[min_col - 1] if min_col <= len(values) else None
            if top_left is not None:
                active.append((min_col, max_col, max_row, top_left))
        for min_col, max_col, _max_row, value in active:
            if len(values) < max_col:
                values.extend([None] * (max_col - len(values)))
            for index in range(min_col - 1, max_col):
                if values[index] is None:
                    values[index] = value
        return values

    def _too_many(self, rows: int, limit: int) -> ImportRefused:
        return _refuse(
            "too_many_rows",
            f"行数が上限（{limit:,} 行）を超えています（{rows:,} 行）。ファイルを分けてください。",
            f"The sheet has more rows ({rows:,}) than the limit ({limit:,}). Split the file.",
            sheet=self.title,
        )

    def _too_wide(self, columns: int, limit: int, *, row: int | None = None) -> ImportRefused:
        return _refuse(
            "too_many_columns",
            f"列数が上限（{limit:,} 列、{get_column_letter(limit)} 列まで）を超えています"
            f"（{get_column_letter(columns)} 列まで使われています）。不要な列を削除してください。",
            f"The sheet uses columns up to {get_column_letter(columns)}, beyond the limit of {limit:,} columns "
            f"(up to {get_column_letter(limit)}). Delete the unused columns.",
            sheet=self.title, row=row,
        )

    def _too_many_cells(self, found_ja: str, found_en: str, limit: int, *, row: int | None = None) -> ImportRefused:
        return _refuse(
            "too_many_cells",
            f"セル数が上限（{limit:,} セル）を超えています（{found_ja}）。ファイルを分けるか、不要な行・列を削除してください。",
            f"The sheet has more cells ({found_en}) than the limit ({limit:,} cells). Split the file or delete "
            "unused rows and columns.",
            sheet=self.title, row=row,
        )


class Workbook:
    """An uploaded workbook, checked (sniff) and opened with imports.limits applied.

    Hidden sheets are not read: what is imported is what the clerk sees in Excel. Their
    titles are in `hidden_sheets`, for the preview to say so."""

    def __init__(self, data: bytes, *, file_name: str = ""):
        sniff(data, file_name=file_name)
        try:
            reader = BoundedExcelReader(io.BytesIO(data))
            reader.read()
        except ImportRefused:
            raise
        except Exception as error:  # openpyxl raises many kinds on a damaged package
            raise _corrupt() from error
        self._wb = reader.wb
        self.epoch = self._wb.epoch
        self.styles = self._styles()
        worksheets = [ws for ws in self._wb.worksheets if hasattr(ws, "_get_source")]
        self.sheets = [Sheet(self, ws) for ws in worksheets if ws.sheet_state == "visible"]
        self.hidden_sheets = [ws.title for ws in worksheets if ws.sheet_state != "visible"]

    def _styles(self) -> dict:
        """style id → ('date', timedelta) or ('number', decimals, percent); plain ones left out."""
        wb, shapes = self._wb, {}
        for style_id, style in enumerate(wb._cell_styles):
            if style_id in wb._date_formats:
                shapes[style_id] = ("date", style_id in wb._timedelta_formats)
                continue
            fmt_id = style.numFmtId
            code = (BUILTIN_FORMATS.get(fmt_id, "General") if fmt_id < BUILTIN_FORMATS_MAX_SIZE
                    else wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE])
            decimals, percent = _format_shape(code)
            if decimals or percent:
                shapes[style_id] = ("number", decimals, percent)
        return shapes

    def sheet(self, title: str) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.title == title), None)

    def close(self):
        self._wb.close()
