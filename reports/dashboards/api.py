"""Read-only API of the dashboards: the JSON behind each chart and its table.

/api/v1/dashboards/{code}/ and its sub-paths take the same query parameters as the
pages (fy, fy2, department, category, kind, grade, leading, policy, phase, change,
page) and apply the same visibility: an actual the user may not see is null and
graded 「－」. Figures are plotly figure dicts, ready for plotly.js or plotly.py.
Only the plans of the user's own city (or granted cities) are listed and answered; another
city's code answers 404, as a missing one (plans.gates).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis import selectors_plan as plan_selectors
from plans import fiscal_years, gates
from reports.dashboards import pages

FILTER_PARAMETERS = [
    OpenApiParameter("fy", str, description="Fiscal year: 2024, R6 or 令和6年度 (default: latest year with actuals)"),
    OpenApiParameter("fy2", str, description="Fiscal year to compare with (compare only; default the year before)"),
    OpenApiParameter("department", int, description="Responsible department id (includes its divisions)"),
    OpenApiParameter("category", int, description="Category id (分野, 分類, SDG goal …)"),
    OpenApiParameter("kind", str, enum=["outcome", "kpi", "activity"]),
    OpenApiParameter("grade", str, description="A band's grade, 「－」, or behind"),
    OpenApiParameter("leading", bool, description="Only indicators of leading projects"),
    OpenApiParameter("policy", int, description="Basic policy id"),
    OpenApiParameter("phase", str, enum=["build", "operate", "consider"], description="Roadmap: phase in fy"),
    OpenApiParameter("change", str, enum=["worse", "better", "newly_behind"], description="Indicator list"),
    OpenApiParameter("page", int),
]


def _year(fiscal_year):
    if fiscal_year is None:
        return None
    return {"fiscal_year": fiscal_year, "label": fiscal_years.display_label(fiscal_year),
            "english": fiscal_years.english_label(fiscal_year)}


def _department(department):
    return {"id": department.id, "name": department.label} if department else None


def _rollup(rollup):
    return {
        "distribution": rollup.distribution, "total": rollup.total, "evaluated": rollup.evaluated,
        "behind": rollup.behind, "hidden": rollup.hidden,
        "median_rate": None if rollup.median_rate is None else str(rollup.median_rate),
        "behind_departments": [{"department": _department(d), "count": n} for d, n in rollup.behind_departments],
    }


def _graded(g):
    value = g.value
    return {
        "id": g.row.id, "code": g.row.code, "name": g.row.label, "kind": g.row.kind, "unit": g.row.unit,
        "department": _department(g.row.department),
        "basic_policy": g.row.policy.code if g.row.policy else None,
        "planned": value.planned.display() if value else None,
        "actual": value.actual.display() if value and g.visible else None,
        "achievement_rate": None if g.rate is None else str(g.rate),
        "grade": g.grade, "previous_grade": g.previous,
        "status": value.status if value else None,
    }


def _page(page, rows):
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "results": rows}


def _tracker(rows):
    return [{"department": _department(r.department), "total": r.total, "counts": r.counts,
             "approved_percent": r.approved_percent} for r in rows]


def _base(d: pages.Dashboard) -> dict:
    return {"strategy": d.strategy.code, "fiscal_year": _year(d.fiscal_year),
            "labels": {"basic_policy": d.strategy.label_basic_policy, "measure": d.strategy.label_measure,
                       "step": d.strategy.label_step, "project": d.strategy.label_project}}


class DashboardRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The strategy's code.")
    title = serializers.CharField()
    url = serializers.URLField(help_text="Its overview in this API.")


class DashboardViewSet(viewsets.ViewSet):
    """Dashboards of each strategy: chart figures and the figures behind them."""

    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def _dashboard(self, request, code):
        return pages.Dashboard.for_code(code, request.user, request.query_params)

    def _respond(self, d, build):
        if d.errors:
            return Response({"errors": d.errors}, status=400)
        return Response({**_base(d), **build()})

    @extend_schema(operation_id="dashboards_list", responses=DashboardRefSerializer(many=True))
    def list(self, request):
        return Response([
            {"code": s.code, "title": s.title, "url": request.build_absolute_uri(
                reverse("dashboard-detail", kwargs={"code": s.code}))}
            for s in gates.readable_strategies(request.user, plan_selectors.strategy_list())
        ])

    @extend_schema(operation_id="dashboards_overview", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, code=None):
        """The overview: grade distributions, basic policy roll-ups, submission tracker, changes."""
        d = self._dashboard(request, code)

        def build():
            o = pages.overview(d)
            return {
                "distribution": o.distribution, "hidden": o.hidden, "total": o.total,
                "kinds": [{"kind": kind, "distribution": dist} for kind, _label, dist in o.kinds],
                "basic_policies": [
                    {"id": c.policy.pk, "code": c.policy.code, "title": c.policy.title,
                     "group": group.name if group else None, **_rollup(c.rollup),
                     "leading_projects": [{"id": pk, "code": pc, "name": name} for pk, pc, name, _p in c.leading]}
                    for group, cards in o.groups for c in cards
                ],
                "tracker": _tracker(o.tracker),
                "deadline": o.entry_round.deadline if o.entry_round else None,
                # Counts, the largest falls, and where to page through each whole list.
                "changes": {"worse": o.changes.worse, "better": o.changes.better,
                            "newly_behind": o.changes.newly_behind,
                            "largest_falls": [_graded(g) for g in o.changes.largest_falls],
                            "lists": {name: request.build_absolute_uri(
                                reverse("dashboard-indicators", kwargs={"code": code}) + d.filters.query(change=name))
                                for name in ("worse", "better", "newly_behind")},
                            "new_projects": [{"id": p[0], "code": p[1], "name": p[2]} for p in o.new_projects],
                            "ended_projects": [{"id": p[0], "code": p[1], "name": p[2]} for p in o.ended_projects]},
                "figures": o.figures,
            }

        return self._respond(d, build)

    @extend_schema(operation_id="dashboards_compare", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def compare(self, request, code=None):
        """Two fiscal years side by side."""
        d = self._dashboard(request, code)

        def build():
            c = pages.compare(d)
            return {
                "compare_with": _year(c["second"]),
                "years": [{"fiscal_year": fy, "distribution": y["distribution"], "hidden": y["hidden"]}
                          for fy, y in c["years"].items()],
                "basic_policies": [{"code": p.code, "first": _rollup(a), "second": _rollup(b)} for p, a, b in c["policies"]],
                "figures": c["figures"],
            }

        return self._respond(d, build)

    @extend_schema(operation_id="dashboards_indicator_list", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True, url_path="indicators")
    def indicators(self, request, code=None):
        """Graded indicators passing the filters, 100 per page."""
        d = self._dashboard(request, code)
        return self._respond(d, lambda: {"indicators": _page(page := pages.indicator_list(d),
                                                             [_graded(g) for g in page.object_list])})

    @extend_schema(operation_id="dashboards_indicator", parameters=FILTER_PARAMETERS[:1], responses=OpenApiTypes.OBJECT)
    @action(detail=True, url_path=r"indicators/(?P<indicator_id>[0-9]+)")
    def indicator(self, request, code=None, indicator_id=None):
        """One indicator: chart, the yearly table and the projection."""
        d = self._dashboard(request, code)

        def build():
            data = pages.indicator_page(d, int(indicator_id))
            p = data["projection"]
            return {
                "indicator": {"id": data["indicator"].pk, "code": data["indicator"].code, "name": str(data["indicator"])},
                "values": [{"fiscal_year": r.fiscal_year, "planned": r.planned.display() if r.planned else None,
                            "actual": r.actual.display() if r.visible else None,
                            "expected": None if r.expected is None else str(r.expected),
                            "achievement_rate": None if r.rate is None else str(r.rate), "grade": r.grade}
                           for r in data["table"]],
                "projection": {"projected": None if p.projected is None else str(p.projected),
                               "target": None if p.target is None else {"fiscal_year": p.target[0],
                                                                        "value": str(p.target[1])},
                               "reaches_target": p.reaches, "points": p.points},
                "figures": data["figures"],
            }

        return self._respond(d, build)

    @extend_schema(operation_id="dashboards_policy", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True, url_path=r"policies/(?P<policy_id>[0-9]+)")
    def policy(self, request, code=None, policy_id=None):
        d = self._dashboard(request, code)

        def build():
            data = pages.policy_page(d, int(policy_id))
            return {"basic_policy": {"id": data["policy"].pk, "code": data["policy"].code}, **_rollup(data["rollup"]),
                    "measures": [{"id": m.pk, "code": m.code, "title": m.title, **_rollup(r)} for m, r in data["measures"]],
                    "figures": data["figures"]}

        return self._respond(d, build)

    @extend_schema(operation_id="dashboards_department", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True, url_path=r"departments/(?P<department_id>[0-9]+)")
    def department(self, request, code=None, department_id=None):
        d = self._dashboard(request, code)

        def build():
            data = pages.department_page(d, int(department_id))
            return {"department": _department(data["department"]), **_rollup(data["rollup"]),
                    "tracker": _tracker(data["tracker"]),
                    "indicators": _page(data["page"], [_graded(g) for g in data["page"].object_list]),
                    "figures": data["figures"]}

        return self._respond(d, build)

    @extend_schema(operation_id="dashboards_roadmap", parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def roadmap(self, request, code=None):
        """Steps and projects with their status or phase per fiscal year, 40 measures per page."""
        d = self._dashboard(request, code)

        def build():
            data = pages.roadmap(d)
            rows = []
            for kind, item in data["items"]:
                if kind in ("step", "project"):
                    rows.append({
                        "type": kind, "id": item.pk, "code": item.code, "title": getattr(item, "name", None) or item.title,
                        "measure": item.measure_id,
                        # phase (build/operate/consider) or step status per fiscal year
                        "years": {y.fiscal_year: y.phase if kind == "project" else y.status for y in item.years.all()},
                    })
            return {"rows": _page(data["page"], rows)}

        return self._respond(d, build)
