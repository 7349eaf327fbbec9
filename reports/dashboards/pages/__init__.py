"""The data of each dashboard page, shared by the HTML views and the REST API.

Each function takes a `Dashboard` (strategy, user, URL filters) and returns plain
objects and figure dicts; views render them, the API turns them into JSON. Queries
are fixed per page whatever the plan size (see the query-count tests).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kpis import achievement, permissions
from kpis import selectors as kpi_selectors
from kpis.models import stored_value
from plans import fiscal_years
from plans.api import department_q
from plans.models import Measure, StepStatus, Strategy
from projects.models import PHASE_MARKS, Phase, Project, ProjectYear
from reports.dashboards import aggregates, figures, selectors, summary
from reports.dashboards import cache as dashboard_cache
from reports.dashboards import filters as url_filters

LIST_PAGE_SIZE = 100
ROADMAP_MEASURES_PER_PAGE = 40
CHANGES_SHOWN = 10


def tick_label(fiscal_year: int) -> str:
    """Axis label: 令和5年度<br>2023年度 in Japanese, FY2023 in English."""
    if (get_language() or "ja").startswith("ja"):
        return f"{fiscal_years.era_label(fiscal_year)}<br>{fiscal_years.western_label(fiscal_year)}"
    return fiscal_years.english_label(fiscal_year)


class Dashboard:
    """A strategy seen by one user through the URL filters. Lookups are loaded on first use."""

    def __init__(self, strategy: Strategy, user, params, *, path: str = "", year_counts: bool = True):
        self.strategy, self.user, self.params, self.path = strategy, user, params, path
        self.bands = strategy.bands()
        # Counting actuals per year scans every value of the plan: only pages that show
        # the counts (year links, year options) pay for it, or any page without ?fy=.
        self.show_counts = year_counts

    @classmethod
    def for_code(cls, code: str, user, params, **options) -> Dashboard:
        strategy = Strategy.objects.select_related("municipality").filter(code=code).first()
        if strategy is None:
            raise Http404(_("No strategy with the code %(code)s.") % {"code": code})
        return cls(strategy, user, params, **options)

    @cached_property
    def year_counts(self) -> dict[int, int]:
        return dashboard_cache.remember("year_counts", (self.strategy.pk,),
                                        lambda: selectors.actual_counts(self.strategy))

    @cached_property
    def departments(self):
        return selectors.departments(self.strategy)

    @cached_property
    def categories(self):
        return selectors.categories(self.strategy)

    @cached_property
    def policies(self):
        return selectors.basic_policies(self.strategy)

    @cached_property
    def _parsed(self):
        return url_filters.parse(
            self.params, strategy=self.strategy, departments=self.departments, categories=self.categories,
            policies=self.policies, bands=self.bands, year_counts=lambda: self.year_counts,
            today_fiscal_year=fiscal_years.fiscal_year_of(timezone.localdate()), show_counts=self.show_counts,
        )

    @property
    def filters(self) -> url_filters.Filters:
        return self._parsed[0]

    @property
    def form(self):
        return self._parsed[1]

    @property
    def errors(self) -> list[str]:
        return self._parsed[2]

    @property
    def fiscal_year(self) -> int:
        return self.filters.fiscal_year

    @property
    def previous_year(self) -> int:
        return self.fiscal_year - 1

    @property
    def year_links(self) -> list[tuple[int, int, str]]:
        """(fiscal year, numeric actuals or None, URL of this page for that year) for the year bar."""
        counts = self.year_counts if self.show_counts else {}
        return [(fy, counts.get(fy, 0) if self.show_counts else None, self.path + self.filters.query(fiscal_year=fy))
                for fy in self.strategy.fiscal_years]

    def url(self, name: str, *args, **changes) -> str:
        """A dashboard URL of this strategy carrying the current filters with `changes`."""
        return reverse(f"dashboards:{name}", args=(self.strategy.code, *args)) + self.filters.query(**changes)

    def year_url(self, name: str, *args) -> str:
        """A dashboard URL carrying only the fiscal year."""
        return reverse(f"dashboards:{name}", args=(self.strategy.code, *args)) + f"?fy={self.fiscal_year}"

    def behind_links(self, rollup, **where) -> list[tuple]:
        """(department, count, URL of its slipping indicators) for a roll-up."""
        return [
            (department, n, self.url("indicators", grade=summary.BEHIND, department=department.id if department else None,
                                     **where))
            for department, n in rollup.behind_departments
        ]

    def policy(self, policy_id):
        return next((p for p in self.policies if p.pk == policy_id), None)

    def department_label(self, department_id) -> str:
        department = self.departments.get(department_id)
        return department.label if department else _("(no department)")

    def rows(self, fiscal_years, *, where: Q | None = None, filtered: bool = True) -> list[selectors.IndicatorRow]:
        """Indicator rows with values for `fiscal_years`, narrowed by the URL filters
        other than grade (2 queries, 5 with a category filter)."""
        rows = selectors.indicator_rows(self.strategy, fiscal_years, where=where)
        policies = {p.pk: p for p in self.policies}
        for row in rows:
            row.department, row.policy = self.departments.get(row.department_id), policies.get(row.policy_id)
        if not filtered:
            return rows
        members = selectors.category_members(self.filters.category) if self.filters.category else None
        return [row for row in rows if summary.matches(row, self.filters, self.departments, members)]

    def indicators(self, fiscal_year=None, *, where: Q | None = None, previous: bool = False):
        """The indicators for reports.dashboards.aggregates, narrowed by the URL filters
        other than grade (as rows() narrows them) and by `where`."""
        f = self.filters
        conditions = Q()
        if f.kind:
            conditions &= Q(kind=f.kind)
        if f.leading:
            conditions &= Q(project__leading=True)
        if f.policy:
            conditions &= Q(policy_key=f.policy)
        if f.department:
            conditions &= department_q("responsible_department", f.department)
        if f.category:
            conditions &= selectors.category_member_q(f.category)
        if where is not None:
            conditions &= where
        return aggregates.indicators(self.strategy, fiscal_year or self.fiscal_year, previous=previous).filter(conditions)

    def counted(self, name: str, compute, *, fiscal_year=None, per_user: bool = False, extra: tuple = ()):
        """compute() through reports.dashboards.cache, keyed by everything an aggregate of
        indicators() depends on: strategy, year, bands, URL filters (and what the user may
        see, for results that apply visibility in the query)."""
        f = self.filters
        parts = (self.strategy.pk, fiscal_year or self.fiscal_year, tuple(self.bands),
                 f.kind, f.leading, f.policy, f.department, f.category, extra)
        if per_user:
            parts += (permissions.visibility_scope(self.user),)
        return dashboard_cache.remember(name, parts, compute)

    def grade_groups(self, indicators, key: str, *, fiscal_year=None, extra: tuple = ()) -> aggregates.Groups:
        rows = self.counted(f"groups:{key}", lambda: aggregates.grade_group_rows(indicators, self.bands, key=key),
                            fiscal_year=fiscal_year, extra=extra)
        return aggregates.Groups(self.bands, self.user, rows)

    def medians(self, indicators, key: str | None, *, fiscal_year=None, extra: tuple = ()) -> dict:
        return self.counted(f"medians:{key}", lambda: aggregates.medians(indicators, self.user, key=key),
                            fiscal_year=fiscal_year, per_user=True, extra=extra)

    def graded_ids(self, ids) -> list:
        """Graded rows of the indicators `ids`, in that order (2 queries, even for no ids,
        so that a page's query count does not depend on its data)."""
        fy = self.fiscal_year
        position = {pk: i for i, pk in enumerate(ids)}
        graded = self.graded(self.rows([fy, fy - 1], where=Q(pk__in=list(ids) or [0]), filtered=False))
        return sorted(graded, key=lambda g: position[g.row.id])

    def graded(self, rows, fiscal_year=None, *, previous=True):
        fiscal_year = fiscal_year or self.fiscal_year
        return summary.grade_rows(rows, fiscal_year, self.bands, self.user,
                                  previous_year=fiscal_year - 1 if previous else None)

    def policy_groups(self):
        """Basic policies grouped by the strategy's first classification (Sasebo's 分野)."""
        if not self.categories:
            return [(None, self.policies)]
        first = self.categories[0].vocabulary_id
        groups: dict = {}
        for policy in self.policies:
            group = next((c for c in policy.categories.all() if c.vocabulary_id == first), None)
            groups.setdefault(group, []).append(policy)
        return list(groups.items())


# --- overview ----------------------------------------------------------------------------


@dataclass
class PolicyCard:
    policy: object
    rollup: summary.Rollup
    leading: list[tuple]
    url: str = ""
    behind_url: str = ""
    departments: list[tuple] = field(default_factory=list)


@dataclass
class Overview:
    fiscal_year: int
    distribution: dict[str, int]
    kinds: list
    hidden: int
    total: int
    groups: list[tuple[object, list[PolicyCard]]]
    outside: summary.Rollup | None
    tracker: list[summary.TrackerRow]
    entry_round: object
    changes: summary.Changes
    new_projects: list[tuple]
    ended_projects: list[tuple]
    figures: dict = field(default_factory=dict)
    segments: list = field(default_factory=list)
    kind_segments: list = field(default_factory=list)
    change_urls: dict = field(default_factory=dict)

    @property
    def behind_cards(self) -> list[PolicyCard]:
        return [card for _group, cards in self.groups for card in cards if card.rollup.behind]


def overview(d: Dashboard) -> Overview:
    """Counted in the database (reports.dashboards.aggregates): 8 queries whatever the plan size."""
    fy = d.fiscal_year
    indicators = d.indicators(previous=True)
    groups = d.grade_groups(indicators, "policy_key")
    by_policy = aggregates.rollups(groups, [p.pk for p in d.policies] + [None], d.departments,
                                   d.medians(indicators, "policy_key"))
    outside = by_policy.pop(None)
    leading = selectors.group_by(selectors.leading_projects(d.strategy), lambda p: p[3])
    groups_shown = [
        (group, [
            PolicyCard(p, by_policy[p.pk], leading.get(p.pk, []), url=d.year_url("policy", p.pk),
                       behind_url=d.url("indicators", policy=p.pk, grade=summary.BEHIND),
                       departments=d.behind_links(by_policy[p.pk], policy=p.pk))
            for p in policies
        ])
        for group, policies in d.policy_groups()
    ]
    changes = d.counted("changes", lambda: aggregates.changes(indicators, d.bands, d.user), per_user=True)
    falls = d.counted("falls", lambda: aggregates.largest_falls(indicators, d.bands, d.user, CHANGES_SHOWN),
                      per_user=True)
    changes = dataclasses.replace(changes, largest_falls=d.graded_ids(falls))
    new, ended = dashboard_cache.remember("project_changes", (d.strategy.pk, fy),
                                          lambda: selectors.project_changes(d.strategy, fy))
    result = Overview(
        fiscal_year=fy, distribution=aggregates.distribution(groups), kinds=aggregates.by_kind(groups),
        hidden=aggregates.hidden(groups), total=aggregates.total(groups), groups=groups_shown,
        outside=outside if outside.total else None, tracker=aggregates.tracker(groups, d.departments),
        entry_round=selectors.entry_round(d.strategy, fy), changes=changes,
        new_projects=new, ended_projects=ended,
    )
    result.change_urls = {name: d.url("indicators", change=name) for name in url_filters.CHANGES}
    result.segments = summary.segments(result.distribution, d.bands)
    result.kind_segments = [(label, summary.segments(dist, d.bands)) for _kind, label, dist in result.kinds]
    result.figures = {
        "grades": figures.grade_distribution(result.distribution),
        "kinds": figures.stacked_grades([(label, dist) for _kind, label, dist in result.kinds]),
        "policies": figures.stacked_grades(
            [(f"{c.policy.code} {c.policy.short_name or c.policy.title}", c.rollup.distribution)
             for _g, cards in groups_shown for c in cards], horizontal=True),
    }
    return result


def compare(d: Dashboard) -> dict:
    """The overview's distributions for two fiscal years side by side."""
    first = d.fiscal_year
    second = d.filters.compare_year or first - 1
    years = {}
    for fy in (first, second):
        indicators = d.indicators(fy)
        groups = d.grade_groups(indicators, "policy_key", fiscal_year=fy)
        medians = d.medians(indicators, "policy_key", fiscal_year=fy)
        years[fy] = {
            "distribution": aggregates.distribution(groups),
            "kinds": aggregates.by_kind(groups),
            "policies": aggregates.rollups(groups, [p.pk for p in d.policies], d.departments, medians),
            "hidden": aggregates.hidden(groups),
        }
        years[fy]["segments"] = summary.segments(years[fy]["distribution"], d.bands)
    label = fiscal_years.display_label if (get_language() or "ja").startswith("ja") else fiscal_years.english_label
    return {
        "first": first, "second": second, "years": years, "year_list": list(years.items()),
        "policies": [(p, years[first]["policies"][p.pk], years[second]["policies"][p.pk]) for p in d.policies],
        "figures": {"compare": figures.compare_years((label(first), years[first]["distribution"]),
                                                     (label(second), years[second]["distribution"]))},
    }


# --- indicator list ----------------------------------------------------------------------


def indicator_list(d: Dashboard, *, where: Q | None = None, page_size: int = LIST_PAGE_SIZE):
    """Graded indicators passing every filter (grade and change included), in plan order,
    one page of them: the database filters, orders and counts (count, ids of the page),
    then the page's rows are graded (+2 queries) and their owners named (+2 queries)."""
    ids = aggregates.listed_ids(d.indicators(where=where, previous=True), d.bands, d.user, grade=d.filters.grade,
                                change=d.filters.change, policy_order=[p.pk for p in d.policies])
    page = Paginator(ids, page_size).get_page(d.filters.page)
    page.object_list = d.graded_ids(list(page.object_list))
    selectors.attach_owners([g.row for g in page.object_list])
    return page


# --- drill-down --------------------------------------------------------------------------


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


def _cell(year, labels) -> tuple[str, str]:
    """(CSS class, text) of a roadmap cell: a step's status or a project's phase mark and name."""
    if year is None:
        return "", ""
    if isinstance(year, ProjectYear):
        return f"ph-{year.phase}", labels[year.phase] + (" *" if year.is_start else "")
    return f"ss-{year.status}", labels[year.status]


def _current(fiscal_year, css, text, current):
    return fiscal_year, f"{css} current" if fiscal_year == current else css, text


def _with_years(items, fiscal_years_, graded=None, *, current: int | None = None):
    """Hang `cells` ([(fiscal_year, css class, text)], built here because a roadmap page
    has thousands of them) and, for projects, `graded` (their indicators) on each item."""
    labels = {value: str(label) for value, label in StepStatus.choices}
    labels |= {value: f"{PHASE_MARKS[value]} {label}" for value, label in Phase.choices}
    by_project = selectors.group_by(graded or [], lambda g: g.row.project_id)
    for item in items:
        years = {y.fiscal_year: y for y in item.years.all()}
        item.cells = [_current(fy, *_cell(years.get(fy), labels), current) for fy in fiscal_years_]
        item.graded = by_project.get(item.pk, [])
    return items


def measure_page(d: Dashboard, measure_id: int) -> dict:
    measure = selectors.measure(d.strategy, measure_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=kpi_selectors.under_measure(measure.pk), filtered=False))
    rollup = summary.rollup(measure.pk, graded, d.bands)
    return {
        "measure": measure, "policy": measure.basic_policy, "rollup": rollup,
        "own": [g for g in graded if g.row.project_id is None],
        "steps": _with_years(selectors.steps_with_years(measure=measure), d.strategy.fiscal_years, current=fy),
        "projects": _with_years(selectors.projects_with_years(measure=measure), d.strategy.fiscal_years, graded, current=fy),
        "texts": year_texts(selectors.narratives(measure=measure), fy),
        "figures": {"grades": figures.grade_distribution(rollup.distribution)},
    }


def step_page(d: Dashboard, step_id: int) -> dict:
    step = selectors.step(d.strategy, step_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=Q(project__step=step), filtered=False))
    _with_years([step], d.strategy.fiscal_years, current=fy)
    return {
        "step": step, "measure": step.measure, "policy": step.measure.basic_policy,
        "projects": _with_years(selectors.projects_with_years(step=step), d.strategy.fiscal_years, graded, current=fy),
        "rollup": summary.rollup(step.pk, graded, d.bands),
    }


def project_page(d: Dashboard, project_id: int) -> dict:
    project = selectors.project(d.strategy, project_id)
    fy = d.fiscal_year
    graded = d.graded(d.rows([fy, fy - 1], where=Q(project=project), filtered=False))
    _with_years([project], d.strategy.fiscal_years, current=fy)
    return {
        "project": project, "policy": project.basic_policy, "measure": project.measure, "step": project.step,
        "graded": graded, "texts": year_texts(selectors.narratives(project=project), fy),
    }


# --- one indicator -----------------------------------------------------------------------


@dataclass
class YearRow:
    fiscal_year: int
    planned: object
    actual: object  # None when hidden from this user
    visible: bool
    rate: object
    grade: str
    expected: object
    status: str
    comment: str
    revisions: list
    events: list
    tone: str = "na"


def indicator_page(d: Dashboard, indicator_id: int) -> dict:
    indicator = selectors.indicator_detail(indicator_id, d.strategy)
    if indicator is None:
        raise Http404(_("No such indicator in this strategy."))
    values = {v.fiscal_year: v for v in indicator.values.all()}
    table, actuals = [], {}
    for fy in sorted(set(d.strategy.fiscal_years) | set(values)):
        value = values.get(fy)
        row = selectors.IndicatorRow(indicator.pk, indicator.code, indicator.name, indicator.kind, indicator.unit,
                                     indicator.direction, indicator.responsible_department_id, None, None, None, False)
        visible = value is not None and summary.can_see(d.user, row, value)
        rate = value.achievement_rate() if visible else None
        if visible:
            actuals[fy] = value.actual
        table.append(YearRow(
            fiscal_year=fy, planned=value.planned if value else None, actual=value.actual if visible else None,
            visible=visible, rate=rate, grade=achievement.grade(rate, d.bands), expected=indicator.expected_value(fy),
            status=value.get_status_display() if value else "", comment=value.comment if visible else "",
            revisions=list(value.revisions.all()) if value else [],
            events=list(value.review_events.all()) if visible else [],
            tone=summary.tone(achievement.grade(rate, d.bands), d.bands),
        ))
    planned = {fy: v.planned for fy, v in values.items()}
    target = summary.final_target(target_value=indicator.target_value,
                                  target_fiscal_year=indicator.target_fiscal_year, planned=planned)
    projection = summary.projection(actuals, target, direction=indicator.direction, tolerance=indicator.tolerance)
    series = figures.IndicatorSeries(
        fiscal_years=d.strategy.fiscal_years,
        tick_labels={fy: tick_label(fy) for fy in range(d.strategy.first_fiscal_year - 30, d.strategy.last_fiscal_year + 30)},
        planned=planned, actual=actuals, unit=indicator.unit,
        baseline=(indicator.baseline_fiscal_year, indicator.baseline_value)
        if indicator.baseline_value is not None else None,
        target=target[:2] if target else None,
        expected={r.fiscal_year: r.expected for r in table if r.expected is not None},
        projection=(projection.start, (projection.target[0], projection.projected))
        if projection.projected is not None else None,
        revisions=[(r.fiscal_year, rev.old, rev.new, rev.reason) for r in table for rev in r.revisions],
    )
    visible_years = {r.fiscal_year for r in table if r.visible}
    history = [h for h in selectors.value_history(indicator) if h.fiscal_year in visible_years]
    for h in history:  # historical rows carry the columns, not the model's properties
        h.planned_display = stored_value(h.planned_state, h.planned_number, h.planned_places, h.planned_text).display()
        h.actual_display = stored_value(h.actual_state, h.actual_number, h.actual_places, h.actual_text).display()
    return {
        "indicator": indicator, "table": table, "target": target, "projection": projection,
        "history": history, "indicator_history": selectors.indicator_history(indicator),
        "hidden": sum(1 for r in table if not r.visible and r.planned is not None),
        "revision_count": sum(len(r.revisions) for r in table), "comment_count": sum(bool(r.comment) for r in table),
        "figures": {"chart": figures.indicator_chart(series)},
    }


# --- roadmap and department ----------------------------------------------------------------


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
    _with_years([item for kind, item in items if kind in ("step", "project")], years, current=f.fiscal_year)
    return {"items": items, "page": page, "years": years}


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
