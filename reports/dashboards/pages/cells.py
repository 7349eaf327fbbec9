"""The fiscal-year cells of a step or project row, shared by the plan-tree pages and the roadmap."""

from __future__ import annotations

from plans.models import StepStatus
from projects.models import PHASE_MARKS, Phase, ProjectYear
from reports.dashboards import selectors


def _cell(year, labels) -> tuple[str, str]:
    """(CSS class, text) of a roadmap cell: a step's status or a project's phase mark and name."""
    if year is None:
        return "", ""
    if isinstance(year, ProjectYear):
        return f"ph-{year.phase}", labels[year.phase] + (" *" if year.is_start else "")
    return f"ss-{year.status}", labels[year.status]


def _current(fiscal_year, css, text, current):
    return fiscal_year, f"{css} current" if fiscal_year == current else css, text


def with_years(items, fiscal_years_, graded=None, *, current: int | None = None):
    """Hang `cells` ([(fiscal_year, css class, text)], built here because a roadmap page
    has thousands of them) and, for projects, `graded` (their indicators) on each item."""
    labels = {value: str(label) for value, label in StepStatus.choices}
    labels |= {value: f"{PHASE_MARKS[value]} {label}" for value, label in Phase.choices}
    by_project = selectors.group_by(graded or [], lambda g: g.row.project_id)
    for item in items:
        years = {y.fiscal_year: y for y in item.years.all()}
        item.cells = [_current(fy, *_cell(years.get(fy), labels), current) for fy in fiscal_years_]
        item.graded = by_project.get(item.pk, [])
    return items
