"""The database-side counts (reports.dashboards.aggregates) give exactly what the row-by-row
Python summary (reports.dashboards.summary) gives for the same indicators: every role, every
fiscal year, with and without URL filters, on the Sasebo plan with entry statuses mixed so
that some actuals are hidden from some users."""

import random

import pytest
from django.db.models import Q
from django.http import QueryDict

from kpis.models import EntryStatus, YearlyValue
from kpis.selectors import under_basic_policy
from plans.models import User
from reports.dashboards import aggregates, summary
from reports.dashboards.pages import CHANGES_SHOWN, Dashboard
from tests.factories import grow
from tests.reports.dashboards import row_summary

ROLES = ("alice", "bob", "carol", "dave", "erin", "frank")


@pytest.fixture
def mixed(sasebo):
    """Sasebo grown 2× with a third of its values moved to statuses before approval."""
    grow(sasebo, 2)
    rng = random.Random(7)
    statuses = [s for s, _label in EntryStatus.choices if s != EntryStatus.APPROVED]
    values = list(YearlyValue.objects.filter(indicator__strategy=sasebo).values_list("pk", flat=True))
    for pk in rng.sample(values, len(values) // 3):
        YearlyValue.objects.filter(pk=pk).update(status=rng.choice(statuses))
    return sasebo


def _filters(strategy):
    category = strategy.vocabularies.get(code="field").categories.order_by("order").first()
    department = strategy.basic_policies.exclude(lead_department=None).order_by("order").first().lead_department
    return ["", "kind=kpi", "leading=1", f"department={department.pk}", f"category={category.pk}",
            f"policy={strategy.basic_policies.order_by('order').first().pk}"]


def _python(d, fy):
    graded = d.graded(d.rows([fy, fy - 1]))
    policies = [p.pk for p in d.policies] + [None]
    changes = row_summary.changes(graded, d.bands)
    return {
        "distribution": summary.distribution(graded, d.bands), "kinds": row_summary.by_kind(graded, d.bands),
        "hidden": sum(g.hidden for g in graded), "total": len(graded),
        "policies": row_summary.rollups(policies, graded, d.bands, lambda r: r.policy_id),
        "tracker": row_summary.tracker(d.rows([fy]), fy, d.departments),
        "changes": (len(changes.worse), len(changes.better), len(changes.newly_behind)),
        "falls": [g.row.id for g in changes.worse[:CHANGES_SHOWN]],
    }


def _database(d, fy):
    indicators = d.indicators(fy, previous=True)
    groups = aggregates.grade_groups(indicators, d.bands, d.user, key="policy_key")
    medians = aggregates.medians(indicators, d.user, key="policy_key")
    changes = aggregates.changes(indicators, d.bands, d.user)
    return {
        "distribution": aggregates.distribution(groups), "kinds": aggregates.by_kind(groups),
        "hidden": aggregates.hidden(groups), "total": aggregates.total(groups),
        "policies": aggregates.rollups(groups, [p.pk for p in d.policies] + [None], d.departments, medians),
        "tracker": aggregates.tracker(groups, d.departments),
        "changes": (changes.worse, changes.better, changes.newly_behind),
        "falls": aggregates.largest_falls(indicators, d.bands, d.user, CHANGES_SHOWN),
    }


def test_database_counts_equal_the_row_by_row_summary(mixed):
    hidden_seen = falls_seen = 0
    for username in ROLES:
        user = User.objects.get(username=username)
        for query in _filters(mixed):
            for fy in (2022, 2023, 2024):
                d = Dashboard(mixed, user, QueryDict(f"fy={fy}&{query}"))
                expected, actual = _python(d, fy), _database(d, fy)
                for name in expected:
                    assert actual[name] == expected[name], (username, query, fy, name)
                hidden_seen += expected["hidden"]
                falls_seen += len(expected["falls"])
    assert hidden_seen > 0 and falls_seen > 0  # the comparison covered hidden actuals and falls


def test_policy_page_counts_equal_the_row_by_row_summary(mixed):
    for username in ("alice", "carol", "erin"):
        user = User.objects.get(username=username)
        d = Dashboard(mixed, user, QueryDict("fy=2023"))
        for policy in d.policies[:4]:
            graded = d.graded(d.rows([2023, 2022], where=under_basic_policy(policy.pk)))
            indicators = d.indicators(where=Q(policy_key=policy.pk))
            groups = aggregates.grade_groups(indicators, d.bands, user, key="measure_key")
            measures = list(policy.measures.values_list("pk", flat=True))
            expected = row_summary.rollups(measures, graded, d.bands, lambda r: r.measure_id)
            medians = aggregates.medians(indicators, user, key="measure_key")
            assert aggregates.rollups(groups, measures, d.departments, medians) == expected
            whole = aggregates.rollup(groups, policy.pk, d.departments,
                                      aggregates.medians(indicators, user, key=None).get(None))
            assert whole == summary.rollup(policy.pk, graded, d.bands)
            behind = [g.row.id for g in graded if summary.is_behind(g.grade, d.bands)][:CHANGES_SHOWN]
            assert aggregates.behind_ids(indicators, d.bands, user, CHANGES_SHOWN) == behind


def _python_list(d, fy, grade, change):
    """The indicator list as it was made row by row before the database did it."""
    graded = d.graded(d.rows([fy, fy - 1]))
    graded = [g for g in graded if row_summary.grade_matches(g, grade, d.bands)]
    if change:
        graded = getattr(row_summary.changes(graded, d.bands), change)
    order = {p.pk: i for i, p in enumerate(d.policies)}
    graded.sort(key=lambda g: order.get(g.row.policy_id, len(order)))
    return [g.row.id for g in graded]


@pytest.mark.parametrize("query", ["", "grade=behind", "grade=A", "grade=－", "change=worse", "change=better",
                                   "change=newly_behind", "grade=C&change=worse", "kind=activity&change=newly_behind"])
def test_lists_filter_and_order_as_the_row_by_row_summary(mixed, query):
    listed = 0
    for username in ("carol", "alice", "erin"):
        user = User.objects.get(username=username)
        d = Dashboard(mixed, user, QueryDict(f"fy=2023&{query}"))
        expected = _python_list(d, 2023, d.filters.grade, d.filters.change)
        ids = aggregates.listed_ids(d.indicators(previous=True), d.bands, user, grade=d.filters.grade,
                                    change=d.filters.change, policy_order=[p.pk for p in d.policies])
        assert list(ids) == expected, (username, query)
        listed += len(expected)
    assert listed > 0


def test_department_figures_include_its_divisions(mixed):
    from plans.api import department_q

    user = User.objects.get(username="carol")
    d = Dashboard(mixed, user, QueryDict("fy=2023"))
    for department_id in list(d.departments)[:6]:
        where = department_q("responsible_department", department_id)
        graded = d.graded(d.rows([2023, 2022], where=where))
        indicators = d.indicators(where=where)
        groups = aggregates.grade_groups(indicators, d.bands, user, key="policy_key")
        median = aggregates.medians(indicators, user, key=None).get(None)
        rollup = aggregates.rollup(groups, department_id, d.departments, median)
        assert rollup == summary.rollup(department_id, graded, d.bands)
        assert aggregates.tracker(groups, d.departments) == row_summary.tracker(d.rows([2023], where=where), 2023,
                                                                             d.departments)
