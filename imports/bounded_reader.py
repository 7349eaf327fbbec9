"""openpyxl's package reader with imports.limits applied to what it materialises.

openpyxl reads the shared strings whole into a list (and its parser keeps every emptied
<si> element until the end), so a 157 MB strings part took a worker to 1.4 GB. Here they
are read with a bounded count and total length, each parsed element dropped at once; the
workbook part is size-checked before it is parsed; and every part opened (the strings,
each sheet) goes through BoundedSource, which refuses a run of text between
two tags longer than max_text_bytes, the one thing a size limit on the part cannot bound.
"""

from __future__ import annotations

import zipfile

from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader, _find_workbook_part
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from imports import limits
from imports.limits import megabytes
from imports.problems import ImportRefused, Problem

_TEXT_TAG, _RUN_TAG, _SI_TAG = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("t", "r", "si"))
# What BoundedSource hands the parser per read: interior runs of text are shorter than this,
# so measuring the runs that cross reads is enough (the limit must not be below it).
_CHUNK = 64 * 1024


def inline_text(node) -> str | None:
    """An inline or shared string's text (<is> / <si>: its <t>, or each rich-text run's <t>;
    phonetic runs left out), as openpyxl's Text.content gives it without building its
    rich-text objects: openpyxl writes every string inline, and those objects were most of
    the reading time."""
    parts = []
    for child in node:
        if child.tag == _TEXT_TAG:
            parts.append(child.text or "")
        elif child.tag == _RUN_TAG:
            text = child.find(_TEXT_TAG)
            if text is not None:
                parts.append(text.text or "")
    return "".join(parts) or None


def _text_too_long(part: str, sheet: str, limit: int) -> ImportRefused:
    where_ja = f"シート「{sheet}」" if sheet else f"共有文字列（{part}）"
    where_en = f"sheet '{sheet}'" if sheet else f"the shared strings ({part})"
    return ImportRefused([Problem(
        "text_too_long",
        f"{where_ja}に、1 つのセルの文字列としては長すぎるもの（{megabytes(limit)} 超）があります。"
        "Excel のセルは 32,767 文字までです。ファイルが壊れていないか確認してください。",
        f"{where_en[0].upper() + where_en[1:]} holds a text longer than one cell can ({megabytes(limit)}); "
        "an Excel cell holds at most 32,767 characters. Check that the file is not damaged.",
        sheet=sheet,
    )])


class BoundedSource:
    """A part's bytes as an XML parser reads them, refusing a text run over max_text_bytes.

    '<' cannot occur inside text or attribute values, so the bytes since the last '<' are the
    current run; runs inside one read are shorter than _CHUNK, so runs across reads are the
    ones to measure."""

    def __init__(self, raw, *, part: str, sheet: str = ""):
        self.raw, self.part, self.sheet = raw, part, sheet
        self.limit = max(limits.current().max_text_bytes, _CHUNK)
        self.run = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:  # zipfile.read() and whole-part readers
            return b"".join(iter(lambda: self._read(_CHUNK), b""))
        return self._read(min(size, _CHUNK))

    def _read(self, size: int) -> bytes:
        chunk = self.raw.read(size)
        first = chunk.find(b"<")
        if first == -1:
            self.run += len(chunk)
        elif self.run + first > self.limit:
            self.run += first
        else:
            self.run = len(chunk) - chunk.rfind(b"<") - 1
        if self.run > self.limit:
            raise _text_too_long(self.part, self.sheet, self.limit)
        return chunk

    def close(self):
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class BoundedArchive(zipfile.ZipFile):
    """The package as openpyxl reads it: every part it opens comes through BoundedSource
    (openpyxl parses each sheet once while loading, to find its size, and again per read)."""

    titles: dict[str, str] = {}  # sheet part → sheet title, once the workbook part is read

    def open(self, name, mode="r", *args, **kwargs):
        raw = super().open(name, mode, *args, **kwargs)
        if mode != "r":
            return raw
        part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return BoundedSource(raw, part=part, sheet=self.titles.get(part, ""))


def check_part(part: str, size: int, limit: int, kind_ja: str, kind_en: str, *, sheet: str = "") -> None:
    """Refuse a part over its limit uncompressed (the zip's declared size: zipfile returns no more)."""
    if size > limit:
        raise ImportRefused([Problem(
            "part_too_large",
            f"ブックの{kind_ja}の部分（{part}）が展開後 {megabytes(size)} あり、上限 {megabytes(limit)} を超えています。"
            "不要なシート・書式・文字列を削除して保存し直すか、ファイルを分けてください。",
            f"The {kind_en} part of the workbook ({part}) is {megabytes(size)} uncompressed, over the limit of "
            f"{megabytes(limit)}. Remove unused sheets, formats or texts and save again, or split the file.",
            sheet=sheet,
        )])


def _too_many_strings(part: str, what_ja: str, what_en: str, found: str, limit: str) -> ImportRefused:
    return ImportRefused([Problem(
        "too_many_shared_strings",
        f"共有文字列（{part}）の{what_ja}が上限（{limit}）を超えています（{found} 以上）。"
        "不要なシートや文字列を削除して保存し直すか、ファイルを分けてください。",
        f"The shared strings ({part}) hold more {what_en} ({found} or more) than the limit ({limit}). "
        "Remove unused sheets or texts and save again, or split the file.",
    )])


def read_shared_strings(source, part: str) -> list[str]:
    bounds = limits.current()
    strings, chars, root = [], 0, None
    for event, node in iterparse(source, events=("start", "end")):
        if root is None:
            root = node
            continue
        if event != "end" or node.tag != _SI_TAG:
            continue
        text = (inline_text(node) or "").replace("x005F_", "")  # openpyxl's unescape, kept for parity
        root.clear()  # the parsed <si> (and any before it): nothing keeps them
        strings.append(text)
        chars += len(text)
        if len(strings) > bounds.max_shared_strings:
            raise _too_many_strings(part, "数", "strings", f"{len(strings):,}", f"{bounds.max_shared_strings:,}")
        if chars > bounds.max_shared_string_chars:
            raise _too_many_strings(part, "文字数の合計", "characters", f"{chars:,}",
                                    f"{bounds.max_shared_string_chars:,}")
    return strings


class BoundedExcelReader(ExcelReader):
    """openpyxl's reader (read-only, values only) with the parts it reads whole bounded."""

    def __init__(self, source):
        super().__init__(source, read_only=True, keep_vba=False, data_only=True, keep_links=False)
        self.archive.close()  # leaves `source` open: it was passed in
        self.archive = BoundedArchive(source)

    def _part_size(self, part: str) -> int:
        return self.archive.getinfo(part).file_size

    def read_strings(self):
        content_type = self.package.find(SHARED_STRINGS)
        if content_type is None:
            return
        part = content_type.PartName[1:]
        check_part(part, self._part_size(part), limits.current().max_shared_strings_part, "共有文字列", "shared strings")
        with self.archive.open(part) as source:
            self.shared_strings = read_shared_strings(source, part)

    def read_workbook(self):
        part = _find_workbook_part(self.package).PartName[1:]
        check_part(part, self._part_size(part), limits.current().max_other_xml_part, "ブックの構成情報",
                   "workbook structure")
        super().read_workbook()

    def read_worksheets(self):
        bounds = limits.current()
        titles = {}
        for sheet, rel in self.parser.find_sheets():
            part = rel.target.lstrip("/")
            titles[part] = sheet.name
            if part in self.archive.NameToInfo:
                check_part(part, self._part_size(part), bounds.max_sheet_part, f"シート「{sheet.name}」",
                           f"sheet '{sheet.name}'", sheet=sheet.name)
        self.archive.titles = titles
        super().read_worksheets()
