"""The pages' plan-wide counts through reports.dashboards.cache, and the key each is kept under.

Mixed into reports.dashboards.pages.context.Dashboard, whose `strategy`, `user`, `bands`,
`filters` and `fiscal_year` it reads. A key names everything a count depends on, so two
pages (or the HTML page and the API) asking the same question share one answer.

The municipality boundary (plans.boundary) in the keys: every key starts with the plan's
city and the plan (`plan_key`), so two cities' DX offices never share a cached count; a
count that applies visibility in its query adds kpis.permissions.visibility_scope, which
names the city ("all", city id) or the cities ("approved", ids) the user sees. A page is
built only for a plan the user may open (plans.gates.strategy_or_404), so a raw count
keyed by its plan reaches nobody outside the plan's readers.
"""

from __future__ import annotations

from functools import cached_property

from kpis import permissions
from reports.dashboards import aggregates, selectors
from reports.dashboards import cache as dashboard_cache


class Cached:
    @property
    def plan_key(self) -> tuple:
        """The city and the plan: the first parts of every key."""
        return (self.strategy.municipality_id, self.strategy.pk)

    @cached_property
    def year_counts(self) -> dict[int, int]:
        return dashboard_cache.remember("year_counts", self.plan_key,
                                        lambda: selectors.actual_counts(self.strategy), strategy_id=self.strategy.pk)

    def counted(self, name: str, compute, *, fiscal_year=None, per_user: bool = False, extra: tuple = ()):
        """compute() through reports.dashboards.cache, keyed by everything an aggregate of
        indicators() depends on: strategy, year, bands, URL filters (and what the user may
        see, for results that apply visibility in the query)."""
        f = self.filters
        parts = (*self.plan_key, fiscal_year or self.fiscal_year, tuple(self.bands),
                 f.kind, f.leading, f.policy, f.department, f.category, extra)
        if per_user:
            parts += (permissions.visibility_scope(self.user),)
        return dashboard_cache.remember(name, parts, compute, strategy_id=self.strategy.pk)

    def grade_groups(self, indicators, key: str, *, fiscal_year=None, extra: tuple = ()) -> aggregates.Groups:
        rows = self.counted(f"groups:{key}", lambda: aggregates.grade_group_rows(indicators, self.bands, key=key),
                            fiscal_year=fiscal_year, extra=extra)
        return aggregates.Groups(self.bands, self.user, rows)

    def medians(self, indicators, key: str | None, *, fiscal_year=None, extra: tuple = ()) -> dict:
        return self.counted(f"medians:{key}", lambda: aggregates.medians(indicators, self.user, key=key),
                            fiscal_year=fiscal_year, per_user=True, extra=extra)

    def project_changes(self) -> tuple[list[tuple], list[tuple]]:
        """Projects that start in the fiscal year and those that ended the year before."""
        fy = self.fiscal_year
        return dashboard_cache.remember("project_changes", (*self.plan_key, fy),
                                        lambda: selectors.project_changes(self.strategy, fy),
                                        strategy_id=self.strategy.pk)
