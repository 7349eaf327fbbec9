"""The indicator charts of the public page: SVG from the snapshot, no JavaScript, a text alternative."""

import re

from public.chart import chart_geometry
from tests.public.conftest import PAGE

WORDS = {"planned_word": "計画", "actual_word": "実績", "baseline_word": "基準", "target_word": "目標"}


def _value(number):
    return None if number is None else {"state": "number", "number": number, "text": "", "display": number}


def _indicator(planned, actual, *, revised=(), baseline=None, target=None):
    return {
        "unit": "件", "baseline": _value(baseline), "target": _value(target),
        "revisions": [{"fiscal_year": fy} for fy in revised],
        "values": [{"fiscal_year": 2022 + i, "planned": _value(p), "actual": _value(a)}
                   for i, (p, a) in enumerate(zip(planned, actual))],
    }


def test_points_lines_gaps_and_revised_years():
    chart = chart_geometry(_indicator(["10", "20", "30"], ["12", None, "25"], revised=[2024], target="30"),
                           year_label=lambda fy: f"R{fy - 2018}", **WORDS)
    assert [label for _, label in chart.x_labels] == ["R4", "R5", "R6"]
    assert [p.label for p in chart.actual] == ["R4 実績 12件", "R6 実績 25件"]
    # The pen lifts over the missing actual of R5: two moves, no line through the gap.
    assert chart.actual_path.count("M") == 2 and "L" not in chart.actual_path
    assert chart.planned_path.count("M") == 1 and chart.planned_path.count("L") == 2
    assert [p.revised for p in chart.planned] == [False, False, True]
    assert [g.label for g in chart.guides] == ["目標 30件"]
    # Higher numbers are drawn higher (smaller y), and everything stays inside the plot.
    ys = {p.label: p.y for p in chart.planned}
    assert ys["R6 計画 30件"] < ys["R5 計画 20件"] < ys["R4 計画 10件"] <= chart.plot_bottom


def test_no_chart_without_numbers():
    assert chart_geometry(_indicator([None, None], [None, None], target="5"), year_label=str, **WORDS) is None


def test_a_single_year_is_centred():
    chart = chart_geometry(_indicator(["3"], ["3"]), year_label=str, **WORDS)
    assert chart.planned[0].x == chart.actual[0].x == (chart.plot_left + chart.plot_right) / 2


def test_page_draws_a_chart_with_the_snapshot_figures(published, client):
    body = client.get(PAGE).content.decode()
    charts = re.findall(r'<svg viewBox="[^"]+" role="img" aria-label="([^"]+)"', body)
    indicators = [i for p in published.document["policies"] for i in p["indicators"]
                  if any(v["planned"] and v["planned"]["number"] or v["actual"] and v["actual"]["number"]
                         for v in i["values"])]
    assert charts and len(charts) == len(indicators)
    assert "<script" not in body.split("<main", 1)[1]
    # Every approved actual of the year that the table prints is a point of the chart too.
    year_actuals = [(i["unit"], v["actual"]["number"]) for i in indicators for v in i["values"]
                    if v["fiscal_year"] == 2023 and v["actual"]["number"]]
    assert year_actuals
    titles = re.findall(r'<circle class="actual"[^>]*><title>([^<]+)</title>', body)
    assert sum(1 for t in titles if t.startswith("R5 ")) == len(year_actuals)
