"""The roadmap (工程表): steps and projects with their status or phase per fiscal year."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q

from plans.api import department_q
from plans.models import Measure
from projects.models import Project, ProjectYear
from reports.dashboards import selectors
from reports.dashboards.pages.cells import with_years
from reports.dashboards.pages.context import Dashboard

ROADMAP_MEASURES_PER_PAGE = 40


def roadmap(d: Dashboard) -> dict:
    """Steps and projects across fiscal years, a page of measures at a time; the projects
    outside any measure come on the last page (6 queries: measure count, measures, steps,
    step years, projects, project years)."""
    f = d.filters
    projects_q = Q()
    if f.department:
        projects_q &= department_q("lead_department", f.department)
    if f.leading:
        projects_q &= Q(leading=True)
    if f.phase:
        projects_q &= Exists(ProjectYear.objects.filter(project=OuterRef("pk"), fiscal_year=f.fiscal_year, phase=f.phase))
    measures = (Measure.objects.filter(basic_policy__strategy=d.strategy).select_related("basic_policy")
                .order_by("basic_policy__order", "order", "pk"))
    if f.policy:
        measures = measures.filter(basic_policy_id=f.policy)
    if projects_q:
        measures = measures.filter(Exists(Project.objects.filter(projects_q, measure=OuterRef("pk"))))
    page = Paginator(measures, ROADMAP_MEASURES_PER_PAGE).get_page(f.page)
    ids = [m.pk for m in page.object_list]
    steps = selectors.group_by(selectors.steps_with_years(measure_id__in=ids), lambda s: s.measure_id)
    on_page = Q(measure_id__in=ids)
    if not page.has_next():  # same query on every page, so the count stays fixed
        loose = Q(strategy=d.strategy, measure__isnull=True)
        on_page |= loose & Q(basic_policy_id=f.policy) if f.policy else loose
    projects = selectors.group_by(selectors.projects_with_years(projects_q & on_page),
                                  lambda p: (p.measure_id, p.step_id))
    loose = projects.get((None, None), [])
    items = []
    for measure in page.object_list:
        items.append(("measure", measure))
        for step in steps.get(measure.pk, []):
            items.append(("step", step))
            items += [("project", p) for p in projects.get((measure.pk, step.pk), [])]
        items += [("project", p) for p in projects.get((measure.pk, None), [])]
    if not page.has_next() and loose:
        items.append(("loose", None))
        items += [("project", p) for p in loose]
    years = d.strategy.fiscal_years
    with_years([item for kind, item in items if kind in ("step", "project")], years, current=f.fiscal_year)
    return {"items": items, "page": page, "years": years}


