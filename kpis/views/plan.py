"""The landing page and the tree of one strategy: the plans of the user's city (a wide-area
viewer's granted cities'), through plans.gates; another city's plan is 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from kpis import selectors_plan as selectors
from kpis.selectors_entry import landing_entry_round
from plans import gates


@login_required
def home(request):
    # Staff and managers land on the entry grid of their open round; ?list=1 shows the plans.
    if not request.GET.get("list") and (entry_round := landing_entry_round(request.user)):
        return redirect("entry:grid", entry_round.strategy.code, entry_round.fiscal_year)
    strategies = gates.readable_strategies(request.user, selectors.strategy_list())
    return render(request, "plans/home.html", {"strategies": strategies})


@login_required
def strategy_tree(request, code):
    strategy = gates.strategy_or_404(request.user, code)
    return render(
        request,
        "plans/strategy_tree.html",
        {
            "strategy": strategy,
            "basic_policies": selectors.strategy_tree(strategy),
            "loose_projects": selectors.strategy_loose_projects(strategy),
        },
    )
