"""The dashboard reads: the same rates and grades as the models, fixed query counts."""

import pytest

from kpis.models import YearlyValue
from plans.models import Strategy
from reports.dashboards import selectors
from tests.factories import grow


def test_rates_and_grades_equal_the_models_for_every_demo_value(db):
    """The dashboards call plans.achievement with the arguments YearlyValue.achievement_rate() uses."""
    compared = 0
    for strategy in Strategy.objects.all():
        bands = strategy.bands()
        rows = {row.id: row for row in selectors.indicator_rows(strategy, strategy.fiscal_years)}
        for value in YearlyValue.objects.filter(indicator__strategy=strategy).select_related("indicator__strategy"):
            row = rows[value.indicator_id].values[value.fiscal_year]
            assert row.rate == value.achievement_rate(), value
            assert row.planned == value.planned and row.actual == value.actual
            assert row.status == value.status
            compared += 1
            if row.rate is not None:
                assert value.grade(bands) in [band.grade for band in bands]
    assert compared == YearlyValue.objects.count() > 700


def test_rows_carry_the_policy_of_measure_and_project_indicators(sasebo):
    rows = selectors.indicator_rows(sasebo, [2023])
    by_code = {row.code: row for row in rows}
    kpi = by_code["観光-KPI1"]
    activity = by_code["P001-A1"]
    tourism = sasebo.basic_policies.get(short_name="観光")
    assert kpi.policy_id == tourism.pk and kpi.project_id is None and kpi.measure_id is not None
    assert activity.policy_id == tourism.pk and activity.project_id is not None
    loose = [row for row in rows if row.policy_id is None]
    assert all(row.project_id for row in loose)  # only projects outside the tree (推進課題, しかけ)


def test_actual_counts_per_year(sasebo):
    counts = selectors.actual_counts(sasebo)
    expected = {}
    for value in YearlyValue.objects.filter(indicator__strategy=sasebo):
        if value.actual.is_number:
            expected[value.fiscal_year] = expected.get(value.fiscal_year, 0) + 1
    assert counts == expected


@pytest.mark.parametrize("size", [1, 10])
def test_indicator_rows_take_two_queries(sasebo, django_assert_num_queries, size):
    if size > 1:
        grow(sasebo, size)
    # indicators (with owners joined); values of the fiscal years asked for
    with django_assert_num_queries(2):
        rows = selectors.indicator_rows(sasebo, [2022, 2023])
    assert len(rows) == sasebo.indicators.count()


@pytest.mark.parametrize("size", [1, 10])
def test_lookups_take_one_query_each(sasebo, django_assert_num_queries, size):
    if size > 1:
        grow(sasebo, size)
    with django_assert_num_queries(1):  # departments with their parent's name
        selectors.departments(sasebo)
    with django_assert_num_queries(2):  # basic policies with lead department; their categories
        policies = selectors.basic_policies(sasebo)
        [list(p.categories.all()) for p in policies]
    with django_assert_num_queries(1):  # project start and end years, aggregated
        selectors.project_changes(sasebo, 2023)
    with django_assert_num_queries(1):  # leading projects
        selectors.leading_projects(sasebo)


def test_project_changes_finds_projects_starting_and_ending(sasebo):
    projects = list(sasebo.projects.prefetch_related("years"))
    for fiscal_year in (2023, 2024):
        new, ended = selectors.project_changes(sasebo, fiscal_year)
        starting = {p.pk for p in projects if any(y.is_start and y.fiscal_year == fiscal_year for y in p.years.all())}
        ending = {p.pk for p in projects if max((y.fiscal_year for y in p.years.all()), default=0) == fiscal_year - 1}
        assert {pk for pk, *_ in new} == starting
        assert {pk for pk, *_ in ended} == ending
    assert starting, "the demo has projects starting in R6"
