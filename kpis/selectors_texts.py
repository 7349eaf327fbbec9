"""Reads of the round's texts and statuses: the department's section of the entry grid, the
review queue's section, and their share of the tracker's counts.

Each selector is one query whatever the number of rows (the node of each row is joined);
permissions are asked per row in Python with plain inputs (kpis.permissions).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from kpis import permissions
from kpis.models import EntryRound, EntryStatus, RoundText
from plans.models import Strategy

_NODES = ("basic_policy", "measure__basic_policy", "step__measure", "project", "department", "updated_by")


@dataclass
class TextRow:
    text: RoundText
    refusal: str | None  # why this user may not edit it now (grid) or review it (queue), or None
    visible: bool  # whether the entered content may be shown to this user
    approval_refusal: str | None = None  # queue: why this user may not approve it now
    outcome: object = None  # grid: set by the view after a refused or conflicting save

    @property
    def editable(self) -> bool:
        return self.refusal is None

    @property
    def reviewable(self) -> bool:  # in the queue, `refusal` is the review refusal
        return self.refusal is None

    @property
    def approvable(self) -> bool:
        return self.approval_refusal is None

    @property
    def node(self) -> str:
        """The node as the plan prints it, with its parent for measures and steps."""
        text = self.text
        if text.step_id:
            return f"{text.step.measure.code} › {text.step.code} {text.step.title}"
        if text.measure_id:
            return f"{text.measure.basic_policy.code} › {text.measure.code} {text.measure.title}"
        owner = text.owner
        return f"{owner.code} {getattr(owner, 'title', None) or getattr(owner, 'name', '')}".strip()

    @property
    def submittable(self) -> bool:
        return self.refusal is None and not self.text.is_empty


def _year_texts(strategy: Strategy, fiscal_year: int):
    return (RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year)
            .select_related(*_NODES).order_by("order", "pk"))


def round_text_rows(*, user, strategy: Strategy, fiscal_year: int, department_id: int | None,
                    entry_round: EntryRound | None, now=None) -> list[TextRow]:
    """The department's texts and statuses of the year, in plan order (1 query)."""
    now = now or timezone.now()
    rows = []
    for text in _year_texts(strategy, fiscal_year).filter(department_id=department_id):
        text.strategy = strategy
        rows.append(TextRow(
            text=text,
            refusal=permissions.text_entry_refusal(user, department_id=text.department_id,
                                                   municipality_id=strategy.municipality_id, status=text.status,
                                                   status_label=text.get_status_display(),
                                                   entry_round=entry_round, now=now),
            visible=permissions.actual_visible(user, status=text.status, department_id=text.department_id),
        ))
    return rows


def text_review_rows(*, user, strategy: Strategy, fiscal_year: int, entry_round: EntryRound | None,
                     department_id: int | None = None, status: str = "waiting") -> list[TextRow]:
    """The texts a reviewer sees in the queue: managers their own department's, others all
    or one department's; by default those waiting for this user's review (1 query)."""
    texts = _year_texts(strategy, fiscal_year)
    if permissions.reviews_first(user):
        texts = texts.filter(department_id=user.department_id)
    elif department_id:
        texts = texts.filter(department_id=department_id)
    if status == "waiting":
        texts = texts.filter(status__in=[EntryStatus.SUBMITTED, EntryStatus.FIRST_APPROVED])
    elif status:
        texts = texts.filter(status=status)
    rows = []
    for text in texts:
        text.strategy = strategy
        refusal = permissions.text_review_refusal(user, text, entry_round=entry_round)
        if status == "waiting" and refusal:
            continue
        rows.append(TextRow(
            text=text, refusal=refusal,
            visible=permissions.actual_visible(user, status=text.status, department_id=text.department_id),
            approval_refusal=permissions.text_approval_refusal(user, text, entry_round=entry_round),
        ))
    return rows


def text_counts(*, strategy: Strategy, fiscal_year: int, statuses, department_id: int | None = None) -> dict:
    """Per owner department, how many texts are in each of `statuses`, and the total (1 query):
    {department id: {status: n, ..., "total": n, "department__name": …, "department__parent__name": …}}."""
    texts = RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year)
    if department_id:
        texts = texts.filter(department_id=department_id)
    counted = texts.values("department", "department__name", "department__parent__name").annotate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in statuses})
    return {line["department"]: line for line in counted}
