"""The submission tracker: per department, how many rows are in each status, and the deadline."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kpis import selectors_entry
from kpis.views import window_state
from plans.gates import strategy_or_404


@login_required
def tracker(request, strategy, fiscal_year):
    """Counts only, no values, so every signed-in user who may open the plan may see how far
    the round is."""
    strategy = strategy_or_404(request.user, strategy)
    entry_round = selectors_entry.entry_round_of(strategy, fiscal_year)
    lines = selectors_entry.tracker_lines(strategy=strategy, fiscal_year=fiscal_year)
    totals = {status: sum(line.counts[status] for line in lines) for status in selectors_entry.TRACKED}
    return render(request, "kpis/tracker.html", {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "entry_round": entry_round,
        "window": window_state(entry_round),
        "lines": lines,
        "statuses": selectors_entry.TRACKED,
        "totals": totals,
        "total": sum(line.total for line in lines),
    })
