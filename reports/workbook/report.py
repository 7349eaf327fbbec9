"""The annual progress report workbook: plain rows in, an .xlsx written to a binary file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from openpyxl import Workbook

from reports.workbook import labels
from reports.workbook.cells import Styler, save
from reports.workbook.charts import ChartData
from reports.workbook.cover import open_cover, write_cover
from reports.workbook.policy import write_policy_sheet
from reports.workbook.projects import write_project_sheet
from reports.workbook.rows import PolicyGrades, PolicySection, ProjectRow, ReportMeta

Progress = Callable[[int, int], None]  # (sections done, sections in all)

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {labels.COVER_SHEET, labels.PROJECTS_SHEET, labels.CHART_DATA_SHEET}


def sheet_title(section: PolicySection, taken: set[str]) -> str:
    """『01-01 観光』: Excel allows 31 characters and no []:*?/\\; names must be unique."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", f"{section.code} {section.short_name or section.title}".strip())[:31]
    base = base.strip("'") or "_"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def build_report(out, meta: ReportMeta, sections: list[PolicySection], projects: Iterable[ProjectRow],
                 progress: Progress | None = None, *, grades: list[PolicyGrades], pending_texts: int = 0) -> None:
    """Write the report to `out`; `grades` are the cover's counts (reports.selectors.grades),
    `pending_texts` how many texts and statuses print 「未確定」 (reports.selectors.round_texts);
    `progress` is called after each section (policy sheet, list, save)."""
    workbook = Workbook(write_only=True)
    styler = Styler(workbook)
    cover = open_cover(workbook, styler, meta)
    chart_data = ChartData(workbook, styler, meta.fiscal_years)
    total = len(sections) + 2
    step = _progress(progress, total)

    taken = {name.casefold() for name in _RESERVED}
    for section in sections:
        write_policy_sheet(workbook, styler, meta, section, sheet_title(section, taken), chart_data)
        step()
    project_count, leading = write_project_sheet(workbook, styler, meta, projects)
    step()
    write_cover(cover, meta, grades, project_count, leading, pending_texts=pending_texts)
    _move_last(workbook, chart_data.sheet.ws)
    save(workbook, out, meta.as_of)
    step()


def _move_last(workbook, ws) -> None:
    """The hidden chart data goes last, after the sheets people read and print."""
    workbook._sheets.remove(ws)  # move_sheet looks sheets up by name, which write-only sheets don't support
    workbook._sheets.append(ws)


def _progress(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    return step
