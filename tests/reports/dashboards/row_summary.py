"""The row-by-row summary the dashboards used before they counted in the database
(reports.dashboards.aggregates): plain Python over graded rows, kept here as the
reference that test_aggregates checks the database's figures and list orders against.
test_summary checks this reference itself against figures worked out by hand."""

from collections import Counter
from dataclasses import dataclass

from kpis.models import IndicatorKind
from reports.dashboards.selectors import DepartmentRow
from reports.dashboards.summary import BEHIND, Graded, TrackerRow, distribution, is_behind, rollup


def by_kind(graded, bands) -> list[tuple[str, str, dict[str, int]]]:
    """(kind, label, distribution) for each kind present, in IndicatorKind order."""
    groups = {kind: [] for kind in IndicatorKind.values}
    for g in graded:
        groups.setdefault(g.row.kind, []).append(g)
    return [(kind, IndicatorKind(kind).label, distribution(items, bands)) for kind, items in groups.items() if items]


def rollups(keys, graded, bands, key_of) -> dict:
    """A Rollup per key (e.g. basic policy id) in the order given; rows whose key is
    not listed are left out."""
    groups = {key: [] for key in keys}
    for g in graded:
        group = groups.get(key_of(g.row))
        if group is not None:
            group.append(g)
    return {key: rollup(key, items, bands) for key, items in groups.items()}


def tracker(rows, fiscal_year: int, departments: dict[int, DepartmentRow]) -> list[TrackerRow]:
    """Entry statuses of `fiscal_year` per responsible department, in department order.

    Statuses say nothing about the figures, so every role sees every department's row.
    """
    counts: dict[int | None, Counter] = {}
    for row in rows:
        value = row.values.get(fiscal_year)
        if value is not None:
            counts.setdefault(row.department_id, Counter())[value.status] += 1
    order = {pk: i for i, pk in enumerate(departments)}
    return [
        TrackerRow(departments.get(pk), dict(c), sum(c.values()))
        for pk, c in sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))
    ]


@dataclass
class Changes:
    worse: list[Graded]
    better: list[Graded]
    newly_behind: list[Graded]


def changes(graded, bands) -> Changes:
    """Grade changes from the year before among indicators evaluated in both years, and
    indicators behind now that were not behind then (including newly evaluated ones)."""
    rank = {band.grade: i for i, band in enumerate(bands)}
    worse, better, newly = [], [], []
    for g in graded:
        now, before = rank.get(g.grade), rank.get(g.previous)
        if now is not None and before is not None and now != before:
            (worse if now > before else better).append(g)
        if is_behind(g.grade, bands) and not is_behind(g.previous, bands):
            newly.append(g)
    worse.sort(key=lambda g: (rank[g.previous] - rank[g.grade], g.row.policy_id or 0))
    return Changes(worse, better, newly)


def grade_matches(g: Graded, grade: str, bands) -> bool:
    if not grade:
        return True
    return is_behind(g.grade, bands) if grade == BEHIND else g.grade == grade
