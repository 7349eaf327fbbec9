"""The round's texts and statuses as the report prints them as of its date (the as-of rule of
reports.selectors.as_of, applied to kpis.RoundText).

Where a node has a round row for a fiscal year, the report prints the version approved by the
last review stage that was in force at the end of the as-of day (the draft for checking: the
latest entered version), else 「未確定」. A row nobody has saved yet (未入力) prints the plan's
own content it was made from (kpis.text_workflow.round_texts_ensure), as the plan prints it.
Where a node has no round row, the plan's own data (plans.Narrative, plans.StepYear,
projects.ProjectYear) prints as before: it is the approved content of years outside the round.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from kpis.models import EntryStatus, RoundText
from reports.selectors.as_of import cutoff
from reports.workbook import labels

PENDING = labels.PENDING
_CONTENT = ("text", "choice", "is_start")


class RoundTexts:
    """What the report prints of a strategy's round texts (2 queries: the rows, the versions in
    force from the history); then asked per node and year without queries.

    `printed[(owner, node id, fiscal year, kind)]` is the text, or the step status / project
    phase value, or PENDING; owner is "basic_policy", "measure", "step" or "project"."""

    def __init__(self, strategy, as_of, *, draft: bool = False):
        self.cut = cut = cutoff(as_of)
        texts = RoundText.objects.filter(strategy=strategy)
        rows = list(texts.values_list(
            "pk", "basic_policy_id", "measure_id", "step_id", "project_id", "fiscal_year", "kind", *_CONTENT,
            "status", "updated_at", "department_id", "measure__basic_policy_id", "step__measure__basic_policy_id",
            "project__basic_policy_id", named=True))
        settled = {r.pk for r in rows if r.updated_at < cut and (draft or r.status == EntryStatus.APPROVED)}
        unsettled = texts.filter(updated_at__gte=cut) if draft else texts.exclude(
            status=EntryStatus.APPROVED, updated_at__lt=cut)
        versions = self._versions(unsettled, cut, draft=draft)
        self.printed = {}
        self.pending = []  # (fiscal year, department id, basic policy id) of each row printing 「未確定」
        for r in rows:
            owner, node = next((name, getattr(r, f"{name}_id")) for name in ("basic_policy", "measure", "step", "project")
                               if getattr(r, f"{name}_id") is not None)
            if r.pk in settled:
                content = (r.text, r.choice, r.is_start)
            elif r.pk in versions:
                content = versions[r.pk]
            elif r.status == EntryStatus.NOT_ENTERED:  # never saved: the plan's content it started from
                content = (r.text, r.choice, r.is_start)
            elif draft:
                content = ("", "", False)
            else:
                content = None
            self.printed[(owner, node, r.fiscal_year, r.kind)] = (
                PENDING if content is None else (content[0] or content[1])
            )
            if content is None:
                policy = (r.basic_policy_id or r.measure__basic_policy_id or r.step__measure__basic_policy_id
                          or r.project__basic_policy_id)
                self.pending.append((r.fiscal_year, r.department_id, policy))

    @staticmethod
    @staticmethod
    def _versions(unsettled, cut, *, draft: bool) -> dict[int, tuple]:
        """(text, choice, is_start) of the version in force at `cut` of each `unsettled` row, when
        it is approved (draft: whatever its status)."""
        history = RoundText.history.model
        latest = (history.objects.filter(id=OuterRef("id"), history_date__lt=cut)
                  .order_by("-history_date", "-history_id").values("history_id")[:1])
        approved = {} if draft else {"status": EntryStatus.APPROVED}
        rows = history.objects.filter(id__in=unsettled.values("pk"), history_date__lt=cut,
                                      history_id=Subquery(latest), **approved).values_list("id", *_CONTENT)
        return {pk: tuple(content) for pk, *content in rows}

    def get(self, owner: str, node_id: int, fiscal_year: int, kind: str, default=None):
        return self.printed.get((owner, node_id, fiscal_year, kind), default)

    def overlay(self, owner: str, kind: str, by_node: dict[int, dict[int, str]]) -> None:
        """Put the round's values of `owner` nodes into `by_node` ({node id: {fiscal year: value}})."""
        for (row_owner, node, fiscal_year, row_kind), value in self.printed.items():
            if row_owner == owner and row_kind == kind:
                by_node.setdefault(node, {})[fiscal_year] = value


def report_pending_texts(scope) -> int:
    """How many texts, step statuses and project phases of the report's fiscal year and scope
    print as 「未確定」 (the cover counts them apart from the figures; 2 queries, 3 for a
    department's report)."""
    reading = RoundTexts(scope.strategy, scope.as_of, draft=scope.draft)
    departments = None
    if scope.department is not None:
        departments = {scope.department.pk, *scope.department.children.values_list("pk", flat=True)}
    return sum(
        1 for fiscal_year, department_id, policy_id in reading.pending
        if fiscal_year == scope.fiscal_year
        and (departments is None or department_id in departments)
        and (scope.basic_policy is None or policy_id == scope.basic_policy.pk)
    )
