"""How much an uploaded workbook may make the import read: the one home of every limit.

A 15 MB file can hold a 157 MB shared-strings part that passes a size and a zip-bomb check
and then takes a worker to 1.4 GB. So each thing the reader materialises is bounded, and
beyond a bound the file is refused (imports.workbook says which limit, and where) before
anything is stored. With every figure below at its default, reading any accepted file stays
under PEAK_RSS_MB of peak RSS in a worker process (measured by tests/imports/hostile/
test_hostile_memory.py on the worst accepted files, each read in a fresh process: ~160 MB
for a million shared strings and for a 64 MB part of 4-byte characters; the probe's file
took 428 MB before these limits and is now refused at 75 MB).

| limit | default | why this figure |
|---|---|---|
| `max_bytes` | 20 MB | the upload itself (setting DXPLAN_IMPORT_MAX_BYTES) |
| `max_rows` | 100,000 | rows of one sheet (setting DXPLAN_IMPORT_MAX_ROWS) |
| `max_inflation` | 200 × | a part that inflates more than this from its compressed size is a zip bomb; real xlsx parts inflate 5–20 × |
| `max_inflated_total` | 400 MB | all parts together, uncompressed (twenty times `max_bytes`): bounds the reading time |
| `max_shared_strings_part` | 64 MB | xl/sharedStrings.xml uncompressed; read whole into memory by openpyxl, so bounded tightly |
| `max_shared_strings` | 1,000,000 | strings in it (each costs ~60 bytes of Python objects before its text) |
| `max_shared_string_chars` | 20,000,000 | their characters together (up to 4 bytes each in memory) |
| `max_styles_part` | 8 MB | xl/styles.xml, parsed whole into openpyxl objects; a bloated one with 64,000 cell formats is ~6 MB |
| `max_other_xml_part` | 8 MB | every other XML part openpyxl parses whole (workbook.xml, relationships, theme, properties) |
| `max_sheet_part` | 256 MB | one sheet's XML uncompressed; streamed, so this bounds time: 100,000 rows as openpyxl writes them are ~170 MB |
| `max_text_bytes` | 1 MB | one run of text between two tags (a cell's or a shared string's text): Excel itself stops at 32,767 characters (≤ 0.6 MB as escaped UTF-8) |
| `max_columns` | 1,000 | the widest column a sheet may use (the widest format, the data export, has 39) |
| `max_cells` | 5,000,000 | cells of one sheet: its declared rows × columns, and the cells read |
| `max_merged_ranges` | 100,000 | merged ranges of one sheet, all kept in memory while it is read |

Tests and deployments override any of them with the setting DXPLAN_IMPORT_LIMITS, a dict
keyed by these names (DXPLAN_IMPORT_MAX_BYTES and DXPLAN_IMPORT_MAX_ROWS stay as they were).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext_noop

from plans.language import stored

MB = 1024 * 1024
PEAK_RSS_MB = 300

# The import tasks on a worker (imports.tasks): at the soft limit the run ends "failed" with
# TIME_LIMIT_MESSAGE and its transaction rolled back; the hard limit kills a child that
# ignores it, and the page's sweep then marks the run failed. A 100,000-row import takes
# about a minute of CPU, so ten leave room for a loaded machine. The worker also replaces a
# child process whose memory passed CELERY_WORKER_MAX_MEMORY_PER_CHILD (settings) after a task.
TASK_SOFT_TIME_LIMIT = 10 * 60
TASK_HARD_TIME_LIMIT = 12 * 60
# A checked preview not confirmed within this many hours is cancelled (imports.services
# import_runs_expire, on reading the import pages): its figures grow stale as people keep
# entering values, so it must not wait 「確認済（確定待ち）」 for ever.
PREVIEW_EXPIRES_AFTER_HOURS = 24

# Kept by plans.language.stored, so each reader sees it in their language.
TIME_LIMIT_MESSAGE = stored(gettext_noop("The import took longer than the limit of %(minutes)s minutes and was "
                                         "stopped; nothing was stored. Split the file."),
                            minutes=TASK_SOFT_TIME_LIMIT // 60)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB
    max_rows: int = 100_000
    max_inflation: int = 200
    max_inflated_total: int = 400 * MB
    max_shared_strings_part: int = 64 * MB
    max_shared_strings: int = 1_000_000
    max_shared_string_chars: int = 20_000_000
    max_styles_part: int = 8 * MB
    max_other_xml_part: int = 8 * MB
    max_sheet_part: int = 256 * MB
    max_text_bytes: int = 1 * MB
    max_columns: int = 1_000
    max_cells: int = 5_000_000
    max_merged_ranges: int = 100_000


def current() -> Limits:
    """The limits in force: the defaults, then the settings."""
    limits = Limits()
    overrides = dict(getattr(settings, "DXPLAN_IMPORT_LIMITS", None) or {})
    if hasattr(settings, "DXPLAN_IMPORT_MAX_BYTES"):
        overrides.setdefault("max_bytes", settings.DXPLAN_IMPORT_MAX_BYTES)
    if hasattr(settings, "DXPLAN_IMPORT_MAX_ROWS"):
        overrides.setdefault("max_rows", settings.DXPLAN_IMPORT_MAX_ROWS)
    return replace(limits, **overrides)


def max_bytes() -> int:
    return current().max_bytes


def max_rows() -> int:
    return current().max_rows


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size / MB:.0f} MB"
