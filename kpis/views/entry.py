"""The entry grid: a department's actual values and comments of one fiscal year.

A row is saved on its own (htmx POST carrying the version it was loaded at)
and comes back re-rendered: saved, refused with the reason, or in conflict with
what someone else saved. What the user typed is never thrown away: it stays in
the inputs until they save it or choose the other value.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpis import permissions, selectors_entry, selectors_texts, workflow
from kpis.forms import EntryRowForm, selected_ids
from kpis.models import EntryStatus, YearlyValue
from kpis.views import WINDOW_OPEN, window_state
from plans.gates import strategy_or_404
from plans.language import fiscal_year_short_label
from plans.models import Department

SAVED, CONFLICT, INVALID, REFUSED = "saved", "conflict", "invalid", "refused"
# Columns of the grid besides the earlier years: select, indicator, planned, target,
# actual, comment, status.
FIXED_COLUMNS = 7


@dataclass
class RowOutcome:
    """What happened to a row the user just saved, shown inside that row."""

    result: str
    typed_actual: str = ""
    typed_comment: str = ""
    messages: tuple[str, ...] = ()
    current: YearlyValue | None = None  # what the other person saved (conflict)

    @property
    def keeps_typed(self) -> bool:
        return self.result != SAVED


@login_required
def entry_index(request):
    """The entry rounds the user can open, newest first per strategy."""
    rounds = list(selectors_entry.entry_round_list(request.user))
    now = timezone.now()
    for entry_round in rounds:
        entry_round.window = window_state(entry_round, now)
    landing = selectors_entry.landing_entry_round(request.user, now=now)
    return render(request, "kpis/entry_index.html", {"rounds": rounds, "landing": landing})


CURRENT_PAGES = {"entry": "entry:grid", "review": "entry:review", "tracker": "entry:tracker"}


@login_required
def entry_current(request, page):
    """Stable targets for the site navigation: a page of the current round."""
    if page not in CURRENT_PAGES:
        raise Http404(page)
    entry_round = selectors_entry.current_entry_round(request.user)
    if entry_round is None:
        return redirect("entry:index")
    return redirect(CURRENT_PAGES[page], entry_round.strategy.code, entry_round.fiscal_year)


def _department_for(request, strategy):
    """Whose rows to show: staff and managers their own department unless they ask for
    another (read only); others the one they pick (None: show the picker). Only a department
    of the plan's city: another city's (or a missing one) is 404."""
    wanted = request.GET.get("department")
    if wanted and wanted.isdigit():
        department = Department.objects.select_related("parent").filter(
            pk=int(wanted), municipality_id=strategy.municipality_id).first()
        if department is None:
            raise Http404(_("No such department in this municipality."))
        return department
    if permissions.is_department_user(request.user):
        return request.user.department
    return None


def grid_url(strategy, fiscal_year, department=None, user=None) -> str:
    url = reverse("entry:grid", args=[strategy.code, fiscal_year])
    if department is not None and (user is None or department.pk != user.department_id):
        url += f"?department={department.pk}"
    return url


def _grid_context(request, strategy, fiscal_year, department, *, outcomes=None, text_outcomes=None):
    user = request.user
    now = timezone.now()
    entry_round = selectors_entry.entry_round_of(strategy, fiscal_year)
    rows = []
    if department is not None:
        rows = selectors_entry.entry_grid_rows(
            user=user, strategy=strategy, fiscal_year=fiscal_year, department_id=department.pk,
            entry_round=entry_round, now=now,
        )
    for row in rows:
        row.outcome = (outcomes or {}).get(row.value.pk)
    texts = []
    if department is not None:
        texts = selectors_texts.round_text_rows(user=user, strategy=strategy, fiscal_year=fiscal_year,
                                                department_id=department.pk, entry_round=entry_round, now=now)
    for text in texts:
        text.outcome = (text_outcomes or {}).get(text.text.pk)
    window = window_state(entry_round, now)
    enters = department is not None and permissions.can_enter_for_department(user, department.pk)
    statuses = [row.value.status for row in rows]
    previous_years = [(p.fiscal_year, fiscal_year_short_label(p.fiscal_year)) for p in rows[0].previous] if rows else []
    return {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "entry_round": entry_round,
        "window": window,
        "department": department,
        "departments": (
            selectors_entry.departments_with_rows(strategy, fiscal_year)
            if not permissions.is_department_user(user) else None
        ),
        "rows": rows,
        "texts": texts,
        "text_draft_count": sum(1 for text in texts if text.text.status == EntryStatus.DRAFT),
        "previous_years": previous_years,
        "year_label": fiscal_year_short_label(fiscal_year),  # R6 / FY2024: column headers, full label in <abbr>
        "column_count": FIXED_COLUMNS + len(previous_years),
        "enters": enters,
        "can_read_history": (
            department is not None and permissions.can_read_review_trail(
                user, department_id=department.pk, municipality_id=strategy.municipality_id)
        ),
        # Per-row reasons only say something when the page as a whole is editable.
        "row_reasons": enters and window == WINDOW_OPEN,
        "draft_count": statuses.count(EntryStatus.DRAFT),
        "returned_count": statuses.count(EntryStatus.RETURNED)
        + sum(1 for text in texts if text.text.status == EntryStatus.RETURNED),
        "locked_count": sum(1 for row in rows if row.locked),
        # Rows the manager may approve: not those they entered or submitted themselves.
        "waiting_review": sum(
            1 for row in rows if permissions.approval_refusal(user, row.value, entry_round=entry_round) is None
        ) if permissions.reviews_first(user) and enters else 0,
    }


@login_required
def entry_grid(request, strategy, fiscal_year):
    strategy = strategy_or_404(request.user, strategy)
    department = _department_for(request, strategy)
    return render(request, "kpis/entry_grid.html", _grid_context(request, strategy, fiscal_year, department))


def _row_label(value: YearlyValue) -> str:
    return value.indicator.label


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def _save(request, value: YearlyValue) -> RowOutcome:
    typed_actual = request.POST.get("actual", "")
    typed_comment = request.POST.get("comment", "")
    outcome = RowOutcome(SAVED, typed_actual, typed_comment)
    form = EntryRowForm(request.POST)
    if not form.is_valid():
        outcome.result = INVALID
        outcome.messages = tuple(
            _("%(row)s: %(message)s") % {"row": _row_label(value), "message": message}
            for field_errors in form.errors.values() for message in field_errors
        )
        return outcome
    try:
        workflow.entry_save(
            user=request.user, yearly_value=value, actual=form.cleaned_data["actual"],
            comment=form.cleaned_data["comment"], expected_version=form.cleaned_data["version"],
        )
    except workflow.EntryConflict as conflict:
        outcome.result, outcome.current = CONFLICT, conflict.current
    except ValidationError as error:
        outcome.result = INVALID
        outcome.messages = tuple(
            _("%(row)s: %(message)s") % {"row": _row_label(value), "message": message}
            for message in _validation_messages(error)
        )
    except PermissionDenied as error:
        outcome.result, outcome.messages = REFUSED, (str(error),)
    return outcome


STATUS_OF = {SAVED: 200, CONFLICT: 409, INVALID: 400, REFUSED: 403}


@login_required
@require_POST
def entry_row_save(request, pk):
    """Save one row. htmx gets the row back (always 200, so it is swapped in; the
    outcome is in the row and in the X-Entry-Outcome header); a plain form post is
    redirected back on success or gets the whole grid with the row's message."""
    value = get_object_or_404(YearlyValue.objects.select_related("indicator__strategy").filter(
        permissions.strategies_q(request.user, "indicator__strategy__")), pk=pk)
    strategy = value.indicator.strategy
    outcome = _save(request, value)
    department = Department.objects.filter(pk=value.indicator.responsible_department_id).first()
    if request.htmx:
        response = render(request, "kpis/_entry_row.html", _row_context(request, value, department, outcome))
        response["X-Entry-Outcome"] = outcome.result
        return response
    if outcome.result == SAVED:
        messages.success(request, _("Saved %(row)s.") % {"row": _row_label(value)})
        return redirect(grid_url(strategy, value.fiscal_year, department, request.user) + f"#row-{value.pk}")
    context = _grid_context(request, strategy, value.fiscal_year, department, outcomes={value.pk: outcome})
    return render(request, "kpis/entry_grid.html", context, status=STATUS_OF[outcome.result])


def _row_context(request, value, department, outcome):
    """One row re-read after a save (the grid's queries narrowed to it) and the
    page-level flags its template needs."""
    user = request.user
    strategy = value.indicator.strategy
    entry_round = selectors_entry.entry_round_of(strategy, value.fiscal_year)
    (row,) = selectors_entry.entry_grid_rows(
        user=user, strategy=strategy, fiscal_year=value.fiscal_year,
        department_id=value.indicator.responsible_department_id, entry_round=entry_round, value_ids=[value.pk],
    )
    row.outcome = outcome
    enters = department is not None and permissions.can_enter_for_department(user, department.pk)
    return {
        "row": row, "strategy": strategy, "fiscal_year": value.fiscal_year, "department": department,
        "enters": enters, "row_reasons": enters and window_state(entry_round) == WINDOW_OPEN,
        "column_count": FIXED_COLUMNS + len(row.previous),
    }


@login_required
@require_POST
def entry_submit(request, strategy, fiscal_year):
    """Submit the department's drafts, or the checked rows; all or nothing."""
    strategy = strategy_or_404(request.user, strategy)
    user = request.user
    department = user.department
    back = grid_url(strategy, fiscal_year)
    year_rows = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=fiscal_year)
    if request.POST.get("scope") == "drafts":
        values = list(year_rows.filter(indicator__responsible_department=department, status=EntryStatus.DRAFT))
        if not values:
            messages.info(request, _("There are no drafts to submit."))
            return redirect(back)
    else:
        values = list(year_rows.filter(pk__in=selected_ids(request.POST)))
        if not values:
            messages.info(request, _("Select the rows to submit first."))
            return redirect(back)
    try:
        submitted = workflow.entry_submit(user=user, yearly_values=values)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _("Nothing was submitted. Correct these rows and submit again:"))
        for line in getattr(error, "rows", None) or [str(error)]:
            messages.error(request, line)
        return redirect(back)
    messages.success(
        request, _("Submitted %(n)s rows for review. They are read-only until returned.") % {"n": len(submitted)}
    )
    return redirect(back)
