"""Who may see and do what with a yearly value: the one place the rules live.

Views, the API and the services all ask these functions, so a rule cannot
differ between the browser and a script. They need the value's indicator (and
its strategy) loaded with select_related and nothing else, so a list can ask
per row without a query per row.

- Staff and managers act for their own department: the department responsible
  for the indicator. Other departments' values are visible only once approved.
- The DX office and administrators see everything; viewers see approved values.
- Refusals come back as a reason in Japanese and English, shown to the user.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from kpis.models import EntryStatus, ReviewStage, YearlyValue
from kpis.models.entry import WINDOW_CLOSED, WINDOW_ENDED, WINDOW_UPCOMING
from plans.models import Role

EDITABLE = frozenset({EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED})
REVIEWERS = frozenset({Role.MANAGER, Role.DX_OFFICE, Role.ADMIN})


def own_department(user, value: YearlyValue) -> bool:
    department_id = value.indicator.responsible_department_id
    return department_id is not None and department_id == user.department_id


def visibility_scope(user) -> tuple:
    """Which actuals a user sees, as a key: ("all",), ("approved",) or ("department", id)
    (approved ones and their own department's). Users with the same scope see the same
    figures, so aggregates can be shared between them (reports.dashboards.cache)."""
    role = getattr(user, "role", None)
    if role in (Role.DX_OFFICE, Role.ADMIN):
        return ("all",)
    department_id = getattr(user, "department_id", None)
    if role in (Role.STAFF, Role.MANAGER) and department_id is not None:
        return ("department", department_id)
    return ("approved",)


def actual_visible(user, *, status: str, department_id: int | None) -> bool:
    """Whether the actual and the comment (beyond the plan itself) of a value in `status`,
    owned by `department_id`, may be shown to `user`. The one visibility rule: the
    object form and the SQL form below both ask it or its scope."""
    scope = visibility_scope(user)
    if scope == ("all",) or status == EntryStatus.APPROVED:
        return True
    return scope[0] == "department" and department_id is not None and department_id == scope[1]


def can_view_value(user, value: YearlyValue) -> bool:
    """`actual_visible` for a loaded value (its indicator joined)."""
    return actual_visible(user, status=value.status, department_id=value.indicator.responsible_department_id)


def actual_visible_q(user, prefix: str = "", *, department: str | None = None) -> Q:
    """`actual_visible` as a filter, for queries that would otherwise reveal hidden actuals
    (tests check the two agree row by row). `department` is the path of the responsible
    department's id when the query starts from the indicator."""
    scope = visibility_scope(user)
    if scope == ("all",):
        return Q()
    visible = Q(**{f"{prefix}status": EntryStatus.APPROVED})
    if scope[0] == "department":
        visible |= Q(**{department or f"{prefix}indicator__responsible_department_id": scope[1]})
    return visible


def entry_refusal(user, value: YearlyValue, *, entry_round, now=None) -> str | None:
    """Why this user may not edit or submit this row now, or None when they may."""
    if user.role not in (Role.STAFF, Role.MANAGER):
        return _("Only department staff and managers enter actual values.")
    if not own_department(user, value):
        return _("This indicator belongs to another department.")
    if entry_round is None:
        return _("No entry period is set for this fiscal year.")
    window = entry_round.window_at(now)
    if window == WINDOW_CLOSED:
        return _("The DX office has closed this fiscal year.")
    if window == WINDOW_UPCOMING:
        return _("The entry period has not started yet.")
    if window == WINDOW_ENDED:
        return _("The entry period has ended.")
    if value.status not in EDITABLE:
        return _("This row is %(status)s and cannot be edited.") % {"status": value.get_status_display()}
    return None


def review_stage_for(user, value: YearlyValue) -> str | None:
    """The review stage in which this user may approve or return this value now, or None."""
    strategy = value.indicator.strategy
    if value.status == EntryStatus.SUBMITTED and strategy.manager_review:
        if user.role == Role.MANAGER and own_department(user, value):
            return ReviewStage.MANAGER
        return None
    waiting_for_dx = value.status == EntryStatus.FIRST_APPROVED or (
        value.status == EntryStatus.SUBMITTED and not strategy.manager_review
    )
    if waiting_for_dx and strategy.dx_review and user.role in (Role.DX_OFFICE, Role.ADMIN):
        return ReviewStage.DX_OFFICE
    return None


def review_refusal(user, value: YearlyValue, *, entry_round) -> str | None:
    if user.role not in REVIEWERS:
        return _("Only managers, the DX office and administrators review.")
    if entry_round is not None and entry_round.is_closed:
        return _("The DX office has closed this fiscal year.")
    if review_stage_for(user, value) is None:
        return _("This row is %(status)s; it is not waiting for your review.") % {
            "status": value.get_status_display()
        }
    return None


def can_revise_target(user) -> bool:
    return user.role in (Role.DX_OFFICE, Role.ADMIN)


def can_manage_rounds(user) -> bool:
    """Open entry periods, set deadlines and close a fiscal year."""
    return user.role in (Role.DX_OFFICE, Role.ADMIN)


def can_reopen(user) -> bool:
    return user.role == Role.ADMIN
