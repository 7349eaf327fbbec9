"""What the dashboards compute from plain rows: grades as each role may see them, roll-ups,
the submission tracker, year-on-year changes, projections, the default fiscal year. No database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from kpis.models import EntryStatus
from plans import achievement
from plans.models import Role
from reports.dashboards import filters, summary
from reports.dashboards.selectors import DepartmentRow, IndicatorRow, ValueRow
from tests.reports.dashboards import row_summary

BANDS = achievement.DEFAULT_BANDS
TOURISM, FARMING = 1, 2
DEPARTMENTS = {
    TOURISM: DepartmentRow(TOURISM, "観光商工部", None, "観光商工部", (1,)),
    FARMING: DepartmentRow(FARMING, "農林水産部", None, "農林水産部", (2,)),
}


def value(fiscal_year, planned, actual, status=EntryStatus.APPROVED, rate=None):
    p, a = achievement.Value.of(planned), achievement.Value.of(actual)
    if rate is None and p.is_number and a.is_number:
        rate = achievement.achievement_rate(actual=a, planned=p, direction="up")
    return ValueRow(fiscal_year, status, p.state, p.number, 0, p.text, a.state, a.number, 0, a.text, rate)


def row(pk, department_id, *values, policy_id=10, kind="kpi", leading=False):
    r = IndicatorRow(pk, f"K{pk}", f"指標{pk}", kind, "件", "up", department_id, policy_id, None, None, leading)
    r.department = DEPARTMENTS.get(department_id)
    r.values = {v.fiscal_year: v for v in values}
    return r


def user(role, department_id=None, municipality_id=1):
    """A user of the city of the rows (plans.boundary: the DX office sees everything of its own city)."""
    return SimpleNamespace(role=role, department_id=department_id, municipality_id=municipality_id,
                           is_authenticated=True)


@pytest.fixture
def rows():
    return [
        row(1, TOURISM, value(2023, "10", "12"), value(2022, "10", "5")),  # A, was C
        row(2, TOURISM, value(2023, "10", "9", status=EntryStatus.SUBMITTED)),  # B, not yet approved
        row(3, FARMING, value(2023, "10", "5"), value(2022, "10", "10")),  # C, was A
        row(4, FARMING, value(2023, "10", "－")),  # 「－」
        row(5, FARMING),  # no value
    ]


def grades(rows, who):
    return {g.row.id: g.grade for g in summary.grade_rows(rows, 2023, BANDS, who, previous_year=2022)}


def test_dx_office_and_admin_grade_everything(rows):
    for role in (Role.DX_OFFICE, Role.ADMIN):
        assert grades(rows, user(role)) == {1: "A", 2: "B", 3: "C", 4: "－", 5: "－"}


def test_staff_and_managers_see_their_own_unapproved_values_only(rows):
    for role in (Role.STAFF, Role.MANAGER):
        assert grades(rows, user(role, TOURISM))[2] == "B"
        assert grades(rows, user(role, FARMING))[2] == "－"
        assert grades(rows, user(role, FARMING))[3] == "C"  # approved: seen by everyone


def test_viewers_see_approved_values_only_and_the_hidden_one_is_counted(rows):
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.VIEWER))
    assert {g.row.id: g.grade for g in graded} == {1: "A", 2: "－", 3: "C", 4: "－", 5: "－"}
    assert [g.row.id for g in graded if g.hidden] == [2]
    hidden = next(g for g in graded if g.row.id == 2)
    assert hidden.rate is None and not hidden.visible


def test_distribution_and_rollup(rows):
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.DX_OFFICE))
    assert summary.distribution(graded, BANDS) == {"A": 1, "B": 1, "C": 1, "－": 2}
    rollup = summary.rollup(10, graded, BANDS)
    assert (rollup.total, rollup.evaluated, rollup.behind, rollup.achieved) == (5, 3, 2, 1)
    assert rollup.median_rate == Decimal("90.0")  # 120, 90, 50
    assert [(d.name, n) for d, n in rollup.behind_departments] == [("観光商工部", 1), ("農林水産部", 1)]
    assert [s[:3] for s in rollup.segments] == [("A", 1, "0"), ("B", 1, "1"), ("C", 1, "2"), ("－", 2, "na")]


def test_rollup_for_a_viewer_leaves_out_what_they_may_not_see(rows):
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.VIEWER))
    rollup = summary.rollup(10, graded, BANDS)
    assert (rollup.evaluated, rollup.behind, rollup.hidden) == (2, 1, 1)
    assert [(d.name, n) for d, n in rollup.behind_departments] == [("農林水産部", 1)]


def test_rollups_group_by_key_and_keep_the_order_given(rows):
    rows[0].policy_id = 20
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.DX_OFFICE))
    result = row_summary.rollups([20, 10, 30], graded, BANDS, lambda r: r.policy_id)
    assert list(result) == [20, 10, 30]
    assert (result[20].total, result[10].total, result[30].total) == (1, 4, 0)


def test_changes_since_last_year(rows):
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.DX_OFFICE), previous_year=2022)
    changes = row_summary.changes(graded, BANDS)
    assert [g.row.id for g in changes.worse] == [3]
    assert [g.row.id for g in changes.better] == [1]
    # 3 fell from A; 2 had no value last year and is behind now
    assert sorted(g.row.id for g in changes.newly_behind) == [2, 3]


def test_tracker_counts_statuses_per_department_in_department_order(rows):
    tracker = row_summary.tracker(rows, 2023, DEPARTMENTS)
    assert [t.department.name for t in tracker] == ["観光商工部", "農林水産部"]
    tourism, farming = tracker
    assert tourism.counts == {EntryStatus.APPROVED: 1, EntryStatus.SUBMITTED: 1} and tourism.total == 2
    assert tourism.approved_percent == 50 and tourism.waiting == 0
    assert farming.total == 2  # the indicator without a value has nothing to enter


def test_filters_match_department_kind_leading_and_category(rows):
    rows[0].leading = True
    f = filters.Filters(fiscal_year=2023, department=FARMING)
    assert [r.id for r in rows if summary.matches(r, f, DEPARTMENTS)] == [3, 4, 5]
    f = filters.Filters(fiscal_year=2023, leading=True)
    assert [r.id for r in rows if summary.matches(r, f, DEPARTMENTS)] == [1]
    f = filters.Filters(fiscal_year=2023, kind="activity")
    assert [r.id for r in rows if summary.matches(r, f, DEPARTMENTS)] == []
    f = filters.Filters(fiscal_year=2023)
    assert [r.id for r in rows if summary.matches(r, f, DEPARTMENTS, members=({10}, set(), set()))] == [1, 2, 3, 4, 5]
    assert [r.id for r in rows if summary.matches(r, f, DEPARTMENTS, members=(set(), set(), set()))] == []


def test_a_division_matches_its_bureau():
    departments = {**DEPARTMENTS, 7: DepartmentRow(7, "DX推進課", FARMING, "農林水産部 DX推進課", (2, 1))}
    division = row(9, 7)
    assert summary.matches(division, filters.Filters(fiscal_year=2023, department=FARMING), departments)
    assert not summary.matches(division, filters.Filters(fiscal_year=2023, department=TOURISM), departments)


def test_grade_filter_behind_means_evaluated_and_below_the_top_band(rows):
    graded = summary.grade_rows(rows, 2023, BANDS, user(Role.DX_OFFICE))
    assert [g.row.id for g in graded if row_summary.grade_matches(g, summary.BEHIND, BANDS)] == [2, 3]
    assert [g.row.id for g in graded if row_summary.grade_matches(g, "－", BANDS)] == [4, 5]


# --- projection (the final target's rule is tested in tests/plans/test_final_target.py) ----------------------


def test_projection_of_a_falling_indicator_that_falls_too_slowly():
    actuals = {2021: achievement.Value.of("100.0"), 2022: achievement.Value.of("95.1"), 2023: achievement.Value.of("81.7")}
    projection = summary.projection(actuals, (2027, Decimal("30.0")), direction="down", tolerance=None)
    assert projection.points == 3
    assert projection.start == (2023, Decimal("81.7"))
    assert projection.projected == achievement.project_trend(actuals.items(), 2027)
    assert projection.projected > 30
    assert projection.reaches is False


def test_projection_uses_the_last_three_numeric_actuals_only():
    actuals = {fy: achievement.Value.of(v) for fy, v in
               {2019: "500", 2020: "－", 2021: "10", 2022: "20", 2023: "30"}.items()}
    projection = summary.projection(actuals, (2025, Decimal(50)), direction="up", tolerance=None)
    assert projection.points == 3 and projection.projected == Decimal(50) and projection.reaches is True


def test_no_projection_without_two_actuals_or_after_the_target_year():
    one = {2023: achievement.Value.of("5")}
    assert summary.projection(one, (2027, Decimal(9)), direction="up", tolerance=None).reaches is None
    two = {2022: achievement.Value.of("4"), 2023: achievement.Value.of("5")}
    assert summary.projection(two, (2023, Decimal(9)), direction="up", tolerance=None).projected is None
    assert summary.projection(two, None, direction="up", tolerance=None).projected is None


# --- default fiscal year and bookmarkable queries -----------------------------------------


def test_default_year_is_the_latest_year_whose_actuals_are_substantially_in():
    strategy = SimpleNamespace(first_fiscal_year=2021, last_fiscal_year=2027)
    sasebo = {2021: 52, 2022: 78, 2023: 111, 2024: 1}
    assert filters.default_fiscal_year(strategy, sasebo, 2025) == 2023
    assert filters.default_fiscal_year(strategy, {**sasebo, 2024: 60}, 2025) == 2024
    assert filters.default_fiscal_year(strategy, {}, 2025) == 2025
    assert filters.default_fiscal_year(strategy, {}, 2030) == 2027


def test_query_keeps_filters_and_resets_the_page():
    f = filters.Filters(fiscal_year=2023, department=5, leading=True, page=3)
    assert f.query() == "?fy=2023&department=5&leading=1"
    assert f.query(fiscal_year=2024, grade="behind") == "?fy=2024&department=5&grade=behind&leading=1"
    assert f.query(page=4) == "?fy=2023&department=5&leading=1&page=4"
