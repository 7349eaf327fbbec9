"""The page of one department: its roll-up, submission tracker, indicators and projects."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from plans.api import department_q
from projects.models import Project
from reports.dashboards import aggregates, figures, selectors
from reports.dashboards.pages.context import Dashboard
from reports.dashboards.pages.indicators import LIST_PAGE_SIZE, indicator_list


def department_page(d: Dashboard, department_id: int) -> dict:
    department = d.departments.get(department_id)
    if department is None:
        raise Http404(_("No such department in this municipality."))
    fy = d.fiscal_year
    where = department_q("responsible_department", department_id)
    indicators = d.indicators(where=where)
    under = ("department", department_id)
    groups = d.grade_groups(indicators, "policy_key", extra=under)
    rollup = aggregates.rollup(groups, department_id, d.departments, d.medians(indicators, None, extra=under).get(None))
    page = indicator_list(d, where=where)
    projects = Project.objects.filter(department_q("lead_department", department_id), strategy=d.strategy)
    return {
        "department": department, "rollup": rollup, "page": page,
        "tracker": aggregates.tracker(groups, d.departments), "entry_round": selectors.entry_round(d.strategy, fy),
        "projects": list(projects.select_related("basic_policy").order_by("order")[:LIST_PAGE_SIZE]),
        "project_count": projects.count(),
        "figures": {"grades": figures.grade_distribution(rollup.distribution),
                    "kinds": figures.stacked_grades([(label, dist) for _k, label, dist in aggregates.by_kind(groups)])},
    }
