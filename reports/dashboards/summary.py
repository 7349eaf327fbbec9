"""What the dashboards compute from the rows of reports.dashboards.selectors: grades as a
user may see them, roll-ups, the submission tracker, year-on-year changes, projections.

Plain Python on plain rows, no queries. Visibility asks kpis.permissions (the one place
the rules live): an actual the user may not see is graded 「－」 for them and counted
as hidden, so aggregates never leak another department's unapproved figures.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from kpis.models import EntryStatus
from kpis.permissions import actual_visible
from kpis.values import rounded_value
from plans import achievement
from reports.dashboards.selectors import DepartmentRow, IndicatorRow, ValueRow

NOT_EVALUABLE = achievement.NOT_EVALUABLE
BEHIND = "behind"  # filter value: evaluated and below the top band


def can_see(user, row: IndicatorRow, value: ValueRow | None) -> bool:
    return value is not None and actual_visible(user, status=value.status, department_id=row.department_id)


class _Visibility:
    """can_see, asked once per (status, department): the rules read nothing else."""

    def __init__(self, user):
        self.user, self.known = user, {}

    def __call__(self, row, value) -> bool:
        if value is None:
            return False
        key = (value.status, row.department_id)
        if key not in self.known:
            self.known[key] = can_see(self.user, row, value)
        return self.known[key]


class Grader:
    """Grades by a strategy's bands, each distinct rate graded once per request."""

    def __init__(self, bands):
        self.bands = bands
        self.tones = {band.grade: str(i % 6) for i, band in enumerate(bands)}
        self.known: dict = {}

    def __call__(self, rate: Decimal | None) -> str:
        if rate not in self.known:
            self.known[rate] = achievement.grade(rate, self.bands)
        return self.known[rate]

    def tone(self, grade: str | None) -> str:
        """CSS class suffix: the band's position (dashboards.css follows figures.GRADE_COLOURS),
        "na" for 「－」."""
        return self.tones.get(grade, "na")


def tone(grade: str | None, bands) -> str:
    return Grader(bands).tone(grade)


def segments(distribution: dict[str, int], bands) -> list[tuple[str, int, str, float]]:
    """(grade, count, tone, percent) for a stacked bar in HTML."""
    total = sum(distribution.values())
    return [(g, n, tone(g, bands), 100 * n / total if total else 0) for g, n in distribution.items()]


def is_behind(grade: str | None, bands) -> bool:
    return grade not in (None, NOT_EVALUABLE, bands[0].grade)


@dataclass(slots=True)
class Graded:
    row: IndicatorRow
    value: ValueRow | None
    visible: bool
    grade: str
    previous: str | None = None  # grade the year before, as this user may see it
    grader: Grader | None = None

    @property
    def tone(self) -> str:
        return self.grader.tone(self.grade)

    @property
    def previous_tone(self) -> str:
        return self.grader.tone(self.previous)

    @property
    def hidden(self) -> bool:
        """An evaluable actual exists but this user may not see it yet."""
        return not self.visible and self.value is not None and self.value.rate is not None

    @property
    def rate(self) -> Decimal | None:
        return self.value.rate if self.visible and self.value else None

    @property
    def status_label(self) -> str:
        return EntryStatus(self.value.status).label if self.value else ""


def grade_rows(rows, fiscal_year: int, bands, user, *, previous_year: int | None = None) -> list[Graded]:
    result = []
    visible_to = _Visibility(user)
    grader = Grader(bands)
    for row in rows:
        value = row.values.get(fiscal_year)
        visible = visible_to(row, value)
        previous = None
        if previous_year is not None:
            before = row.values.get(previous_year)
            previous = grader(before.rate if visible_to(row, before) else None)
        result.append(Graded(row, value, visible, grader(value.rate if visible else None), previous, grader))
    return result


def distribution(graded, bands) -> dict[str, int]:
    return achievement.grade_distribution((g.grade for g in graded), bands)


def median_rate(graded) -> Decimal | None:
    """Median, not mean: one indicator at 1,000 % must not hide the others."""
    rates = [g.rate for g in graded if g.rate is not None]
    return Decimal(statistics.median(rates)).quantize(Decimal("0.1")) if rates else None


@dataclass
class Rollup:
    """One basic policy (or measure) for a fiscal year."""

    key: object
    distribution: dict[str, int]
    total: int
    evaluated: int
    behind: int
    hidden: int
    median_rate: Decimal | None
    behind_departments: list[tuple[DepartmentRow | None, int]]  # (department, behind count), most first
    segments: list[tuple] = field(default_factory=list)

    @property
    def achieved(self) -> int:
        return self.evaluated - self.behind


def rollup(key, graded, bands) -> Rollup:
    behind = [g for g in graded if is_behind(g.grade, bands)]
    counts = Counter(g.row.department_id for g in behind)
    departments = {g.row.department_id: g.row.department for g in behind}
    counted = distribution(graded, bands)
    return Rollup(
        key=key, distribution=counted, segments=segments(counted, bands), total=len(graded),
        evaluated=sum(g.grade != NOT_EVALUABLE for g in graded), behind=len(behind),
        hidden=sum(g.hidden for g in graded), median_rate=median_rate(graded),
        behind_departments=[(departments[pk], n) for pk, n in
                            sorted(counts.items(), key=lambda item: (-item[1], item[0] or 0))],
    )


@dataclass
class TrackerRow:
    department: DepartmentRow | None
    counts: dict[str, int]
    total: int

    @property
    def approved(self) -> int:
        return self.counts.get(EntryStatus.APPROVED, 0)

    @property
    def waiting(self) -> int:
        """Rows the department still owes (not entered, draft, returned)."""
        return sum(self.counts.get(s, 0) for s in (EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED))

    @property
    def approved_percent(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0

    @property
    def segments(self) -> list[tuple[str, str, int, float]]:
        """(status, label, count, percent) of every status present, in workflow order."""
        return [
            (status, label, self.counts[status], 100 * self.counts[status] / self.total)
            for status, label in EntryStatus.choices if self.counts.get(status)
        ]


def matches(row: IndicatorRow, filters, departments: dict[int, DepartmentRow], members=None) -> bool:
    """Whether a row passes the URL filters that do not depend on the grade."""
    if filters.kind and row.kind != filters.kind:
        return False
    if filters.leading and not row.leading:
        return False
    if filters.policy and row.policy_id != filters.policy:
        return False
    if filters.department:
        department = departments.get(row.department_id)
        if department is None or filters.department not in (department.id, department.parent_id):
            return False
    if members is not None:
        policies, measures, projects = members
        if not (row.policy_id in policies or row.measure_id in measures or row.project_id in projects):
            return False
    return True


# --- one indicator -----------------------------------------------------------------------


@dataclass
class Projection:
    points: int  # numeric actuals used
    start: tuple[int, Decimal] | None = None  # last actual
    projected: Decimal | None = None
    target: tuple[int, Decimal] | None = None
    reaches: bool | None = None


RECENT_YEARS = 3  # "the recent trend": the last three years with a numeric actual


def projection(actuals: dict[int, achievement.Value], target, *, direction: str, tolerance,
               places: int | None = None) -> Projection:
    """The recent trend read at the target's year. With `places` the projection is rounded to
    the indicator's decimals before it is judged, so the sentence and its verdict agree."""
    points = [(fy, v) for fy, v in sorted(actuals.items()) if v.is_number][-RECENT_YEARS:]
    result = Projection(points=len(points))
    if target is None or len(points) < 2:
        return result
    target_fy, target_number = target[0], target[1]
    last_fy, last = points[-1]
    if target_fy <= last_fy:
        return result
    result.start, result.target = (last_fy, last.number), (target_fy, target_number)
    result.projected = achievement.project_trend(points, target_fy)
    if places is not None and result.projected is not None:
        result.projected = rounded_value(result.projected, places).number
    result.reaches = achievement.will_reach_target(
        projected=result.projected, target=target_number, direction=direction, tolerance=tolerance
    )
    return result
