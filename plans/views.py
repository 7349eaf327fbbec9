from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from plans import selectors
from plans.models import Strategy


@login_required
def home(request):
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
