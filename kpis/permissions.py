"""Who may see and do what: the one place the access rules live.

Views, the API, the services, the reports and the import all ask these functions,
and templates get them as flags (kpis.context_processors), so a rule cannot differ
between the browser and a script. They take the user and plain inputs (a status, a
department id); the value forms need the value's indicator (and its strategy) loaded
with select_related and nothing else (approval_refusal also its responsible department),
so a list can ask per row without a query per row.

- Staff and managers act for their own department: the department responsible
  for the indicator. Other departments' values are visible only once approved.
- Managers review first, their own department's rows only; the DX office reviews second.
  Nobody approves a row they entered or submitted, unless its department allows it.
- History and reviewers' comments (the review trail) are for the department itself, the
  DX office and administrators only, even once a row is approved.
- The DX office and administrators see everything, set entry periods, revise targets
  and build reports; only administrators reopen an approved row and import plans.
- Viewers see approved values.
- Refusals come back as a reason in Japanese and English, shown to the user.

Every rule holds within the user's municipality first (plans.boundary): "everything" above
means everything of the user's own city. Lists start from `strategies_q` / `boundary.readable_q`,
and the rules that get a row's strategy (review stages, entry) check its municipality again.
Wide-area viewers and the system operator read the approved values of the cities granted to them.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from kpis.models import EntryStatus, ReviewStage, YearlyValue
from kpis.models.entry import WINDOW_CLOSED, WINDOW_ENDED, WINDOW_UPCOMING
from plans import boundary
from plans.models import Role

EDITABLE = frozenset({EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED})
# The roles, grouped as the rules below use them.
DEPARTMENT_ROLES = frozenset({Role.STAFF, Role.MANAGER})
DX_OFFICE_ROLES = frozenset({Role.DX_OFFICE, Role.ADMIN})
REVIEWERS = frozenset({Role.MANAGER, Role.DX_OFFICE, Role.ADMIN})


def _role(user) -> str | None:
    """The user's role; None for an anonymous user, who has none (and so may do nothing)."""
    return getattr(user, "role", None)


# --- roles -----------------------------------------------------------------------------------


def is_department_user(user) -> bool:
    """Staff and managers: they enter their own department's values and see its drafts;
    everyone else picks a department to look at, read only."""
    return _role(user) in DEPARTMENT_ROLES


def is_dx_office(user) -> bool:
    """The DX office and administrators of a city: they see every department's values of
    their city, drafts included, and steer its round. An account with no municipality is
    none of them (the boundary fails closed)."""
    return _role(user) in DX_OFFICE_ROLES and boundary.home_municipality_id(user) is not None


def is_reviewer(user) -> bool:
    """Managers, the DX office and administrators: they may open the review queue."""
    return _role(user) in REVIEWERS


def reviews_first(user) -> bool:
    """Department managers: the first review, of their own department's rows only."""
    return _role(user) == Role.MANAGER


def can_enter_for_department(user, department_id: int | None) -> bool:
    """Whether the user enters (saves, submits) the values of `department_id`: staff and
    managers, for their own department only. The round's window and the row's status are
    asked per row by entry_refusal."""
    return is_department_user(user) and department_id is not None and department_id == user.department_id


def can_read_review_trail(user, *, department_id: int | None, municipality_id: int | None) -> bool:
    """Whether the user may read the review trail of `department_id`'s rows: their history of
    changes (earlier versions, drafts) and the review events with the reviewers' comments
    (return comments included). Only those who see all its values: the department itself,
    the DX office and administrators. An approved row publishes its actual and evaluation
    comment, never how it got there, so this does not depend on the row's status. Every
    page, the API and the admin ask this (or its SQL form below). `municipality_id` is the
    row's strategy's city: the DX office reads the trail of its own city only."""
    if not boundary.works_in(user, municipality_id):
        return False
    return is_dx_office(user) or can_enter_for_department(user, department_id)


def review_trail_q(user, department: str, municipality: str) -> Q:
    """`can_read_review_trail` as a filter; `department` is the path of the responsible
    department's id from the queried model, `municipality` the path of its strategy's
    municipality id (tests check the two agree)."""
    if is_dx_office(user):
        return boundary.works_in_q(user, municipality)
    if is_department_user(user) and user.department_id is not None:
        return Q(**{department: user.department_id}) & boundary.works_in_q(user, municipality)
    return Q(pk__in=[])


def can_manage_rounds(user, strategy=None) -> bool:
    """Open entry periods, set deadlines and close a fiscal year: of `strategy` when given
    (its own city's plans only), else whether the user does so at all (navigation flags)."""
    return is_dx_office(user) and _on_strategy(user, strategy)


def can_revise_target(user, strategy=None) -> bool:
    """Revise a planned value (of `strategy`, when given), with the reason kept as a TargetRevision."""
    return is_dx_office(user) and _on_strategy(user, strategy)


def can_reopen(user, strategy=None) -> bool:
    """Reopen an approved row or a closed fiscal year (of `strategy`, when given)."""
    return _role(user) == Role.ADMIN and is_dx_office(user) and _on_strategy(user, strategy)


def _on_strategy(user, strategy) -> bool:
    """The boundary part of the role rules above: no strategy asks the role only."""
    return strategy is None or works_on_strategy(user, strategy)


def can_use_reports(user) -> bool:
    """Administrators and the DX office build and download reports (they hold unapproved values)."""
    return bool(user and user.is_authenticated and is_dx_office(user))


def can_publish(user) -> bool:
    """Publish a closed fiscal year to the public portal and withdraw a publication: the DX
    office and administrators (public.services asks it; the year's own rule lives there)."""
    return bool(user and user.is_authenticated and is_dx_office(user))


def can_import(user) -> bool:
    """Upload and import plan workbooks into their city's plans: administrators only."""
    return _role(user) == Role.ADMIN and is_dx_office(user)


# --- the municipality boundary (plans.boundary) -------------------------------------------------


def strategies_q(user, path: str = "") -> Q:
    """The plans the user may open: its own city's, or the granted cities' for a wide-area
    viewer or the operator. `path` leads from the queried model to the strategy
    (e.g. "indicator__strategy__"); every list of plan data filters by it."""
    return boundary.readable_q(user, f"{path}municipality_id")


def works_on_strategy(user, strategy) -> bool:
    """Whether the user acts on `strategy` (enters, reviews, steers its round, reports,
    imports, publishes): its own city's plans only."""
    return strategy is not None and boundary.works_in(user, strategy.municipality_id)


def strategy_refusal(user, strategy) -> str | None:
    """Why the user may not act on `strategy` (another city's plan, or no city of its own),
    or None: the reason a write refused by the boundary gives."""
    if works_on_strategy(user, strategy):
        return None
    return boundary.refusal(user, strategy.municipality_id if strategy is not None else None)


# --- values ----------------------------------------------------------------------------------


def own_department(user, value: YearlyValue) -> bool:
    department_id = value.indicator.responsible_department_id
    return department_id is not None and department_id == user.department_id


def visibility_scope(user) -> tuple:
    """Which actuals a user sees, as a key: ("all", city id) (everything of its city),
    ("department", id) (approved ones and their own department's) or ("approved", city ids).
    Users with the same scope see the same figures, so aggregates can be shared between them
    (reports.dashboards.cache); the cities are part of the key."""
    if is_dx_office(user):
        return ("all", boundary.home_municipality_id(user))
    department_id = getattr(user, "department_id", None)
    if is_department_user(user) and department_id is not None:
        return ("department", department_id)
    return ("approved", tuple(sorted(boundary.readable_municipality_ids(user))))


def actual_visible(user, *, status: str, department_id: int | None) -> bool:
    """Whether the actual and the comment (beyond the plan itself) of a value in `status`,
    owned by `department_id`, may be shown to `user`. The one visibility rule: the
    object form and the SQL form below both ask it or its scope."""
    scope = visibility_scope(user)
    if scope[0] == "all" or status == EntryStatus.APPROVED:
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
    if scope[0] == "all":
        return Q()
    visible = Q(**{f"{prefix}status": EntryStatus.APPROVED})
    if scope[0] == "department":
        visible |= Q(**{department or f"{prefix}indicator__responsible_department_id": scope[1]})
    return visible


def entry_refusal(user, value: YearlyValue, *, entry_round, now=None) -> str | None:
    """Why this user may not edit or submit this row now, or None when they may."""
    if not works_on_strategy(user, value.indicator.strategy):
        return boundary.refusal(user, value.indicator.strategy.municipality_id)
    if not is_department_user(user):
        return _("Only department staff and managers enter actual values.")
    if not own_department(user, value):
        return _("This indicator belongs to another department.")
    return entry_window_refusal(entry_round, now) or editable_refusal(value.status, value.get_status_display())


def entry_window_refusal(entry_round, now=None) -> str | None:
    """Why nothing of the round's fiscal year may be entered now (no round, not yet open,
    ended, closed), or None while it is open. Asked for values and texts alike."""
    if entry_round is None:
        return _("No entry period is set for this fiscal year.")
    window = entry_round.window_at(now)
    if window == WINDOW_CLOSED:
        return _("The DX office has closed this fiscal year.")
    if window == WINDOW_UPCOMING:
        return _("The entry period has not started yet.")
    if window == WINDOW_ENDED:
        return _("The entry period has ended.")
    return None


def editable_refusal(status: str, status_label: str) -> str | None:
    """Why a row in `status` cannot be edited (submitted, in review, approved), or None."""
    if status not in EDITABLE:
        return _("This row is %(status)s and cannot be edited.") % {"status": status_label}
    return None


def text_entry_refusal(user, *, department_id: int | None, municipality_id: int | None, status: str,
                       status_label: str, entry_round, now=None) -> str | None:
    """Why this user may not edit or submit a text or status of the round (a RoundText owned by
    `department_id`, of a strategy of `municipality_id`) now, or None: the rules of
    entry_refusal for a value."""
    if not boundary.works_in(user, municipality_id):
        return boundary.refusal(user, municipality_id)
    if not is_department_user(user):
        return _("Only department staff and managers enter the texts and statuses of the round.")
    if not can_enter_for_department(user, department_id):
        return _("This text belongs to another department.")
    return entry_window_refusal(entry_round, now) or editable_refusal(status, status_label)


def review_stage_for(user, value: YearlyValue) -> str | None:
    """The review stage in which this user may approve or return this value now, or None."""
    return stage_for(user, status=value.status, department_id=value.indicator.responsible_department_id,
                     strategy=value.indicator.strategy)


def stage_for(user, *, status: str, department_id: int | None, strategy) -> str | None:
    """The review stage in which this user may approve or return a row (value or text) in
    `status`, owned by `department_id`, of `strategy`, now; or None."""
    if not works_on_strategy(user, strategy):
        return None
    if status == EntryStatus.SUBMITTED and strategy.manager_review:
        if reviews_first(user) and department_id is not None and department_id == user.department_id:
            return ReviewStage.MANAGER
        return None
    waiting_for_dx = status == EntryStatus.FIRST_APPROVED or (
        status == EntryStatus.SUBMITTED and not strategy.manager_review
    )
    if waiting_for_dx and strategy.dx_review and is_dx_office(user):
        return ReviewStage.DX_OFFICE
    return None


def review_stage_q(user, prefix: str = "") -> Q:
    """`review_stage_for(user, value) is not None` as a filter on yearly values, so the
    review queue keeps in SQL only the rows waiting for this user instead of dropping
    the others in Python (tests check the two agree row by row)."""
    strategy = f"{prefix}indicator__strategy__"
    waiting = []
    if reviews_first(user) and user.department_id is not None:
        waiting.append(Q(**{f"{prefix}status": EntryStatus.SUBMITTED, f"{strategy}manager_review": True,
                            f"{prefix}indicator__responsible_department_id": user.department_id}))
    if is_dx_office(user):
        waiting.append(
            (Q(**{f"{prefix}status": EntryStatus.FIRST_APPROVED})
             | Q(**{f"{prefix}status": EntryStatus.SUBMITTED, f"{strategy}manager_review": False}))
            & Q(**{f"{strategy}dx_review": True})
        )
    if not waiting:
        return Q(**{f"{prefix}pk__in": []})
    q = waiting[0]
    for other in waiting[1:]:
        q |= other
    return q & boundary.works_in_q(user, f"{strategy}municipality_id")


def self_approval_allowed_q(user, prefix: str = "") -> Q:
    """`self_approval_refusal(user, value) is None` as a filter (tests check they agree)."""
    return (
        (~Q(**{f"{prefix}entered_by_id": user.pk}) & ~Q(**{f"{prefix}submitted_by_id": user.pk}))
        | Q(**{f"{prefix}indicator__responsible_department__allow_self_approval": True})
    )


def self_approval_refusal(user, value: YearlyValue) -> str | None:
    """Segregation of duties: whoever last saved the actual or comment of a row, or submitted
    it, may not approve it at any review stage, unless its department allows self-approval
    (one-person departments). Reads `value.indicator.responsible_department` only when the
    user is one of them."""
    if user.pk is None or user.pk not in (value.entered_by_id, value.submitted_by_id):
        return None
    return duty_refusal(user, entered_by_id=value.entered_by_id,
                        department=value.indicator.responsible_department)


def duty_refusal(user, *, entered_by_id: int | None, department) -> str | None:
    """The segregation-of-duties refusal for a user who entered (`entered_by_id`) or submitted
    a row owned by `department`; callers ask only when the user is one of them."""
    if department is not None and department.allow_self_approval:
        return None
    if user.pk == entered_by_id:
        return _("You entered this row, so someone else must approve it (segregation of duties).")
    return _("You submitted this row, so someone else must approve it (segregation of duties).")


def text_approval_refusal(user, text, *, entry_round) -> str | None:
    """Why this user may not approve a RoundText now (review rules, then segregation of
    duties), or None. Needs `text.strategy` and `text.department` loaded."""
    refusal = text_review_refusal(user, text, entry_round=entry_round)
    if refusal or user.pk is None or user.pk not in (text.entered_by_id, text.submitted_by_id):
        return refusal
    return duty_refusal(user, entered_by_id=text.entered_by_id, department=text.department)


def text_review_refusal(user, text, *, entry_round) -> str | None:
    """Why this user may not review (approve or return) a RoundText now, or None."""
    if is_reviewer(user) and (refusal := strategy_refusal(user, text.strategy)):
        return refusal
    stage = stage_for(user, status=text.status, department_id=text.department_id, strategy=text.strategy)
    return _review_refusal(user, stage=stage, status_label=text.get_status_display(), entry_round=entry_round)


def approval_refusal(user, value: YearlyValue, *, entry_round) -> str | None:
    """Why this user may not approve this row now, or None: the review rules, then
    segregation of duties. (Returning one's own row is allowed: it only sends it back.)"""
    return review_refusal(user, value, entry_round=entry_round) or self_approval_refusal(user, value)


def review_refusal(user, value: YearlyValue, *, entry_round) -> str | None:
    """Why this user may not review (approve or return) this row now, or None."""
    if not is_reviewer(user):  # before the stage: it reads the indicator's strategy
        return _("Only managers, the DX office and administrators review.")
    if refusal := strategy_refusal(user, value.indicator.strategy):
        return refusal
    return _review_refusal(user, stage=review_stage_for(user, value), status_label=value.get_status_display(),
                           entry_round=entry_round)


def _review_refusal(user, *, stage: str | None, status_label: str, entry_round) -> str | None:
    if not is_reviewer(user):
        return _("Only managers, the DX office and administrators review.")
    if entry_round is not None and entry_round.is_closed:
        return _("The DX office has closed this fiscal year.")
    if stage is None:
        return _("This row is %(status)s; it is not waiting for your review.") % {"status": status_label}
    return None
