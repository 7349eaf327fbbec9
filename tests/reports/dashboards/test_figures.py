"""The plotly figure builders: plain values in, valid plotly figures with the right series out.
No database: these are the builders exactly as the pages and the API call them."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from plans.achievement import Value
from reports.dashboards import figures

D = Decimal


def _trace(figure, meta):
    return next(trace for trace in figure["data"] if trace.get("meta") == meta)


@pytest.fixture
def paperless():
    """ペーパーレス度 as the Sasebo plan prints it (lower is better, plan 100 → 30), with an
    「－」 actual in R6 and a 「…」 plan in R9 added to see both states, a baseline and a revision."""
    years = list(range(2021, 2028))
    planned = {2021: "100.0", 2022: "100.0", 2023: "85.0", 2024: "85.0", 2025: "65.0", 2026: "45.0", 2027: "…"}
    actual = {2021: "100.0", 2022: "95.1", 2023: "81.7", 2024: "－"}
    return figures.IndicatorSeries(
        fiscal_years=years,
        tick_labels={fy: f"R{fy - 2018}" for fy in range(2015, 2035)},
        planned={fy: Value.of(v) for fy, v in planned.items()},
        actual={fy: Value.of(v) for fy, v in actual.items()},
        unit="%",
        baseline=(2021, D("100")),
        target=(2026, D("45.0")),
        expected={2021: D("100"), 2026: D("45.0")},
        projection=((2023, D("81.7")), (2026, D("54.25"))),
        revisions=[(2025, Value.of("70.0"), Value.of("65.0"), "R5 の実績を踏まえ修正")],
    )


def test_indicator_chart_has_planned_and_actual_with_marks_for_dash_and_ellipsis(paperless):
    figure = figures.indicator_chart(paperless)
    go.Figure(figure)  # plotly itself accepts every trace and layout key

    planned, actual = _trace(figure, "planned"), _trace(figure, "actual")
    assert planned["x"] == list(range(2021, 2028))
    assert planned["y"] == [100.0, 100.0, 85.0, 85.0, 65.0, 45.0, None]
    assert planned["text"][-1] == "…"  # not set: a gap in the line, its mark in the point text
    assert actual["y"] == [100.0, 95.1, 81.7, None, None, None, None]
    assert actual["text"][:4] == ["100.0", "95.1", "81.7", "－"]  # 「－」 is not zero and not empty
    assert actual["connectgaps"] is False


def test_indicator_chart_marks_baseline_target_expected_projection_and_revisions(paperless):
    figure = figures.indicator_chart(paperless)
    assert _trace(figure, "baseline")["x"] == [2021] and _trace(figure, "baseline")["y"] == [100.0]
    assert _trace(figure, "target")["x"] == [2026] and _trace(figure, "target")["y"] == [45.0]
    assert _trace(figure, "expected")["y"] == [100.0, 45.0]
    assert _trace(figure, "projection")["x"] == [2023, 2026]
    assert _trace(figure, "projection")["y"] == [81.7, 54.25]
    revision = _trace(figure, "revision")
    assert revision["x"] == [2025] and revision["y"] == [70.0]
    assert "70.0 → 65.0" in revision["text"][0] and "修正" in revision["text"][0]


def test_indicator_chart_axis_shows_the_fiscal_year_labels_given(paperless):
    layout = figures.indicator_chart(paperless)["layout"]
    assert layout["xaxis"]["tickvals"] == list(range(2021, 2028))
    assert layout["xaxis"]["ticktext"][0] == "R3"
    assert layout["yaxis"]["title"]["text"] == "%"


def test_baseline_before_the_plan_widens_the_axis(paperless):
    paperless.baseline = (2019, D("120"))
    figure = figures.indicator_chart(paperless)
    assert figure["layout"]["xaxis"]["tickvals"][0] == 2019
    assert _trace(figure, "planned")["y"][0] is None  # no plan in 2019


def test_chart_without_optional_series_has_only_planned_and_actual():
    series = figures.IndicatorSeries(fiscal_years=[2024, 2025], tick_labels={}, planned={2024: Value.of("3")}, actual={})
    figure = figures.indicator_chart(series)
    go.Figure(figure)
    assert [trace["meta"] for trace in figure["data"]] == ["planned", "actual"]
    assert _trace(figure, "actual")["y"] == [None, None]


def test_grade_distribution_writes_letters_and_counts_on_the_bars():
    figure = figures.grade_distribution({"A": 5, "B": 2, "C": 1, "－": 3})
    go.Figure(figure)
    bar = figure["data"][0]
    assert bar["x"] == ["A", "B", "C", "－"]
    assert bar["y"] == [5, 2, 1, 3]
    assert bar["text"] == ["A: 5", "B: 2", "C: 1", "－: 3"]  # colour is never the only carrier
    assert bar["marker"]["color"][-1] == figures.NOT_EVALUABLE_COLOUR
    assert len(set(bar["marker"]["color"])) == 4


def test_stacked_grades_has_one_trace_per_grade_in_band_order():
    groups = [("KPI", {"A": 3, "B": 1, "－": 0}), ("活動指標", {"A": 0, "B": 2, "－": 4})]
    figure = figures.stacked_grades(groups, horizontal=True)
    go.Figure(figure)
    assert [trace["name"] for trace in figure["data"]] == ["A", "B", "－"]
    a, b, na = figure["data"]
    assert a["y"] == ["KPI", "活動指標"] and a["x"] == [3, 0]
    assert b["x"] == [1, 2] and na["x"] == [0, 4]
    assert a["text"] == ["A 3", ""]
    assert figure["layout"]["barmode"] == "stack"


def test_compare_years_puts_two_years_side_by_side():
    figure = figures.compare_years(("R5", {"A": 4, "B": 1, "－": 0}), ("R4", {"A": 2, "B": 2, "－": 1}))
    go.Figure(figure)
    assert [trace["name"] for trace in figure["data"]] == ["R5", "R4"]
    assert figure["data"][0]["y"] == [4, 1, 0] and figure["data"][1]["y"] == [2, 2, 1]
    assert figure["layout"]["barmode"] == "group"


def test_custom_bands_get_distinct_colours():
    distribution = {"S": 1, "A": 1, "B": 1, "C": 1, "－": 1}
    colours = figures.grade_distribution(distribution)["data"][0]["marker"]["color"]
    assert len(set(colours)) == 5
