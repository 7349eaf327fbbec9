"""The data of each dashboard page, shared by the HTML views and the REST API.

Each function takes a `Dashboard` (strategy, user, URL filters) and returns plain
objects and figure dicts; views render them, the API turns them into JSON. Queries
are fixed per page whatever the plan size (see the query-count tests).

One concern per module:
- context.py: `Dashboard`, the lookups and the indicator rows the URL filters select,
  with links.py (URLs carrying the filters, the year bar) and caching.py (the plan-wide
  counts through reports.dashboards.cache and their keys) mixed in;
- whole_plan.py: the overview and compare pages;
- indicators.py: the indicator list and one indicator;
- plan_tree.py: a basic policy, a measure, a step, a project;
- schedule.py: the roadmap (工程表), with cells.py for the fiscal-year cells it shares
  with the plan-tree pages;
- departments.py: one department;
- comparison.py: the comparison of cities (across plans, not one Dashboard's).
"""

from reports.dashboards.pages.comparison import CityComparison, city_comparison
from reports.dashboards.pages.context import CHANGES_SHOWN, Dashboard
from reports.dashboards.pages.departments import department_page
from reports.dashboards.pages.indicators import LIST_PAGE_SIZE, YearRow, indicator_list, indicator_page, tick_label
from reports.dashboards.pages.plan_tree import measure_page, policy_page, project_page, step_page, year_texts
from reports.dashboards.pages.schedule import ROADMAP_MEASURES_PER_PAGE, roadmap
from reports.dashboards.pages.whole_plan import Overview, PolicyCard, compare, overview

__all__ = [
    "CHANGES_SHOWN", "LIST_PAGE_SIZE", "CityComparison", "city_comparison", "ROADMAP_MEASURES_PER_PAGE", "Dashboard", "Overview", "PolicyCard", "YearRow",
    "compare", "department_page", "indicator_list", "indicator_page", "measure_page", "overview", "policy_page",
    "project_page", "roadmap", "step_page", "tick_label", "year_texts",
]
