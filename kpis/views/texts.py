"""The round's texts and statuses on the entry and review pages: save one (with the version it
was loaded at), submit the department's, approve in the queue, return with a comment, reopen.

Plain form posts: a saved row redirects back to its place on the grid; a refused or
conflicting save shows the grid again with what the user typed kept in the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpis import permissions, text_workflow
from kpis.forms import ApproveForm, ReasonForm, ReturnForm, RoundTextForm, selected_ids
from kpis.models import EntryStatus, RoundText
from kpis.views import refused, safe_next, submit_form
from kpis.views.entry import CONFLICT, INVALID, REFUSED, STATUS_OF, RowOutcome, _grid_context, grid_url
from plans.gates import strategy_or_404


def _text_or_404(user, pk) -> RoundText:
    """The text `pk` if it belongs to a plan the user may open, else 404 (as a missing one)."""
    return get_object_or_404(
        RoundText.objects.select_related("strategy", "department", "updated_by", "basic_policy", "measure", "step",
                                         "project").filter(permissions.strategies_q(user, "strategy__")), pk=pk)


def _errors(error: ValidationError) -> tuple[str, ...]:
    if hasattr(error, "error_dict"):
        return tuple(m for ms in error.message_dict.values() for m in ms)
    return tuple(error.messages)


@login_required
@require_POST
def text_save(request, pk):
    text = _text_or_404(request.user, pk)
    typed = request.POST.get("content", "")
    outcome = RowOutcome("saved", typed_actual=typed)
    form = RoundTextForm(request.POST)
    if not form.is_valid():
        outcome.result, outcome.messages = INVALID, tuple(m for ms in form.errors.values() for m in ms)
    else:
        try:
            text_workflow.round_text_save(user=request.user, round_text=text, content=form.cleaned_data["content"],
                                          is_start=form.cleaned_data["is_start"],
                                          expected_version=form.cleaned_data["version"])
        except text_workflow.RoundTextConflict as conflict:
            outcome.result, outcome.current, outcome.messages = CONFLICT, conflict.current, (str(conflict),)
        except ValidationError as error:
            outcome.result, outcome.messages = INVALID, _errors(error)
        except PermissionDenied as error:
            outcome.result, outcome.messages = REFUSED, (str(error),)
    if outcome.result == "saved":
        messages.success(request, _("Saved %(row)s.") % {"row": text_workflow.label(text)})
        return redirect(grid_url(text.strategy, text.fiscal_year, text.department, request.user) + f"#text-{pk}")
    context = _grid_context(request, text.strategy, text.fiscal_year, text.department, text_outcomes={pk: outcome})
    return render(request, "kpis/entry_grid.html", context, status=STATUS_OF[outcome.result])


@login_required
@require_POST
def text_submit(request, strategy, fiscal_year):
    """Submit the department's draft texts, or the checked ones; all or nothing."""
    strategy = strategy_or_404(request.user, strategy)
    back = grid_url(strategy, fiscal_year) + "#round-texts"
    year = RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year)
    if request.POST.get("text_scope") == "drafts":  # not "scope": the figures' submit buttons use that name
        texts = list(year.filter(department_id=request.user.department_id, status=EntryStatus.DRAFT))
    else:
        texts = list(year.filter(pk__in=selected_ids(request.POST, "texts")))
    if not texts:
        messages.info(request, _("Select the texts to submit first."))
        return redirect(back)
    try:
        submitted = text_workflow.round_text_submit(user=request.user, round_texts=texts)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _("Nothing was submitted. Correct these rows and submit again:"))
        for line in getattr(error, "rows", None) or [str(error)]:
            messages.error(request, line)
        return redirect(back)
    messages.success(request, _("Submitted %(n)s texts and statuses for review.") % {"n": len(submitted)})
    return redirect(back)


@login_required
@require_POST
def text_approve(request, strategy, fiscal_year):
    """Approve the checked texts in the reviewer's stage; all or none."""
    strategy = strategy_or_404(request.user, strategy)
    back = safe_next(request, reverse("entry:review", args=[strategy.code, fiscal_year]))
    form = ApproveForm(request.POST)
    form.is_valid()
    texts = list(RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year,
                                          pk__in=selected_ids(request.POST, "texts")))
    if not texts:
        messages.info(request, _("Select the texts to approve first."))
        return redirect(back)
    try:
        approved = text_workflow.round_text_approve(user=request.user, round_texts=texts,
                                                    comment=form.cleaned_data.get("comment", ""))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _("Nothing was approved:"))
        for line in getattr(error, "rows", None) or _errors_of(error):
            messages.error(request, line)
        return redirect(back)
    messages.success(request, _("Approved %(n)s texts and statuses.") % {"n": len(approved)})
    return redirect(back)


def _errors_of(error) -> tuple[str, ...]:
    return _errors(error) if isinstance(error, ValidationError) else (str(error),)


def _action_page(request, text, *, form, title, action, button, status=200):
    return render(request, "kpis/text_action.html", {
        "text": text, "strategy": text.strategy, "form": form, "title": title, "action": action, "button": button,
        "next": safe_next(request, reverse("entry:review", args=[text.strategy.code, text.fiscal_year])),
    }, status=status)


@login_required
def text_return(request, pk):
    """Send one text back to its department with a comment saying what to correct."""
    text = _text_or_404(request.user, pk)
    refusal = permissions.text_review_refusal(request.user, text, entry_round=text_workflow.entry_round_of(text))
    if refusal:
        return refused(request, refusal)
    form = ReturnForm(request.POST or None)
    back = safe_next(request, reverse("entry:review", args=[text.strategy.code, text.fiscal_year]))
    done = submit_form(
        request, form,
        lambda: text_workflow.round_text_return(user=request.user, round_text=text, comment=form.cleaned_data["comment"]),
        success=_("Returned %(row)s to the department.") % {"row": text_workflow.label(text)}, to=back,
    )
    return done or _action_page(request, text, form=form, title=_("Return to the department"),
                                action=reverse("entry:text-return", args=[pk]), button=_("Return with this comment"),
                                status=400 if form.errors else 200)


@login_required
def text_reopen(request, pk):
    """An administrator sends an approved text back to its department, with the reason."""
    if not permissions.can_reopen(request.user):
        return refused(request, _("Only administrators can reopen an approved row."))
    text = _text_or_404(request.user, pk)
    form = ReasonForm(request.POST or None)
    back = safe_next(request, reverse("entry:review", args=[text.strategy.code, text.fiscal_year]))
    done = submit_form(
        request, form,
        lambda: text_workflow.round_text_reopen(user=request.user, round_text=text, reason=form.cleaned_data["reason"]),
        success=_("Reopened %(row)s; the department can correct it.") % {"row": text_workflow.label(text)}, to=back,
    )
    return done or _action_page(request, text, form=form, title=_("Reopen an approved row"),
                                action=reverse("entry:text-reopen", args=[pk]), button=_("Reopen"),
                                status=400 if form.errors else 200)
