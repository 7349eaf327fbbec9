"""What a report prints as of its date (the one home of the as-of rule).

An actual and its comment print only in the version the last review stage approved
(status APPROVED: the DX office where the strategy uses it, else the manager, else the
submission) and only if that version was the row's state at the end of the as-of day.
A row approved and returned or re-entered later prints its approved version; a row that
was not approved at that moment prints 「未確定」 and is not graded. The history
(django-simple-history) holds every version; a row approved before the cutoff and not
saved since is its own version, so only the other rows need the history (one query).

The "draft for checking" report (`draft`) prints the latest entered version at the cutoff
whatever its review status; every page of it says 「案」 (reports.workbook).

A planned value prints as it stood at the cutoff: target revisions made later are rolled
back to their old value; revisions made earlier print with a mark and a footnote.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kpis.models import EntryStatus, TargetRevision, YearlyValue, stored_value
from plans import achievement
from reports.workbook import labels
from reports.workbook.rows import Revision

PENDING = achievement.Value(achievement.TEXT, None, labels.PENDING)  # an actual not approved as of the date

NOTHING = achievement.Value(achievement.EMPTY)
_ACTUAL = ("actual_state", "actual_number", "actual_places", "actual_text")


def cutoff(as_of: datetime.date | None) -> datetime.datetime:
    """The end of the as-of day in the site's time zone (exclusive); now when None."""
    if as_of is None:
        return timezone.now()
    next_day = as_of + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def versions_at(values, cut: datetime.datetime, *, draft: bool = False) -> dict[int, tuple[achievement.Value, str]]:
    """(actual, comment) of the version in force at `cut` of each of `values` (a YearlyValue
    queryset) that is not settled (approved before `cut` and unchanged since; for a draft:
    unchanged since), when that version is approved (for a draft: whatever its status); the
    others are missing (1 query)."""
    history = YearlyValue.history.model
    latest = (history.objects.filter(id=OuterRef("id"), history_date__lt=cut)
              .order_by("-history_date", "-history_id").values("history_id")[:1])
    if draft:
        unsettled, approved = values.filter(updated_at__gte=cut), {}
    else:
        unsettled = values.exclude(status=EntryStatus.APPROVED, updated_at__lt=cut)
        approved = {"status": EntryStatus.APPROVED}
    rows = history.objects.filter(
        id__in=unsettled.values("pk"), history_date__lt=cut, history_id=Subquery(latest), **approved,
    ).values_list("id", *_ACTUAL, "comment")
    return {pk: (stored_value(*actual), comment) for pk, *actual, comment in rows}


def revisions(values, cut: datetime.datetime) -> tuple[dict[int, list[Revision]], dict[int, achievement.Value]]:
    """The revisions of `values` (a YearlyValue queryset) in force at `cut`, by yearly value,
    and the planned value at `cut` of each value revised after it (1 query)."""
    in_force, rolled_back = defaultdict(list), {}
    rows = TargetRevision.objects.filter(yearly_value__in=values.values("pk")).order_by("revised_at", "pk").values_list(
        "yearly_value_id", "yearly_value__fiscal_year", "old_state", "old_number", "old_places", "old_text",
        "new_state", "new_number", "new_places", "new_text", "reason", "revised_at", named=True,
    )
    for r in rows:
        old = stored_value(r.old_state, r.old_number, r.old_places, r.old_text)
        if r.revised_at >= cut:
            rolled_back.setdefault(r.yearly_value_id, old)  # the earliest later revision knows the value at cut
            continue
        in_force[r.yearly_value_id].append(Revision(
            r.yearly_value__fiscal_year, old, stored_value(r.new_state, r.new_number, r.new_places, r.new_text),
            r.reason, timezone.localdate(r.revised_at),
        ))
    return in_force, rolled_back


class AsOf:
    """The as-of reading of a set of yearly values (2 queries: versions from the history,
    revisions); then asked per row, without queries. `draft`: the "draft for checking"
    report, which prints the latest entered version at the cutoff whatever its status."""

    def __init__(self, values, as_of: datetime.date | None, *, draft: bool = False):
        self.cut, self.draft = cutoff(as_of), draft
        self._approved = versions_at(values, self.cut, draft=draft)
        self.revisions, self._rolled_back = revisions(values, self.cut)

    def stored_in_force(self, status: str, updated_at) -> bool:
        """Whether the stored row itself is the version this report prints."""
        return updated_at < self.cut and (self.draft or status == EntryStatus.APPROVED)

    def actual(self, pk: int, status: str, updated_at, actual: achievement.Value,
               comment: str) -> tuple[achievement.Value, str]:
        """(actual, comment) to print: the stored ones when the row is the approved version in
        force, else that version from the history, else 「未確定」 without a comment (empty
        when nothing was ever entered: a year still to come is not pending). A draft prints the
        version at the cutoff, or nothing for a row made after it."""
        if self.stored_in_force(status, updated_at):
            return actual, comment
        if pk in self._approved:
            return self._approved[pk]
        if self.draft:
            return NOTHING, ""
        if status == EntryStatus.NOT_ENTERED and actual.state == achievement.EMPTY:
            return actual, ""
        return PENDING, ""

    def planned(self, pk: int, planned: achievement.Value) -> achievement.Value:
        return self._rolled_back.get(pk, planned)
