"""Entry periods per strategy and fiscal year: open or reschedule, close the year
(DX office, administrators), reopen a closed year (administrators, with a reason)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis import permissions, selectors_entry, workflow
from kpis.forms import CloseYearForm, EntryRoundForm, ReasonForm
from kpis.models import EntryRound
from kpis.views import apply_errors, refused, submit_form, window_state
from plans import fiscal_years
from plans.gates import readable_strategies, strategy_or_404
from plans.language import fiscal_year_label
from plans.models import Strategy


def _manager_only(request):
    if not permissions.can_manage_rounds(request.user):
        return refused(request, _("Only the DX office and administrators set entry periods."))
    return None


@login_required
def round_list(request):
    """Every strategy of the user's city with its entry periods, newest fiscal year first (2 queries)."""
    if denied := _manager_only(request):
        return denied
    rounds = EntryRound.objects.select_related("closed_by").order_by("-fiscal_year")
    strategies = list(
        readable_strategies(request.user, Strategy.objects.select_related("municipality"))
        .prefetch_related(Prefetch("entry_rounds", queryset=rounds))
        .order_by("order", "code")
    )
    now = timezone.now()
    for strategy in strategies:
        for entry_round in strategy.entry_rounds.all():
            entry_round.window = window_state(entry_round, now)
    return render(request, "kpis/rounds.html", {"strategies": strategies})


def _default_fiscal_year(strategy) -> int:
    """In spring departments report the year that just ended: the previous fiscal year."""
    reported = fiscal_years.current_fiscal_year(timezone.localdate()) - 1
    return min(max(reported, strategy.first_fiscal_year - 1), strategy.last_fiscal_year + 1)


@login_required
def round_edit(request, strategy, fiscal_year=None):
    """Open an entry period (no fiscal year in the URL) or reschedule one."""
    if denied := _manager_only(request):
        return denied
    strategy = strategy_or_404(request.user, strategy)
    entry_round = None
    if fiscal_year is not None:
        entry_round = get_object_or_404(EntryRound, strategy=strategy, fiscal_year=fiscal_year)
        initial = {
            "fiscal_year": fiscal_year, "opens_at": timezone.localtime(entry_round.opens_at),
            "deadline": timezone.localtime(entry_round.deadline),
            "reminder_days": ", ".join(str(d) for d in entry_round.reminder_days),
        }
    else:
        today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        initial = {"fiscal_year": _default_fiscal_year(strategy), "opens_at": today,
                   "deadline": (today + timedelta(days=30)).replace(hour=17)}
    form = EntryRoundForm(request.POST or None, initial=initial, strategy=strategy, fixed_fiscal_year=fiscal_year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = workflow.entry_round_save(
                user=request.user, strategy=strategy, fiscal_year=data["fiscal_year"], opens_at=data["opens_at"],
                deadline=data["deadline"], reminder_days=data["reminder_days"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved the entry period of %(strategy)s, %(year)s.") % {
                "strategy": strategy, "year": fiscal_year_label(saved.fiscal_year)})
            return redirect("entry:rounds")
    return render(request, "kpis/round_form.html", {
        "strategy": strategy, "entry_round": entry_round, "form": form,
    }, status=400 if form.errors else 200)


@login_required
def round_close(request, strategy, fiscal_year):
    """Close the fiscal year: every value of it is locked. The page first shows what is
    still open, so nobody closes a year with rows they forgot."""
    if not permissions.can_manage_rounds(request.user):
        return refused(request, _("Only the DX office and administrators close a fiscal year."))
    strategy = strategy_or_404(request.user, strategy)
    entry_round = get_object_or_404(EntryRound, strategy=strategy, fiscal_year=fiscal_year)
    form = CloseYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.entry_round_close(user=request.user, entry_round=entry_round, reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Closed %(year)s of %(strategy)s. Every value of it is locked.") % {
                "year": fiscal_year_label(fiscal_year), "strategy": strategy})
        return redirect("entry:rounds")
    lines = selectors_entry.tracker_lines(strategy=strategy, fiscal_year=fiscal_year)
    return render(request, "kpis/round_close.html", {
        "strategy": strategy, "entry_round": entry_round, "form": form, "lines": lines,
        "not_approved": sum(line.total - line.counts["approved"] for line in lines),
    })


@login_required
def round_reopen(request, strategy, fiscal_year):
    if not permissions.can_reopen(request.user):
        return refused(request, _("Only administrators can reopen a closed fiscal year."))
    strategy = strategy_or_404(request.user, strategy)
    entry_round = get_object_or_404(EntryRound, strategy=strategy, fiscal_year=fiscal_year)
    form = ReasonForm(request.POST or None)
    done = submit_form(
        request, form,
        lambda: workflow.entry_round_reopen(user=request.user, entry_round=entry_round,
                                            reason=form.cleaned_data["reason"]),
        success=_("Reopened %(year)s of %(strategy)s.") % {"year": fiscal_year_label(fiscal_year),
                                                            "strategy": strategy},
        to=reverse("entry:rounds"),
    )
    if done:
        return done
    return render(request, "kpis/round_reopen.html", {
        "strategy": strategy, "entry_round": entry_round, "form": form,
        "edit_url": reverse("entry:round-edit", args=[strategy.code, fiscal_year]),
    }, status=400 if form.errors else 200)
