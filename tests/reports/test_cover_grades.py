"""The cover's grade counts equal the dashboard's for the same strategy and fiscal year:
a clerk comparing the two finds the same numbers."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import EntryStatus, YearlyValue
from plans.achievement import NOT_EVALUABLE
from plans.models import BasicPolicy, Strategy
from reports import selectors
from reports.dashboards import aggregates
from reports.selectors import Scope
from tests.factories import grow

pytestmark = pytest.mark.django_db
PENDING = "未確定"


def dashboard_counts(strategy, fiscal_year, user) -> dict[int, Counter]:
    """Per basic policy: the dashboard's grade distribution as `user` sees it."""
    groups = aggregates.grade_groups(aggregates.indicators(strategy, fiscal_year), strategy.bands(), user,
                                     key="policy_key")
    counts = defaultdict(Counter)
    for key, _kind, _department, _status, grade, _hidden, n in groups.seen():
        counts[key][grade] += n
    return counts


def cover_counts(strategy, fiscal_year) -> dict[str, dict]:
    grades = selectors.report_grades(Scope(strategy, fiscal_year, as_of=timezone.localdate()))
    return {g.code: g.counts for g in grades}


def assert_same(strategy, fiscal_year, user):
    dashboard = dashboard_counts(strategy, fiscal_year, user)
    cover = cover_counts(strategy, fiscal_year)
    codes = {**dict(BasicPolicy.objects.filter(strategy=strategy).values_list("code", "pk")),
             "": None}  # the cover's row of indicators outside every basic policy
    compared = 0
    for code, counts in cover.items():
        seen = dashboard[codes[code]]
        for band in strategy.bands():
            assert counts[band.grade] == seen[band.grade], (code, band.grade)
        # The viewer's dashboard shows an actual not yet approved as 「－」; the cover counts it apart.
        assert counts[NOT_EVALUABLE] + counts[PENDING] == seen[NOT_EVALUABLE], code
        assert sum(counts.values()) == sum(seen.values()), code
        compared += sum(counts.values())
    assert compared == sum(sum(c.values()) for c in dashboard.values())  # no indicator left out
    return cover


def test_cover_counts_equal_the_dashboard_for_sasebo_r5(sasebo, erin):
    cover = assert_same(sasebo, 2023, erin)
    assert sum(c["A"] for c in cover.values()) > 50  # R5 is the year the seed's actuals are in


def test_an_unapproved_actual_counts_as_pending_on_the_cover_and_hidden_on_the_dashboard(sasebo, erin):
    values = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, status=EntryStatus.APPROVED,
                                        indicator__basic_policy__isnull=True)[:3]
    for value in values:
        value.status = EntryStatus.SUBMITTED
        value.actual_number += Decimal(1)
        value.save()
    cover = assert_same(sasebo, 2023, erin)
    assert sum(c[PENDING] for c in cover.values()) == 3


def test_cover_counts_equal_the_dashboard_for_nagasaki_h(erin):
    assert_same(Strategy.objects.get(code="nagasaki-h"), 2025, erin)


def test_cover_counts_cost_the_same_queries_at_two_sizes(sasebo, django_assert_num_queries):
    def count():
        strategy = Strategy.objects.select_related("municipality").get(pk=sasebo.pk)
        # approved versions from the history; target revisions; basic policies; indicators with the year's value
        with django_assert_num_queries(4):
            return sum(sum(g.counts.values()) for g in selectors.report_grades(Scope(strategy, 2023)))

    small = count()
    grow(sasebo, 10)
    assert count() > small
