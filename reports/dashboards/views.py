"""Dashboard pages. Every logged-in role may open them for the plans of its own city (a
wide-area viewer or the operator: of the granted cities; another city's plan answers 404,
plans.gates); what each role sees of the figures is decided row by row in
reports.dashboards.summary (kpis.permissions)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kpis import selectors_plan as plan_selectors
from plans import gates
from reports.dashboards import pages

TEMPLATES = "reports/dashboards/"


def _render(request, template, d: pages.Dashboard, data: dict, *, filters: tuple = ()):
    context = {
        "d": d, "strategy": d.strategy, "filters": d.filters, "form": d.form, "filter_errors": d.errors,
        "shown_filters": filters, "top_grade": d.bands[0].grade,
        **data,
    }
    page = data.get("page")
    if page is not None and page.paginator.num_pages > 1:
        context["pager"] = {
            "page": page,
            "previous": request.path + d.filters.query(page=page.previous_page_number()) if page.has_previous() else "",
            "next": request.path + d.filters.query(page=page.next_page_number()) if page.has_next() else "",
        }
    return render(request, TEMPLATES + template, context)


def _dashboard(request, code, *, year_counts=True) -> pages.Dashboard:
    return pages.Dashboard.for_code(code, request.user, request.GET, path=request.path, year_counts=year_counts)


@login_required
def index(request):
    strategies = gates.readable_strategies(request.user, plan_selectors.strategy_list())
    return render(request, TEMPLATES + "index.html", {"strategies": strategies})


@login_required
def cities(request):
    """The comparison of cities: approved figures of every city the user may read
    (reports.dashboards.pages.comparison)."""
    c = pages.city_comparison(request.user, request.GET, path=request.path)
    return render(request, TEMPLATES + "cities.html", {"c": c, "form": c.form, "filter_errors": c.errors})


@login_required
def overview(request, code):
    d = _dashboard(request, code)
    o = pages.overview(d)
    return _render(request, "overview.html", d, {"o": o, "figures": o.figures},
                   filters=("fy", "department", "category", "kind", "leading"))


@login_required
def compare(request, code):
    d = _dashboard(request, code)
    c = pages.compare(d)
    return _render(request, "compare.html", d, {"c": c, "figures": c["figures"]},
                   filters=("fy", "fy2", "department", "category", "kind", "leading"))


@login_required
def indicator_list(request, code):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "indicator_list.html", d, {"page": pages.indicator_list(d)},
                   filters=("fy", "policy", "department", "category", "kind", "grade", "leading"))


@login_required
def policy(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "policy.html", d, pages.policy_page(d, pk), filters=("fy", "department", "kind", "leading"))


@login_required
def measure(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "measure.html", d, pages.measure_page(d, pk), filters=("fy",))


@login_required
def step(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "step.html", d, pages.step_page(d, pk), filters=("fy",))


@login_required
def project(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "project.html", d, pages.project_page(d, pk), filters=("fy",))


@login_required
def indicator(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "indicator.html", d, pages.indicator_page(d, pk))


@login_required
def roadmap(request, code):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "roadmap.html", d, pages.roadmap(d),
                   filters=("fy", "policy", "department", "leading", "phase"))


@login_required
def department(request, code, pk):
    d = _dashboard(request, code, year_counts=False)
    return _render(request, "department.html", d, pages.department_page(d, pk), filters=("fy", "kind", "grade"))
