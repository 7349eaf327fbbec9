"""The links of the dashboard pages: URLs that carry the current filters, the year bar.

Mixed into reports.dashboards.pages.context.Dashboard, whose `strategy`, `path`, `filters`,
`fiscal_year`, `show_counts` and `year_counts` it reads.
"""

from __future__ import annotations

from django.urls import reverse

from reports.dashboards import summary


class Links:
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
