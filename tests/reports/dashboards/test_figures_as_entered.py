"""Charts print numbers as they were entered, keep every point and label inside the plot, and
never put the planned label on the actual one (issue 15, "Figures as people read them")."""

import re
from decimal import Decimal

from kpis.values import common_places, rounded_value, stored_number
from plans.achievement import Value
from reports.dashboards import figures
from tests.reports.dashboards.test_views import figure, html

D = Decimal


def _trace(fig, meta):
    return next(trace for trace in fig["data"] if trace.get("meta") == meta)


def _series(**extra):
    years = [2022, 2023, 2024, 2025]
    return figures.IndicatorSeries(
        fiscal_years=years, tick_labels={},
        planned={2022: Value.of("70.0"), 2023: Value.of("72.0"), 2024: Value.of("74.0"), 2025: Value.of("75.0")},
        actual={2022: Value.of("69.5"), 2023: Value.of("73.1")},
        **extra,
    )


def test_common_places_and_rounding_follow_the_entered_decimals():
    assert common_places([Value.of("75.0"), Value.of("5"), Value.of("－"), None]) == 1
    assert common_places([]) == 0
    assert rounded_value(D("7.6667"), 0).display() == "8"
    assert rounded_value(D("75"), 1).display() == "75.0"
    assert rounded_value(D("2.25"), 1).display() == "2.3"  # half-up, as people round
    assert rounded_value(None, 2).display() == ""


def test_baseline_and_target_print_as_entered_not_as_stored():
    # The database hands back 68.900000 (six places); the Value keeps the one entered.
    series = _series(baseline=(2021, stored_number(D("68.900000"), 1)), target=(2025, stored_number(D("75.000000"), 1)))
    fig = figures.indicator_chart(series)
    assert _trace(fig, "baseline")["text"][0].endswith(" 68.9")
    assert _trace(fig, "target")["text"][0].endswith(" 75.0")
    assert "68.900000" not in str(fig) and "75.0000" not in str(fig)


def test_expected_path_and_projection_are_rounded_to_the_indicator_decimals():
    series = _series(expected={2022: D("70.2333"), 2025: D("75")},
                     projection=((2023, D("73.1")), (2025, D("76.31667"))))
    fig = figures.indicator_chart(series)
    assert _trace(fig, "expected")["text"] == ["70.2", "75.0"]
    assert _trace(fig, "projection")["text"] == ["73.1", "76.3"]
    assert "%{y}" not in _trace(fig, "expected")["hovertemplate"]  # the hover reads the rounded text


def test_value_axis_spans_every_point_with_room_for_its_label():
    series = _series(baseline=(2021, Value.of("68.9")), target=(2025, Value.of("75.0")),
                     projection=((2023, D("73.1")), (2025, D("90"))))
    fig = figures.indicator_chart(series)
    low, high = fig["layout"]["yaxis"]["range"]
    plotted = [y for trace in fig["data"] for y in trace["y"] if y is not None]
    assert low <= min(plotted) and high > max(plotted)
    assert high - max(plotted) >= 0.1 * (max(plotted) - min(0, min(plotted)))  # room above the top label
    assert all(trace.get("cliponaxis") is False for trace in fig["data"] if "text" in trace)


def test_axis_reaches_below_zero_for_negative_values_and_has_room_under_a_zero():
    assert figures.value_axis_range([-5.0, 10.0])[0] < -5.0
    assert figures.value_axis_range([0.0, 4.0])[0] < 0.0  # the 「0」 label under the point stays visible
    assert figures.value_axis_range([50.0, 60.0]) == [0.0, 69.0]
    assert figures.value_axis_range([]) is None


def test_planned_and_actual_labels_sit_on_opposite_sides_of_their_points():
    # R6 of Sasebo's indicator 2: planned 5, actual 4 — the lower label goes below.
    series = figures.IndicatorSeries(
        fiscal_years=[2023, 2024], tick_labels={},
        planned={2023: Value.of("3"), 2024: Value.of("5")}, actual={2023: Value.of("4"), 2024: Value.of("4")})
    fig = figures.indicator_chart(series)
    planned, actual = _trace(fig, "planned")["textposition"], _trace(fig, "actual")["textposition"]
    assert planned == ["bottom center", "top center"]
    assert actual == ["top center", "bottom center"]


def test_indicator_page_prints_the_entered_decimals_and_a_tidy_projection(client, erin, paperless, page_urls):
    paperless.baseline_value, paperless.baseline_places, paperless.baseline_fiscal_year = D("68.900000"), 1, 2021
    paperless.save()
    client.force_login(erin)
    page = html(client, page_urls["indicator"])
    chart = figure(page, "chart")
    assert _trace(chart, "baseline")["text"] == ["基準値 68.9"]
    assert "68.900000" not in page and ".0000" not in page
    sentence = re.search(r'<p class="statement[^>]*>(.*?)</p>', page, re.S).group(1)
    # 「…には54.3%となる見込みです（目標値：45.0%）」: the plan's one decimal, no stray spaces.
    assert re.search(r"には\d+(\.\d)?%となる見込みです（目標値：\d+\.\d%）", sentence), sentence
    assert " ）" not in sentence and " %" not in sentence


def test_bar_labels_are_black_except_on_the_dark_blue():
    bar = figures.grade_distribution({"A": 5, "B": 2, "C": 1, "－": 3})["data"][0]
    colours = dict(zip(bar["x"], bar["insidetextfont"]["color"], strict=True))
    assert colours == {"A": "#ffffff", "B": "#000000", "C": "#000000", "－": "#000000"}
    stacked = figures.stacked_grades([("KPI", {"A": 1, "－": 2})])
    assert [t["insidetextfont"]["color"] for t in stacked["data"]] == ["#ffffff", "#000000"]
