"""The pages of the whole plan: the overview, and its distributions for two fiscal years
side by side (compare). Counted in the database (reports.dashboards.aggregates)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from plans.language import fiscal_year_label
from reports.dashboards import aggregates, figures, selectors, summary
from reports.dashboards import filters as url_filters
from reports.dashboards.pages.context import CHANGES_SHOWN, Dashboard


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
    new, ended = d.project_changes()
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
    label = fiscal_year_label
    return {
        "first": first, "second": second, "years": years, "year_list": list(years.items()),
        "policies": [(p, years[first]["policies"][p.pk], years[second]["policies"][p.pk]) for p in d.policies],
        "figures": {"compare": figures.compare_years((label(first), years[first]["distribution"]),
                                                     (label(second), years[second]["distribution"]))},
    }
