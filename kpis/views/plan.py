"""The landing page and the tree of one strategy."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from kpis import selectors_plan as selectors
from kpis.selectors_entry import landing_entry_round
from plans.models import Strategy


@login_required
def home(request):
    # Staff and managers land on the entry grid of their open round; ?list=1 shows the plans.
    if not request.GET.get("list") and (entry_round := landing_entry_round(request.user)):
        return redirect("entry:grid", entry_round.strategy.code, entry_round.fiscal_year)
    return render(request, "plans/home.html", {"strategies": selectors.strategy_list()})


@login_required
def strategy_tree(request, code):
    strategy = get_object_or_404(Strategy.objects.select_related("municipality"), code=code)
    return render(
        request,
        "plans/strategy_tree.html",
        {
            "strategy": strategy,
            "basic_policies": selectors.strategy_tree(strategy),
            "loose_projects": selectors.strategy_loose_projects(strategy),
        },
    )
