"""The drill-down pages of the plan tree: a basic policy (counted in the database like the
overview), and a measure, a step or a project (graded row by row: they hold few indicators)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from kpis import selectors as kpi_selectors
from reports.dashboards import aggregates, figures, selectors, summary
from reports.dashboards.pages.cells import with_years
from reports.dashboards.pages.context import CHANGES_SHOWN, Dashboard


def policy_page(d: Dashboard, policy_id: int) -> dict:
    policy = d.policy(policy_id)
    if policy is None:
        raise Http404(_("No such basic policy in this strategy."))
    fy = d.fiscal_year
    indicators = d.indicators(where=Q(policy_key=policy.pk))
    under = ("policy", policy.pk)
    groups = d.grade_groups(indicators, "measure_key", extra=under)
    measures = selectors.measures_of(policy)
    by_measure = aggregates.rollups(groups, [m.pk for m in measures], d.departments,
                                    d.medians(indicators, "measure_key", extra=under))
    rollup = aggregates.rollup(groups, policy.pk, d.departments, d.medians(indicators, None, extra=under).get(None))
    measure_page = Paginator(measures, 50).get_page(d.filters.page)
    own = d.graded(d.rows([fy, fy - 1], where=Q(basic_policy=policy)))
    behind = d.graded_ids(d.counted("behind", lambda: aggregates.behind_ids(indicators, d.bands, d.user, CHANGES_SHOWN),
                                    per_user=True, extra=under))
    return {
        "policy": policy, "rollup": rollup, "own": own, "behind": behind, "behind_total": rollup.behind,
        "measures": [(m, by_measure[m.pk]) for m in measure_page.object_list], "page": measure_page,
        "leading": selectors.leading_projects(d.strategy, policy_id=policy.pk),
        "texts": year_texts(selectors.narratives(basic_policy=policy), fy),
        "behind_url": d.url("indicators", policy=policy.pk, grade=summary.BEHIND),
        "behind_departments": d.behind_links(rollup, policy=policy.pk),
        "figures": {"grades": figures.grade_distribution(rollup.distribution)},
    }


def year_texts(narratives, fiscal_year: int) -> tuple[int | None, list]:
    """The narratives of `fiscal_year`, or else of the latest year that has some."""
    years = sorted({n.fiscal_year for n in narratives})
    if not years:
        return None, []
    year = fiscal_year if fiscal_year in years else years[-1]
    return year, [n for n in narratives if n.fiscal_year == year]


def measure_page(d: Dashboard, measure_id: int) -> dict:
    measure = selectors.measure(d.strategy, measure_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=kpi_selectors.under_measure(measure.pk), filtered=False))
    rollup = summary.rollup(measure.pk, graded, d.bands)
    return {
        "measure": measure, "policy": measure.basic_policy, "rollup": rollup,
        "own": [g for g in graded if g.row.project_id is None],
        "steps": with_years(selectors.steps_with_years(measure=measure), d.strategy.fiscal_years, current=fy),
        "projects": with_years(selectors.projects_with_years(measure=measure), d.strategy.fiscal_years, graded, current=fy),
        "texts": year_texts(selectors.narratives(measure=measure), fy),
        "figures": {"grades": figures.grade_distribution(rollup.distribution)},
    }


def step_page(d: Dashboard, step_id: int) -> dict:
    step = selectors.step(d.strategy, step_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=Q(project__step=step), filtered=False))
    with_years([step], d.strategy.fiscal_years, current=fy)
    return {
        "step": step, "measure": step.measure, "policy": step.measure.basic_policy,
        "projects": with_years(selectors.projects_with_years(step=step), d.strategy.fiscal_years, graded, current=fy),
        "rollup": summary.rollup(step.pk, graded, d.bands),
    }


def project_page(d: Dashboard, project_id: int) -> dict:
    project = selectors.project(d.strategy, project_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=Q(project=project), filtered=False))
    with_years([project], d.strategy.fiscal_years, current=fy)
    return {
        "project": project, "policy": project.basic_policy, "measure": project.measure, "step": project.step,
        "graded": graded, "texts": year_texts(selectors.narratives(project=project), fy),
    }


