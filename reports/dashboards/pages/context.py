"""The context every dashboard page is built from: a strategy seen by one user through the
URL filters, with the lookups (departments, categories, basic policies) loaded on first use
and the indicator rows the filters select.

URL building (reports.dashboards.pages.links) and the cached counts
(reports.dashboards.pages.caching) are mixed in, so a page builder asks one object.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plans import fiscal_years, gates
from plans.api import department_q
from plans.models import Strategy
from reports.dashboards import aggregates, selectors, summary
from reports.dashboards import filters as url_filters
from reports.dashboards.pages.caching import Cached
from reports.dashboards.pages.links import Links

CHANGES_SHOWN = 10  # rows of a short list: the largest falls, the indicators behind


class Dashboard(Links, Cached):
    """A strategy seen by one user through the URL filters. Lookups are loaded on first use."""

    def __init__(self, strategy: Strategy, user, params, *, path: str = "", year_counts: bool = True):
        self.strategy, self.user, self.params, self.path = strategy, user, params, path
        self.bands = strategy.bands()
        # Counting actuals per year scans every value of the plan: only pages that show
        # the counts (year links, year options) pay for it, or any page without ?fy=.
        self.show_counts = year_counts

    @classmethod
    def for_code(cls, code: str, user, params, **options) -> Dashboard:
        """The dashboard of plan `code` as `user` sees it; Http404 for a missing plan and for
        one of a city the user may not open alike (plans.gates)."""
        return cls(gates.strategy_or_404(user, code), user, params, **options)

    # --- lookups ---------------------------------------------------------------------------

    @cached_property
    def departments(self):
        return selectors.departments(self.strategy)

    @cached_property
    def categories(self):
        return selectors.categories(self.strategy)

    @cached_property
    def policies(self):
        return selectors.basic_policies(self.strategy)

    def policy(self, policy_id):
        return next((p for p in self.policies if p.pk == policy_id), None)

    def department_label(self, department_id) -> str:
        department = self.departments.get(department_id)
        return department.label if department else _("(no department)")

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

    # --- the URL filters -------------------------------------------------------------------

    @cached_property
    def _parsed(self):
        return url_filters.parse(
            self.params, strategy=self.strategy, departments=self.departments, categories=self.categories,
            policies=self.policies, bands=self.bands, year_counts=lambda: self.year_counts,
            today_fiscal_year=fiscal_years.fiscal_year_of(timezone.localdate()), show_counts=self.show_counts,
            round_fiscal_year=lambda: selectors.round_fiscal_year(self.strategy),
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

    # --- what the filters select -----------------------------------------------------------

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
