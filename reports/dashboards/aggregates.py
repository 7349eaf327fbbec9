"""Grade counts, roll-ups and year-on-year changes computed by the database.

The overview and a basic policy page summarise every indicator under them (15,000 at
100× the Sasebo plan); loading them as rows would make those pages grow with the plan.
Here the database grades the stored rate (YearlyValue.rate) with the strategy's bands
and returns one row per (group, kind, department, entry status, grade) with a count, a
few hundred rows whatever the plan size. Visibility is then applied per group with
kpis.permissions (it depends only on the status and the department), so the figures are
those of grading each row as summary.grade_rows does; tests compare every figure with a
row-by-row reference (tests/reports/dashboards/row_summary.py) on real plans.

Medians and the year-on-year lists need visibility inside the query; they use
kpis.permissions.actual_visible_q, the SQL twin of the permission rule.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, FilteredRelation, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from kpis.models import Indicator, IndicatorKind
from kpis.permissions import actual_visible, actual_visible_q
from plans.achievement import NOT_EVALUABLE
from reports.dashboards import summary

POLICY_KEY = Coalesce("basic_policy_id", "measure__basic_policy_id", "project__basic_policy_id")
MEASURE_KEY = Coalesce("measure_id", "project__measure_id")
CURRENT, PREVIOUS = "cur", "prev"


def indicators(strategy, fiscal_year: int, *, previous: bool = False):
    """The strategy's indicators with `policy_key`, `measure_key` and their value of
    `fiscal_year` joined as `cur` (and of the year before as `prev`); an indicator
    without a value that year is kept, graded 「－」."""
    joined = {CURRENT: FilteredRelation("values", condition=Q(values__fiscal_year=fiscal_year))}
    if previous:
        joined[PREVIOUS] = FilteredRelation("values", condition=Q(values__fiscal_year=fiscal_year - 1))
    return Indicator.objects.filter(strategy=strategy).annotate(policy_key=POLICY_KEY, measure_key=MEASURE_KEY, **joined)


def grade_case(bands, rate: str) -> Case:
    """plans.achievement.grade in SQL: the first band whose minimum the rate reaches."""
    return Case(
        When(**{f"{rate}__isnull": True}, then=Value(NOT_EVALUABLE)),
        *(When(**{f"{rate}__gte": band.min_rate}, then=Value(band.grade)) for band in bands
          if band.min_rate.is_finite()),  # the lowest band may start at -Infinity: it is the default
        default=Value(bands[-1].grade), output_field=CharField(),
    )


def seen_grade(bands, user, alias: str):
    """The grade of the value joined as `alias` as `user` may see it (「－」 when hidden)."""
    graded = grade_case(bands, f"{alias}__rate")
    visible = actual_visible_q(user, f"{alias}__", department="responsible_department_id")
    if not visible:
        return graded
    return Case(When(visible, then=graded), default=Value(NOT_EVALUABLE), output_field=CharField())


@dataclass
class Groups:
    """Counts per (key, kind, department, status, raw grade) as one user sees them."""

    bands: list
    user: object
    rows: list[tuple] = field(default_factory=list)  # (key, kind, department_id, status, grade, n)

    def __post_init__(self):
        self._visible: dict = {}
        self._seen: list | None = None

    def visible(self, status, department_id) -> bool:
        key = (status, department_id)
        if key not in self._visible:
            self._visible[key] = status is not None and actual_visible(self.user, status=status, department_id=department_id)
        return self._visible[key]

    def seen(self) -> list[tuple]:
        """(key, kind, department_id, status, grade as seen, hidden, n) per group."""
        if self._seen is None:
            self._seen = []
            for key, kind, department_id, status, grade, n in self.rows:
                visible = self.visible(status, department_id)
                self._seen.append((key, kind, department_id, status, grade if visible else NOT_EVALUABLE,
                                   not visible and grade != NOT_EVALUABLE, n))
        return self._seen


def grade_group_rows(queryset, bands, *, key: str | None = None) -> list[tuple]:
    """One query: how many indicators per group key, kind, department, status and grade
    (raw grades: the same for every user; Groups applies what a user may see)."""
    columns = [key] if key else []
    rows = (
        queryset.annotate(entry_status=F(f"{CURRENT}__status"), raw_grade=grade_case(bands, f"{CURRENT}__rate"))
        .values_list(*columns, "kind", "responsible_department_id", "entry_status", "raw_grade")
        .annotate(n=Count("pk")).order_by()
    )
    return [row if key else (None, *row) for row in rows]


def grade_groups(queryset, bands, user, *, key: str | None = None) -> Groups:
    return Groups(bands, user, grade_group_rows(queryset, bands, key=key))


def _empty(bands) -> dict[str, int]:
    counts = {band.grade: 0 for band in bands}
    counts[NOT_EVALUABLE] = 0
    return counts


def distribution(groups: Groups) -> dict[str, int]:
    counts = _empty(groups.bands)
    for *_, grade, _hidden, n in groups.seen():
        counts[grade] += n
    return counts


def by_kind(groups: Groups) -> list[tuple[str, str, dict[str, int]]]:
    """(kind, label, distribution) of each kind present, in IndicatorKind order."""
    counts: dict = {}
    for _key, kind, _department, _status, grade, _hidden, n in groups.seen():
        counts.setdefault(kind, _empty(groups.bands))[grade] += n
    return [(kind, IndicatorKind(kind).label, counts[kind]) for kind in IndicatorKind.values if kind in counts]


def hidden(groups: Groups) -> int:
    return sum(n for *_, is_hidden, n in groups.seen() if is_hidden)


def total(groups: Groups) -> int:
    return sum(row[-1] for row in groups.rows)


def rollups(groups: Groups, keys, departments: dict, medians: dict) -> dict:
    """A summary.Rollup per key in `keys` (groups under other keys are left out), as
    summary.rollup makes of each key's graded rows; `medians` by key."""
    return _rollups(groups, keys, lambda key: key, departments, medians)


def rollup(groups: Groups, key, departments: dict, median) -> summary.Rollup:
    """One summary.Rollup of every group (e.g. all of a basic policy's indicators), as `key`."""
    return _rollups(groups, [key], lambda _group_key: key, departments, {key: median})[key]


def _rollups(groups: Groups, keys, key_of, departments: dict, medians: dict) -> dict:
    bands = groups.bands
    parts = {key: {"counts": _empty(bands), "total": 0, "hidden": 0, "behind": Counter()} for key in keys}
    for key, _kind, department_id, _status, grade, is_hidden, n in groups.seen():
        part = parts.get(key_of(key))
        if part is None:
            continue
        part["counts"][grade] += n
        part["total"] += n
        part["hidden"] += n if is_hidden else 0
        if summary.is_behind(grade, bands):
            part["behind"][department_id] += n
    result = {}
    for key, part in parts.items():
        counts, behind = part["counts"], part["behind"]
        result[key] = summary.Rollup(
            key=key, distribution=counts, segments=summary.segments(counts, bands), total=part["total"],
            evaluated=part["total"] - counts[NOT_EVALUABLE], behind=sum(behind.values()), hidden=part["hidden"],
            median_rate=medians.get(key),
            behind_departments=[(departments.get(pk), n) for pk, n in
                                sorted(behind.items(), key=lambda item: (-item[1], item[0] or 0))],
        )
    return result


def tracker(groups: Groups, departments: dict) -> list[summary.TrackerRow]:
    """Entry statuses of the year per responsible department, in department order.
    Statuses say nothing about the figures, so every role sees every department's row."""
    counts: dict = defaultdict(Counter)
    for _key, _kind, department_id, status, _grade, n in groups.rows:
        if status is not None:
            counts[department_id][status] += n
    order = {pk: i for i, pk in enumerate(departments)}
    return [
        summary.TrackerRow(departments.get(pk), dict(c), sum(c.values()))
        for pk, c in sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def medians(queryset, user, *, key: str | None) -> dict:
    """The median of the visible rates per key, or of all of them under None (one query:
    the one or two middle rates of each group, found with window functions), as
    summary.median_rate computes it."""
    visible = actual_visible_q(user, f"{CURRENT}__", department="responsible_department_id")
    rated = queryset.filter(visible, **{f"{CURRENT}__rate__isnull": False}) if visible else \
        queryset.filter(**{f"{CURRENT}__rate__isnull": False})
    rows = (
        rated.annotate(
            group_key=F(key) if key else Value(None, output_field=IntegerField()), value_rate=F(f"{CURRENT}__rate"),
            position=Window(RowNumber(), partition_by=[F(key)] if key else None,
                            order_by=[F(f"{CURRENT}__rate").asc()]),
            size=Window(Count("pk"), partition_by=[F(key)] if key else None),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .order_by()  # the indicators' default ordering would sort every row once more
        .values_list("group_key", "value_rate")
    )
    middle: dict = defaultdict(list)
    for group_key, rate in rows:
        middle[group_key].append(Decimal(rate))
    return {k: Decimal(statistics.median(rates)).quantize(Decimal("0.1")) for k, rates in middle.items()}


@dataclass
class ChangeSummary:
    """How many indicators changed grade since the year before, and the largest falls."""

    worse: int
    better: int
    newly_behind: int
    largest_falls: list = field(default_factory=list)  # summary.Graded, filled in by the page


def _rank(bands, grade_field: str) -> Case:
    return Case(*(When(**{grade_field: band.grade}, then=Value(i)) for i, band in enumerate(bands)),
                default=Value(None), output_field=IntegerField())


def _with_ranks(queryset, bands, user):
    return queryset.annotate(
        now_grade=seen_grade(bands, user, CURRENT), before_grade=seen_grade(bands, user, PREVIOUS),
    ).annotate(now_rank=_rank(bands, "now_grade"), before_rank=_rank(bands, "before_grade"))


def changes(queryset, bands, user) -> ChangeSummary:
    """Grade changes from the year before among indicators evaluated in both years, and
    indicators behind now that were not behind then (including newly evaluated ones), as
    `user` sees both years (`queryset` from indicators(previous=True))."""
    rank = {band.grade: i for i, band in enumerate(bands)}
    result = ChangeSummary(0, 0, 0)
    pairs = _with_ranks(queryset, bands, user).values_list("now_grade", "before_grade").annotate(n=Count("pk")).order_by()
    for now, before, n in pairs:
        if now in rank and before in rank and now != before:
            if rank[now] > rank[before]:
                result.worse += n
            else:
                result.better += n
        if summary.is_behind(now, bands) and not summary.is_behind(before, bands):
            result.newly_behind += n
    return result


def largest_falls(queryset, bands, user, limit: int) -> list[int]:
    """Ids of the indicators whose grade fell most: largest fall first, then by basic
    policy id, then plan order."""
    return list(
        _with_ranks(queryset, bands, user)
        .filter(now_rank__gt=F("before_rank"))
        .order_by(F("before_rank") - F("now_rank"), Coalesce("policy_key", 0), "order", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def behind_ids(queryset, bands, user, limit: int) -> list[int]:
    """Ids of the first `limit` indicators behind target this year, in plan order."""
    behind = [band.grade for band in bands[1:]]
    return list(
        queryset.annotate(now_grade=seen_grade(bands, user, CURRENT)).filter(now_grade__in=behind)
        .order_by("order", "pk").values_list("pk", flat=True)[:limit]
    )


def listed_ids(queryset, bands, user, *, grade: str = "", change: str = "", policy_order=()):
    """The ids of the indicators a list shows, filtered by grade (a band, 「－」 or behind)
    and year-on-year change (as changes() counts them), as `user` sees them, in the order
    the lists use: basic policy (`policy_order`), the largest fall first for "worse",
    then plan order. A queryset of ids, for a Paginator."""
    rows = _with_ranks(queryset, bands, user)
    behind = [band.grade for band in bands[1:]]
    if grade == summary.BEHIND:
        rows = rows.filter(now_grade__in=behind)
    elif grade:
        rows = rows.filter(now_grade=grade)
    order = [Case(*(When(policy_key=pk, then=Value(i)) for i, pk in enumerate(policy_order)),
                  default=Value(len(policy_order)), output_field=IntegerField())]
    if change == "worse":
        rows = rows.filter(now_rank__gt=F("before_rank"))
        order.append(F("before_rank") - F("now_rank"))
    elif change == "better":
        rows = rows.filter(now_rank__lt=F("before_rank"))
    elif change == "newly_behind":
        rows = rows.filter(now_grade__in=behind).exclude(before_grade__in=behind)
    return rows.order_by(*order, "order", "pk").values_list("pk", flat=True)
