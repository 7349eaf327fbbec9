"""Reads of the yearly entry and review round: the entry grid, the review queue, the tracker.

Each selector owns its joins and prefetches, so a page costs the same number of
queries for 10 or 1,000 indicators. Rows come back as small dataclasses that
carry what the templates need (permissions already asked per row, in Python).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from kpis import permissions
from kpis.models import (
    EntryRound,
    EntryStatus,
    Indicator,
    ReviewEvent,
    ReviewStage,
    RoundText,
    TargetRevision,
    YearlyValue,
)
from kpis.selectors_texts import text_counts
from kpis.values import column_names, value_from_columns
from plans import achievement
from plans.language import fiscal_year_short_label
from plans.models import Department, Strategy

# How many earlier fiscal years the entry grid shows beside the year being entered.
PREVIOUS_YEARS = 3

# The statuses a reviewer may filter by, plus "waiting for me" (the default).
WAITING = "waiting"


# --- which round ---------------------------------------------------------------------------


def _owns_in_round(department_id: int) -> Q:
    """A round the department has something to enter in: an indicator of its strategy, or a
    text or status of its fiscal year (a department may own only texts, e.g. a project's
    summary or a step's status)."""
    indicators = Indicator.objects.filter(strategy=OuterRef("strategy"), responsible_department_id=department_id)
    texts = RoundText.objects.filter(strategy=OuterRef("strategy"), fiscal_year=OuterRef("fiscal_year"),
                                     department_id=department_id)
    return Q(Exists(indicators)) | Q(Exists(texts))


def open_rounds_for_department(department_id: int, *, now=None):
    """Open, unclosed rounds in which the department owns an indicator or a round text,
    nearest deadline first (1 query when evaluated)."""
    now = now or timezone.now()
    return (
        EntryRound.objects.filter(EntryRound.open_q(now))
        .filter(_owns_in_round(department_id))
        .select_related("strategy")
        .order_by("deadline", "strategy__order", "pk")
    )


def landing_entry_round(user, *, now=None) -> EntryRound | None:
    """Where staff and managers land after login: their department's open round with
    the nearest deadline, or None (then the landing page is the plan list)."""
    if not user.is_authenticated or not permissions.is_department_user(user) or not user.department_id:
        return None
    return open_rounds_for_department(user.department_id, now=now).filter(
        permissions.strategies_q(user, "strategy__")).first()


def current_entry_round(user, *, now=None) -> EntryRound | None:
    """The round the navigation links open: the user's landing round, else the open
    round with the nearest deadline, else the latest round, of the plans the user may open
    (at most 2 queries)."""
    now = now or timezone.now()
    landing = landing_entry_round(user, now=now)
    if landing is not None:
        return landing
    rounds = EntryRound.objects.select_related("strategy").filter(permissions.strategies_q(user, "strategy__"))
    open_rounds = rounds.filter(EntryRound.open_q(now))
    return open_rounds.order_by("deadline", "pk").first() or rounds.order_by("-fiscal_year", "-deadline").first()


def entry_round_list(user):
    """Rounds a user may open from the entry index, of the plans it may open (its own city's,
    or a wide-area viewer's granted cities'): staff and managers those of strategies their
    department has indicators or round texts in, everyone else all (1 query)."""
    rounds = EntryRound.objects.select_related("strategy", "closed_by").filter(
        permissions.strategies_q(user, "strategy__")
    ).order_by("strategy__order", "strategy__code", "-fiscal_year")
    if permissions.is_department_user(user):
        rounds = rounds.filter(_owns_in_round(user.department_id))
    return rounds


def entry_round_of(strategy: Strategy, fiscal_year: int) -> EntryRound | None:
    return EntryRound.objects.select_related("closed_by").filter(strategy=strategy, fiscal_year=fiscal_year).first()


def departments_with_rows(strategy: Strategy, fiscal_year: int):
    """Departments of the strategy's city responsible for at least one row (a value, or a text
    or status of the round) of the year, for a picker (1 query)."""
    rows = YearlyValue.objects.filter(
        indicator__strategy=strategy, fiscal_year=fiscal_year, indicator__responsible_department=OuterRef("pk")
    )
    texts = RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year, department=OuterRef("pk"))
    return Department.objects.filter(Exists(rows) | Exists(texts), municipality_id=strategy.municipality_id).select_related(
        "parent").order_by("order", "name")


# --- the entry grid ------------------------------------------------------------------------


@dataclass
class Heading:
    level: str  # the strategy's own label, e.g. DX重点課題
    code: str
    title: str
    depth: int


@dataclass
class PreviousActual:
    fiscal_year: int
    display: str
    visible: bool


@dataclass
class EntryRow:
    value: YearlyValue
    previous: list[PreviousActual]
    refusal: str | None  # why this user may not edit the row, or None
    visible: bool  # whether actual and comment may be shown to this user
    reviewer_comment: ReviewEvent | None  # the latest, when the user may read the review trail
    # The indicator's final target by the one rule, Indicator.final_target (its own target, or
    # else the last planned number of the plan; Sasebo prints no separate target).
    final_target: achievement.Value = achievement.Value(achievement.EMPTY)
    final_target_year: int | None = None
    headings: list[Heading] = field(default_factory=list)
    outcome: object = None  # set by the view after a save: what happened to the row

    @property
    def indicator(self) -> Indicator:
        return self.value.indicator

    @property
    def editable(self) -> bool:
        return self.refusal is None

    @property
    def locked(self) -> bool:
        """Submitted or approved: read-only until a reviewer returns it. The grid says so once,
        above the rows, rather than in every row."""
        return self.refusal is not None and self.value.status not in permissions.EDITABLE

    @property
    def final_target_label(self) -> str:
        """R9 (FY2027 in English): short enough for a grid cell; the page gives the full label on hover."""
        return fiscal_year_short_label(self.final_target_year) if self.final_target_year else ""

    @property
    def submittable(self) -> bool:
        return self.refusal is None and self.value.actual_state != achievement.EMPTY


def _reviewer_comments():
    """Review events with a comment written by a reviewer, newest first."""
    return (
        ReviewEvent.objects.exclude(stage=ReviewStage.DEPARTMENT)
        .exclude(comment="")
        .select_related("user")
        .order_by("-created_at", "-pk")
    )


# The joins that give an indicator's place in the plan (for grouping and ordering).
_TREE = (
    "indicator__basic_policy", "indicator__measure__basic_policy", "indicator__project__basic_policy",
    "indicator__project__measure__basic_policy",
)


def _tree_path(indicator: Indicator):
    """(basic policy, measure, project) an indicator sits under; any may be None."""
    project = indicator.project
    measure = indicator.measure or (project.measure if project else None)
    policy = indicator.basic_policy or (measure.basic_policy if measure else None) or (
        project.basic_policy if project else None
    )
    return policy, measure, project


def _tree_key(indicator: Indicator):
    policy, measure, project = _tree_path(indicator)
    return (
        policy is None, policy.order if policy else 0, policy.pk if policy else 0,
        measure is None, measure.order if measure else 0, measure.pk if measure else 0,
        project is not None, project.order if project else 0, project.pk if project else 0,
        indicator.order, indicator.pk,
    )


def _department_then_tree(value: YearlyValue):
    department = value.indicator.responsible_department
    place = (department.order, department.name, department.pk) if department else (1 << 30, "", 0)
    return (*place, *_tree_key(value.indicator))


def _add_headings(rows: list[EntryRow], strategy: Strategy) -> None:
    """Mark where a new basic policy, measure or project starts, for group header rows."""
    previous = (None, None, None)
    for row in rows:
        path = _tree_path(row.indicator)
        labels = (strategy.label_basic_policy, strategy.label_measure, strategy.label_project)
        changed = False
        for depth, (node, before, label) in enumerate(zip(path, previous, labels)):
            changed = changed or node != before
            if changed and node is not None:
                title = getattr(node, "title", None) or getattr(node, "name", "")
                row.headings.append(Heading(label, node.code, title, depth))
        previous = path


def entry_grid_rows(
    *, user, strategy: Strategy, fiscal_year: int, department_id: int | None, entry_round: EntryRound | None,
    value_ids=None, now=None,
) -> list[EntryRow]:
    """The department's rows of the fiscal year in plan order, with group headings.

    Queries (3): the rows with indicator and its basic policy / measure / project
    joined; the reviewer comments of those rows (prefetch); the same indicators'
    values of the earlier years and their planned numbers up to the plan's last year (the final target).
    `value_ids` narrows to some rows (one row re-rendered after a save) with the same queries.
    """
    now = now or timezone.now()
    values = (
        YearlyValue.objects.filter(
            indicator__strategy=strategy, fiscal_year=fiscal_year, indicator__responsible_department_id=department_id
        )
        .select_related("indicator", "indicator__responsible_department", "updated_by", *_TREE)
        .prefetch_related(Prefetch("review_events", queryset=_reviewer_comments(), to_attr="reviewer_comments"))
    )
    if value_ids is not None:
        values = values.filter(pk__in=list(value_ids))
    values = list(values)
    for value in values:
        value.indicator.strategy = strategy  # the permission rules read it; it is the same row

    years = [y for y in range(fiscal_year - PREVIOUS_YEARS, fiscal_year) if y >= strategy.first_fiscal_year - 1]
    last = strategy.last_fiscal_year
    other = {}  # (indicator id, fiscal year) -> value of an earlier year or with a planned number
    if values:
        other_values = YearlyValue.objects.filter(
            Q(fiscal_year__in=years) | Q(planned_state=achievement.NUMBER, fiscal_year__lte=last),
            indicator_id__in=Subquery(
                Indicator.objects.filter(strategy=strategy, responsible_department_id=department_id).values("pk")
            ),
        ).only("pk", "indicator_id", "fiscal_year", "status", *column_names("actual"), *column_names("planned"))
        other = {(v.indicator_id, v.fiscal_year): v for v in other_values}
    planned = {}  # indicator id -> {fiscal year: planned number}, for the final target
    for (indicator_id, year), other_value in other.items():
        planned.setdefault(indicator_id, {})[year] = other_value.planned

    trail = permissions.can_read_review_trail(user, department_id=department_id,
                                              municipality_id=strategy.municipality_id)
    rows = []
    for value in sorted(values, key=lambda v: _tree_key(v.indicator)):
        previous = []
        for year in years:
            before = other.get((value.indicator_id, year))
            if before is None:
                previous.append(PreviousActual(year, "", True))
                continue
            before.indicator = value.indicator
            shown = permissions.can_view_value(user, before)
            previous.append(PreviousActual(year, before.actual.display() if shown else "", shown))
        target = value.indicator.final_target(planned.get(value.indicator_id, {}))
        rows.append(EntryRow(
            value=value,
            previous=previous,
            final_target=target.value if target else achievement.Value(achievement.EMPTY),
            final_target_year=target.fiscal_year if target else None,
            refusal=permissions.entry_refusal(user, value, entry_round=entry_round, now=now),
            visible=permissions.can_view_value(user, value),
            reviewer_comment=next(iter(value.reviewer_comments), None) if trail else None,
        ))
    _add_headings(rows, strategy)
    return rows


# --- the review queue ----------------------------------------------------------------------


@dataclass
class ReviewFilters:
    department_id: int | None = None
    status: str = WAITING
    grade: str = ""
    behind: bool = False
    worse: bool = False


@dataclass
class ReviewRow:
    value: YearlyValue
    previous: achievement.Value
    rate: Decimal | None
    grade: str
    behind: bool
    worse: bool
    stage: str | None  # the review stage this user would act in, or None
    refusal: str | None  # why this user may not review (approve or return) it now
    approval_refusal: str | None  # why this user may not approve it now (also: they entered or submitted it)
    reviewer_comment: ReviewEvent | None  # the latest, when the user may read the review trail

    @property
    def indicator(self) -> Indicator:
        return self.value.indicator

    @property
    def reviewable(self) -> bool:
        return self.refusal is None

    @property
    def approvable(self) -> bool:
        return self.approval_refusal is None


def worse_than_previous(value: YearlyValue, previous: achievement.Value) -> bool:
    """Whether this year's actual moved the wrong way from last year's actual.

    Higher is better: it fell. Lower is better: it rose. Maintain: it is further
    from this year's plan than last year's actual was (or, with no numeric plan,
    it changed at all). Anything not a number on either side is not flagged.
    """
    actual = value.actual
    if not (actual.is_number and previous.is_number):
        return False
    direction = value.indicator.direction
    if direction == achievement.UP:
        return actual.number < previous.number
    if direction == achievement.DOWN:
        return actual.number > previous.number
    planned = value.planned
    if planned.is_number:
        return abs(actual.number - planned.number) > abs(previous.number - planned.number)
    return actual.number != previous.number


def review_rows(*, user, strategy: Strategy, fiscal_year: int, entry_round: EntryRound | None,
                filters: ReviewFilters) -> list[ReviewRow]:
    """Every row of the review queue for these filters: kpis.selectors_review.review_rows (the
    queue's filters are SQL there; the page shows one page at a time, review_page)."""
    from kpis import selectors_review  # it builds on this module's rows and rules

    return selectors_review.review_rows(user=user, strategy=strategy, fiscal_year=fiscal_year,
                                        entry_round=entry_round, filters=filters)


# --- the submission tracker ----------------------------------------------------------------

TRACKED = (
    EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.FIRST_APPROVED,
    EntryStatus.RETURNED, EntryStatus.APPROVED,
)


@dataclass
class TrackerLine:
    department_id: int | None
    department: str
    counts: dict  # status -> count, in TRACKED order
    total: int

    @property
    def open(self) -> int:
        """Rows the department still has to act on: not entered, draft or returned."""
        return sum(self.counts[s] for s in (EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED))


def tracker_lines(*, strategy: Strategy, fiscal_year: int, department_id: int | None = None) -> list[TrackerLine]:
    """Per department, how many rows (values, and the texts and statuses of the round) are in
    each status (2 queries)."""
    rows = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=fiscal_year)
    if department_id:
        rows = rows.filter(indicator__responsible_department_id=department_id)
    counted = (
        rows.values(
            "indicator__responsible_department", "indicator__responsible_department__name",
            "indicator__responsible_department__parent__name", "indicator__responsible_department__order",
        )
        .annotate(total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in TRACKED})
        .order_by("indicator__responsible_department__order", "indicator__responsible_department__name")
    )
    lines = []
    for line in counted:
        name = line["indicator__responsible_department__name"] or ""
        parent = line["indicator__responsible_department__parent__name"]
        lines.append(TrackerLine(
            department_id=line["indicator__responsible_department"],
            department=f"{parent} {name}" if parent else name,
            counts={status: line[status] for status in TRACKED},
            total=line["total"],
        ))
    return _with_texts(lines, strategy=strategy, fiscal_year=fiscal_year, department_id=department_id)


def _with_texts(lines: list[TrackerLine], *, strategy, fiscal_year, department_id) -> list[TrackerLine]:
    """The tracker's lines with the round's texts and statuses added to each department's counts."""
    texts = text_counts(strategy=strategy, fiscal_year=fiscal_year, statuses=TRACKED, department_id=department_id)
    by_department = {line.department_id: line for line in lines}
    for pk, counted in texts.items():
        if pk not in by_department:  # a department that owns texts but no figures this year
            name, parent = counted["department__name"], counted["department__parent__name"]
            by_department[pk] = TrackerLine(pk, f"{parent} {name}" if parent else name, dict.fromkeys(TRACKED, 0), 0)
            lines.append(by_department[pk])
        line = by_department[pk]
        line.counts = {status: line.counts[status] + counted[status] for status in TRACKED}
        line.total += counted["total"]
    return lines


# --- history ------------------------------------------------------------------------------

# A history row whose only change is the status belongs to the review event written in
# the same transaction (same row, user and target status); this is how close they are.
_SAME_ACTION = timedelta(seconds=5)

_SIDES = ("planned", "actual")


@dataclass
class Change:
    field: str  # "planned", "actual", "comment", "status", "note"
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object  # datetime
    user: object  # User or None
    kind: str  # "created", "changed", "review", "revision"
    fiscal_year: int
    indicator: Indicator
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    event: ReviewEvent | None = None


def _side(record, prefix: str) -> str:
    return value_from_columns(record, prefix).display()


def _snapshot(record) -> dict:
    return {
        "planned": _side(record, "planned"), "actual": _side(record, "actual"), "comment": record.comment,
        "status": EntryStatus(record.status).label if record.status in EntryStatus.values else record.status,
        "note": record.note,
    }


def _changes(before: dict | None, after: dict) -> list[Change]:
    if before is None:
        return [Change(name, "", new) for name, new in after.items() if new and name != "status"]
    return [Change(name, before[name], new) for name, new in after.items() if before[name] != new]


def _matching_event(record, events) -> ReviewEvent | None:
    for event in events:
        if (event.to_status == record.status and event.user_id == record.history_user_id
                and abs(event.created_at - record.history_date) <= _SAME_ACTION):
            return event
    return None


def value_history(*, values_filter: Q, limit: int = 1000) -> list[HistoryEntry]:
    """Every recorded change of the matching yearly values, newest first.

    Reads django-simple-history's rows of YearlyValue (who, when, old → new,
    change reason), the review events (submit, approve, return with comment,
    reopen) and target revisions (with reason). `values_filter` is a Q on
    YearlyValue. Queries (4): the values with their indicators; their history
    rows; their review events; their target revisions.
    """
    values = {v.pk: v for v in YearlyValue.objects.filter(values_filter).select_related("indicator")}
    history = (
        YearlyValue.history.filter(id__in=list(values)).select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    events = (
        ReviewEvent.objects.filter(yearly_value_id__in=list(values)).select_related("user")
        .order_by("created_at", "pk")
    )
    revisions = TargetRevision.objects.filter(yearly_value_id__in=list(values)).select_related("revised_by")

    events_by_value: dict[int, list[ReviewEvent]] = {}
    for event in events:
        events_by_value.setdefault(event.yearly_value_id, []).append(event)

    entries, plan_changed = [], []
    previous_of: dict[int, dict] = {}
    for record in history:
        value = values[record.id]
        after = _snapshot(record)
        before = previous_of.get(record.id)
        previous_of[record.id] = after
        changes = _changes(before, after)
        if before is not None and not changes:
            continue  # a save that changed only the version or the timestamp
        if before is not None and [c.field for c in changes] == ["status"]:
            if _matching_event(record, events_by_value.get(record.id, [])):
                continue  # shown as the review event, which has the comment
        entry = HistoryEntry(
            at=record.history_date, user=record.history_user, kind="created" if before is None else "changed",
            fiscal_year=value.fiscal_year, indicator=value.indicator, changes=changes,
            reason=record.history_change_reason or "",
        )
        entries.append(entry)
        if any(c.field == "planned" for c in changes):
            plan_changed.append((entry, record.id))
    for event in events:
        value = values[event.yearly_value_id]
        entries.append(HistoryEntry(
            at=event.created_at, user=event.user, kind="review", fiscal_year=value.fiscal_year,
            indicator=value.indicator, reason=event.comment, event=event,
            changes=[Change("status", EntryStatus(event.from_status).label, EntryStatus(event.to_status).label)],
        ))
    plan_changes: dict[int, list] = {}
    for entry, value_id in plan_changed:
        plan_changes.setdefault(value_id, []).append(entry.at)
    for revision in revisions:
        value = values[revision.yearly_value_id]
        times = plan_changes.get(value.pk, [])
        if any(abs(at - revision.revised_at) <= _SAME_ACTION for at in times):
            continue  # the history row already shows old → new with the same reason
        entries.append(HistoryEntry(
            at=revision.revised_at, user=revision.revised_by, kind="revision", fiscal_year=value.fiscal_year,
            indicator=value.indicator, reason=revision.reason,
            changes=[Change("planned", revision.old.display(), revision.new.display())],
        ))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
