"""Review: the queue with filters and bulk approval, returning a row with a comment,
revising a target (DX office, administrators) and reopening an approved row
(administrators)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpis import permissions, selectors_entry, selectors_review, selectors_texts, workflow
from kpis.forms import ApproveForm, ReasonForm, ReturnForm, ReviewFilterForm, TargetRevisionForm, selected_ids
from kpis.models import TargetRevision, YearlyValue
from kpis.views import refused, safe_next, submit_form, window_state
from plans.gates import strategy_or_404


def _queue_url(strategy_code, fiscal_year) -> str:
    return reverse("entry:review", args=[strategy_code, fiscal_year])


def _filter_form(user, strategy, fiscal_year, data) -> ReviewFilterForm:
    departments = None if permissions.reviews_first(user) else selectors_entry.departments_with_rows(strategy, fiscal_year)
    return ReviewFilterForm(data or None, departments=departments, bands=strategy.bands())


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _path_prefix(name) -> str:
    """The path of a per-row URL up to the row's id: the template adds the id and the rest,
    rather than reversing a URL per row (half a long page's time, issue 16)."""
    return reverse(name, args=[0]).rsplit("/0/", 1)[0] + "/"


@login_required
def review_queue(request, strategy, fiscal_year):
    """The rows waiting for this reviewer (or as filtered), a page at a time; the filters and
    the page stay in the URL."""
    user = request.user
    if not permissions.is_reviewer(user):
        return refused(request, _("Only managers, the DX office and administrators review."))
    strategy = strategy_or_404(user, strategy)
    entry_round = selectors_entry.entry_round_of(strategy, fiscal_year)
    form = _filter_form(user, strategy, fiscal_year, request.GET)
    filters = form.filters()
    page = selectors_review.review_page(user=user, strategy=strategy, fiscal_year=fiscal_year,
                                        entry_round=entry_round, filters=filters, number=_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    matching_approvable = None
    if page.has_next or page.has_previous:  # "approve all matching" reaches the other pages too
        matching_approvable = len(selectors_review.approvable_ids(
            user=user, strategy=strategy, fiscal_year=fiscal_year, entry_round=entry_round, filters=filters))
    # Texts have no grade: the figure filters (grade, behind, worse) leave them out.
    texts = [] if (filters.grade or filters.behind or filters.worse) else selectors_texts.text_review_rows(
        user=user, strategy=strategy, fiscal_year=fiscal_year, entry_round=entry_round,
        department_id=filters.department_id, status=filters.status)
    return render(request, "kpis/review_queue.html", {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "entry_round": entry_round,
        "window": window_state(entry_round),
        "form": form,
        "page": page,
        "rows": page.rows,
        "filter_query": query.urlencode(),
        "next_param": quote(request.get_full_path(), safe=""),
        "values_prefix": _path_prefix("entry:return"),
        "indicators_prefix": _path_prefix("entry:indicator-history"),
        "approve_form": ApproveForm(),
        "approvable_count": sum(1 for row in page.rows if row.approvable),
        "matching_approvable": matching_approvable,
        "texts": texts,
        "approvable_texts": sum(1 for row in texts if row.approvable),
    })


def _all_matching(request, strategy, fiscal_year) -> list[YearlyValue] | None:
    """The rows "approve all matching" means: those the queue's filters (sent back as
    `filters`) select and this user may approve, on every page. None, with the reason as a
    message, when the user did not confirm or the queue changed since the count was shown."""
    form = _filter_form(request.user, strategy, fiscal_year, QueryDict(request.POST.get("filters", "")))
    ids = selectors_review.approvable_ids(
        user=request.user, strategy=strategy, fiscal_year=fiscal_year,
        entry_round=selectors_entry.entry_round_of(strategy, fiscal_year), filters=form.filters(),
    )
    expected = request.POST.get("expected", "")
    if not request.POST.get("confirm"):
        messages.error(request, _("Nothing was approved: tick the box confirming that all %(n)s matching rows "
                                  "are to be approved.") % {"n": len(ids)})
        return None
    if expected != str(len(ids)):
        messages.error(request, _("Nothing was approved: the queue changed since you opened it (%(n)s rows you may "
                                  "approve match the filters now). Check them and approve again.") % {"n": len(ids)})
        return None
    return [YearlyValue(pk=pk) for pk in ids]


@login_required
@require_POST
def review_approve(request, strategy, fiscal_year):
    """Approve the checked rows in the reviewer's stage; all or none."""
    strategy = strategy_or_404(request.user, strategy)
    back = safe_next(request, _queue_url(strategy.code, fiscal_year))
    form = ApproveForm(request.POST)
    if request.POST.get("scope") == "all":
        values = _all_matching(request, strategy, fiscal_year)
        if values is None:
            return redirect(back)
    else:
        values = list(
            YearlyValue.objects.filter(
                indicator__strategy=strategy, fiscal_year=fiscal_year, pk__in=selected_ids(request.POST)
            ).only("pk")
        )
    if not values:
        messages.info(request, _("Select the rows to approve first."))
        return redirect(back)
    form.is_valid()
    try:
        approved = workflow.review_approve(
            user=request.user, yearly_values=values, comment=form.cleaned_data.get("comment", "")
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _("Nothing was approved:"))
        for line in getattr(error, "rows", None) or _lines(error):
            messages.error(request, line)
        return redirect(back)
    messages.success(request, _("Approved %(n)s rows.") % {"n": len(approved)})
    return redirect(back)


def _lines(error) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [m for ms in error.message_dict.values() for m in ms]
        return list(error.messages)
    return [str(error)]


def _value_or_404(user, pk) -> YearlyValue:
    """The row `pk` if it belongs to a plan the user may open, else 404 (as a missing one)."""
    return get_object_or_404(
        YearlyValue.objects.select_related(
            "indicator__strategy", "indicator__responsible_department", "indicator__responsible_department__parent",
            "updated_by",
        ).filter(permissions.strategies_q(user, "indicator__strategy__")),
        pk=pk,
    )


def _action_page(request, value, *, form, title, action, button, status=200, extra=None):
    """The small form pages (return, revise target, reopen) share one template."""
    default_back = _queue_url(value.indicator.strategy.code, value.fiscal_year)
    return render(request, "kpis/value_action.html", {
        "value": value,
        "indicator": value.indicator,
        "strategy": value.indicator.strategy,
        "form": form,
        "title": title,
        "action": action,
        "button": button,
        "next": safe_next(request, default_back),
        **(extra or {}),
    }, status=status)


@login_required
def review_return(request, pk):
    """Send one row back to its department with a comment saying what to correct."""
    value = _value_or_404(request.user, pk)
    refusal = permissions.review_refusal(request.user, value, entry_round=workflow.entry_round_for(value))
    if refusal:
        return refused(request, refusal)
    form = ReturnForm(request.POST or None)
    page = {"title": _("Return to the department"), "action": reverse("entry:return", args=[pk]),
            "button": _("Return with this comment")}
    done = submit_form(
        request, form,
        lambda: workflow.review_return(user=request.user, yearly_value=value, comment=form.cleaned_data["comment"]),
        success=_("Returned %(row)s to the department.") % {"row": value.indicator.label}, to=_back(request, value),
    )
    return done or _action_page(request, value, form=form, status=400 if form.errors else 200, **page)


@login_required
def target_revise(request, pk):
    """A target revision: a new planned value with the reason, kept as a TargetRevision."""
    if not permissions.can_revise_target(request.user):
        return refused(request, _("Only the DX office and administrators can revise targets."))
    value = _value_or_404(request.user, pk)
    initial = {"planned": value.planned.display()}
    form = TargetRevisionForm(request.POST or None, initial=initial)
    revisions = TargetRevision.objects.filter(yearly_value=value).select_related("revised_by").order_by("revised_at")
    page = {"title": _("Revise the planned value"), "action": reverse("entry:revise-target", args=[pk]),
            "button": _("Revise"), "extra": {"revisions": revisions}}

    def revise():
        revision = workflow.target_revise(user=request.user, yearly_value=value, planned=form.cleaned_data["planned"],
                                          reason=form.cleaned_data["reason"])
        if revision is None:
            return "info", _("The planned value is unchanged; nothing was recorded.")
        return None

    done = submit_form(request, form, revise, to=_back(request, value),
                       success=_("Revised the planned value of %(row)s.") % {"row": value.indicator.label})
    return done or _action_page(request, value, form=form, status=400 if form.errors else 200, **page)


@login_required
def value_reopen(request, pk):
    """An administrator sends an approved row back to its department, with the reason."""
    if not permissions.can_reopen(request.user):
        return refused(request, _("Only administrators can reopen an approved row."))
    value = _value_or_404(request.user, pk)
    form = ReasonForm(request.POST or None)
    page = {"title": _("Reopen an approved row"), "action": reverse("entry:reopen-value", args=[pk]),
            "button": _("Reopen")}
    done = submit_form(
        request, form,
        lambda: workflow.value_reopen(user=request.user, yearly_value=value, reason=form.cleaned_data["reason"]),
        success=_("Reopened %(row)s; the department can correct it.") % {"row": value.indicator.label},
        to=_back(request, value),
    )
    return done or _action_page(request, value, form=form, status=400 if form.errors else 200, **page)


def _back(request, value) -> str:
    return safe_next(request, _queue_url(value.indicator.strategy.code, value.fiscal_year))
