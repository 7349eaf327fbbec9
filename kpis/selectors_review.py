"""The review queue, bounded (issue 16): every filter in SQL, rows ordered in SQL as the queue
shows them (by department, then in plan order), and one page built at a time.

At 100× the Sasebo plan the DX office's queue was 2,160 rows on one page, built from 5,149
rows of which Python dropped 58 %. Now the stage ("waiting for me"), grade, "behind" and
"worse than last year" filters are SQL forms of the Python rules (kpis.permissions.
review_stage_q, grade_q and worse_q below; tests check each agrees with its Python rule),
and only a page of rows is loaded with its joins and prefetches. The bulk approval of "all
rows matching the filters" asks `approvable_ids` for the same rows.
"""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Abs, Coalesce

from kpis import permissions
from kpis.models import EntryRound, EntryStatus, YearlyValue
from kpis.selectors_entry import (
    _TREE,
    WAITING,
    ReviewFilters,
    ReviewRow,
    _reviewer_comments,
    worse_than_previous,
)
from kpis.values import column_names, value_from_columns
from plans import achievement
from plans.models import Strategy

PAGE_SIZE = 100  # rows per page of the queue: what a reviewer reads before acting

# --- SQL forms of the queue's rules --------------------------------------------------------


def grade_q(bands, grade: str, rate: str = "rate") -> Q:
    """`achievement.grade(rate, bands) == grade` as a filter: the first band whose min_rate
    <= rate; below every band, the lowest; 「－」 for no rate."""
    bands = achievement.validate_bands(bands)
    if grade == achievement.NOT_EVALUABLE:
        return Q(**{f"{rate}__isnull": True})
    for index, band in enumerate(bands):
        if band.grade != grade:
            continue
        q = Q(**{f"{rate}__isnull": False})
        if index < len(bands) - 1:
            q &= Q(**{f"{rate}__gte": band.min_rate})
        if index > 0:
            q &= Q(**{f"{rate}__lt": bands[index - 1].min_rate})
        return q
    return Q(pk__in=[])


def behind_q(bands, rate: str = "rate") -> Q:
    """Graded below the top band (the queue's "behind target"); 「－」 is not behind."""
    bands = achievement.validate_bands(bands)
    return Q(**{f"{rate}__isnull": False, f"{rate}__lt": bands[0].min_rate}) if len(bands) > 1 else Q(pk__in=[])


def worse_q() -> Q:
    """`worse_than_previous` as a filter on values annotated with last year's actual
    (`previous_state`, `previous_number`: `with_previous`)."""
    numbers = Q(actual_state=achievement.NUMBER, previous_state=achievement.NUMBER)
    direction = "indicator__direction"
    planned = Q(planned_state=achievement.NUMBER)
    return numbers & (
        Q(**{direction: achievement.UP, "actual_number__lt": F("previous_number")})
        | Q(**{direction: achievement.DOWN, "actual_number__gt": F("previous_number")})
        | (Q(**{direction: achievement.MAINTAIN}) & planned
           & Q(actual_distance__gt=F("previous_distance")))
        | (Q(**{direction: achievement.MAINTAIN}) & ~planned & ~Q(actual_number=F("previous_number")))
    )


def with_previous(values: QuerySet, fiscal_year: int) -> QuerySet:
    """Last year's actual of the same indicator, as `previous_*` columns (subqueries)."""
    previous = YearlyValue.objects.filter(indicator=OuterRef("indicator"), fiscal_year=fiscal_year - 1)
    return values.annotate(**{previous_name: Subquery(previous.values(name)[:1])
                              for previous_name, name in zip(column_names("previous"), column_names("actual"))})


def _queue_order(values: QuerySet) -> QuerySet:
    """By department (order, name; none last), then in plan order as selectors_entry._tree_key:
    basic policy, measure, project (indicators of no project first), indicator."""
    i = "indicator__"
    policy = (f"{i}basic_policy", f"{i}measure__basic_policy", f"{i}project__measure__basic_policy",
              f"{i}project__basic_policy")
    measure = (f"{i}measure", f"{i}project__measure")
    alias = {}
    for name, paths in (("policy", policy), ("measure", measure)):
        for column in ("order", "id"):
            alias[f"q_{name}_{column}"] = Coalesce(*(f"{path}__{column}" for path in paths))
    department = f"{i}responsible_department__"
    return values.alias(**alias).order_by(
        F(f"{department}order").asc(nulls_last=True), F(f"{department}name").asc(nulls_last=True),
        F(f"{department}id").asc(nulls_last=True),
        F("q_policy_order").asc(nulls_last=True), F("q_policy_id").asc(nulls_last=True),
        F("q_measure_order").asc(nulls_last=True), F("q_measure_id").asc(nulls_last=True),
        F(f"{i}project__order").asc(nulls_first=True), F(f"{i}project_id").asc(nulls_first=True),
        f"{i}order", "indicator_id",
    )


def review_values(*, user, strategy: Strategy, fiscal_year: int, filters: ReviewFilters) -> QuerySet:
    """The fiscal year's values the reviewer's filters select, in queue order, unjoined."""
    values = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=fiscal_year)
    if permissions.reviews_first(user):
        values = values.filter(indicator__responsible_department_id=user.department_id)
    elif filters.department_id:
        values = values.filter(indicator__responsible_department_id=filters.department_id)
    if filters.status == WAITING:
        values = values.filter(permissions.review_stage_q(user),
                               status__in=[EntryStatus.SUBMITTED, EntryStatus.FIRST_APPROVED])
    elif filters.status:
        values = values.filter(status=filters.status)
    bands = strategy.bands()
    if filters.grade:
        values = values.filter(grade_q(bands, filters.grade))
    if filters.behind:
        values = values.filter(behind_q(bands))
    if filters.worse:
        values = with_previous(values, fiscal_year).alias(
            actual_distance=Abs(F("actual_number") - F("planned_number")),
            previous_distance=Abs(F("previous_number") - F("planned_number")),
        ).filter(worse_q())
    return _queue_order(values)


def approvable_ids(*, user, strategy: Strategy, fiscal_year: int, entry_round: EntryRound | None,
                   filters: ReviewFilters) -> list[int]:
    """Ids of the rows matching the filters that this user may approve now (every page):
    what "approve all matching rows" approves. One query (none in a closed year)."""
    if not permissions.is_reviewer(user) or (entry_round is not None and entry_round.is_closed):
        return []
    values = review_values(user=user, strategy=strategy, fiscal_year=fiscal_year, filters=filters).filter(
        permissions.review_stage_q(user), permissions.self_approval_allowed_q(user)
    )
    return list(values.values_list("pk", flat=True))


# --- rows and pages ------------------------------------------------------------------------


def _rows(values, *, user, strategy, fiscal_year, entry_round, window=None) -> list[ReviewRow]:
    if "previous_state" not in values.query.annotations:
        values = with_previous(values, fiscal_year)
    values = values.select_related(
        "indicator", "indicator__responsible_department", "indicator__responsible_department__parent", "updated_by",
        *_TREE,
    ).prefetch_related(Prefetch("review_events", queryset=_reviewer_comments(), to_attr="reviewer_comments"))
    if window is not None:
        values = values[window[0]:window[1]]
    bands = strategy.bands()
    top = bands[0].grade
    rows = []
    for value in values:
        value.indicator.strategy = strategy
        before = value_from_columns(value, "previous")  # EMPTY without last year's row
        grade = achievement.grade(value.rate, bands)
        rows.append(ReviewRow(
            value=value, previous=before, rate=value.rate, grade=grade,
            behind=grade not in (top, achievement.NOT_EVALUABLE),
            worse=worse_than_previous(value, before),
            stage=permissions.review_stage_for(user, value),
            refusal=permissions.review_refusal(user, value, entry_round=entry_round),
            approval_refusal=permissions.approval_refusal(user, value, entry_round=entry_round),
            reviewer_comment=next(iter(value.reviewer_comments), None) if permissions.can_read_review_trail(
                user, department_id=value.indicator.responsible_department_id,
                municipality_id=value.indicator.strategy.municipality_id) else None,
        ))
    return rows


def review_rows(*, user, strategy: Strategy, fiscal_year: int, entry_round: EntryRound | None,
                filters: ReviewFilters) -> list[ReviewRow]:
    """Every row of the queue (no paging). Queries (2): the rows with indicator, department,
    plan path and last year's actual (subqueries); the reviewer comments (prefetch)."""
    values = review_values(user=user, strategy=strategy, fiscal_year=fiscal_year, filters=filters)
    return _rows(values, user=user, strategy=strategy, fiscal_year=fiscal_year, entry_round=entry_round)


@dataclass
class ReviewPage:
    rows: list[ReviewRow]
    number: int
    has_next: bool
    count: int  # rows matching the filters, on every page
    page_size: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.page_size))


def review_page(*, user, strategy: Strategy, fiscal_year: int, entry_round: EntryRound | None,
                filters: ReviewFilters, number: int = 1, page_size: int | None = None) -> ReviewPage:
    """One page of the queue. Queries (2 or 3): the page's rows plus one (to know whether a
    next page exists) with their joins; their reviewer comments (prefetch); the count of all
    matching rows, only when the queue is longer than one page."""
    number, page_size = max(1, number), page_size or PAGE_SIZE
    values = review_values(user=user, strategy=strategy, fiscal_year=fiscal_year, filters=filters)
    start = (number - 1) * page_size
    rows = _rows(values, user=user, strategy=strategy, fiscal_year=fiscal_year, entry_round=entry_round,
                 window=(start, start + page_size + 1))
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    count = start + len(rows) if number == 1 and not has_next else values.count()
    return ReviewPage(rows=rows, number=number, has_next=has_next, count=count, page_size=page_size)
