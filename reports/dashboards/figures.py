"""plotly figure builders: plain rows in, a figure dict ({"data": [...], "layout": {...}}) out.

No database and no plotly import: the dicts are what plotly.js draws (the tests load
them into plotly.graph_objects.Figure to check they are valid). Numbers are floats
so the JSON is plain; every grade bar carries its letter and count as text, so colour
is never the only carrier. Okabe–Ito colours, safe for the common colour blindnesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from kpis.values import common_places, rounded_value
from plans.achievement import NOT_EVALUABLE, Value

GRADE_COLOURS = ("#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00", "#56B4E9")
NOT_EVALUABLE_COLOUR = "#8C8C8C"
SERIES_COLOURS = {
    "planned": "#0072B2", "actual": "#D55E00", "expected": "#009E73", "projection": "#CC79A7",
    "baseline": "#000000", "target": "#E69F00", "revision": "#56B4E9",
}
FONT = '"Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", Meiryo, sans-serif'


# Text on a bar: white only on the dark blue, black on every other colour, so each label has a
# contrast of 4.5:1 or more (WCAG 1.4.3; white on the grey of 「－」 had 3.36:1).
_WHITE_TEXT_ON = {"#0072B2"}


def text_colour(colour: str) -> str:
    return "#ffffff" if colour in _WHITE_TEXT_ON else "#000000"


def grade_colour(grade: str, grades: Sequence[str]) -> str:
    if grade == NOT_EVALUABLE or grade not in grades:
        return NOT_EVALUABLE_COLOUR
    return GRADE_COLOURS[list(grades).index(grade) % len(GRADE_COLOURS)]


def _layout(**extra) -> dict:
    layout = {
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 56, "r": 16, "t": 24, "b": 48},
        "legend": {"orientation": "h", "y": -0.18},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _grades(distribution: dict[str, int]) -> list[str]:
    return [g for g in distribution if g != NOT_EVALUABLE]


def grade_distribution(distribution: dict[str, int], *, name: str = "") -> dict:
    """One bar per grade (in band order, then 「－」) with its count written on it."""
    grades = list(distribution)
    bands = _grades(distribution)
    return {
        "data": [{
            "type": "bar", "name": name or _("Indicators"), "x": grades, "y": [distribution[g] for g in grades],
            "text": [f"{g}: {distribution[g]}" for g in grades], "textposition": "auto",
            "marker": {"color": [grade_colour(g, bands) for g in grades]},
            "insidetextfont": {"color": [text_colour(grade_colour(g, bands)) for g in grades]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }],
        "layout": _layout(
            xaxis={"title": {"text": _("Grade")}, "type": "category"},
            yaxis={"title": {"text": _("Indicators")}, "rangemode": "tozero"},
            showlegend=False, height=300,
        ),
    }


def stacked_grades(groups: Sequence[tuple[str, dict[str, int]]], *, horizontal: bool = False) -> dict:
    """Groups (kinds, basic policies, fiscal years …) as bars stacked by grade, one trace per grade."""
    if not groups:
        return {"data": [], "layout": _layout()}
    grades = list(groups[0][1])
    bands = _grades(groups[0][1])
    labels = [label for label, _dist in groups]
    data = []
    for g in grades:
        counts = [dist.get(g, 0) for _label, dist in groups]
        axis = {"y": labels, "x": counts, "orientation": "h"} if horizontal else {"x": labels, "y": counts}
        data.append({
            "type": "bar", "name": g, **axis,
            "text": [f"{g} {n}" if n else "" for n in counts], "textposition": "inside",
            "marker": {"color": grade_colour(g, bands)}, "insidetextfont": {"color": text_colour(grade_colour(g, bands))},
            "hovertemplate": f"{g}: %{{{'x' if horizontal else 'y'}}}<extra>%{{{'y' if horizontal else 'x'}}}</extra>",
        })
    category_axis = {"type": "category", "automargin": True}
    count_axis = {"title": {"text": _("Indicators")}, "rangemode": "tozero"}
    if horizontal:
        layout = _layout(barmode="stack", xaxis=count_axis, yaxis={**category_axis, "autorange": "reversed"},
                         height=max(260, 34 * len(groups) + 110))
    else:
        layout = _layout(barmode="stack", xaxis=category_axis, yaxis=count_axis, height=320)
    return {"data": data, "layout": layout}


def compare_years(first: tuple[str, dict[str, int]], second: tuple[str, dict[str, int]]) -> dict:
    """The grade distributions of two fiscal years side by side (grouped bars)."""
    data = []
    for (label, dist), pattern in ((first, ""), (second, "/")):
        grades = list(dist)
        bands = _grades(dist)
        data.append({
            "type": "bar", "name": label, "x": grades, "y": [dist[g] for g in grades],
            "text": [f"{dist[g]}" for g in grades], "textposition": "outside",
            "marker": {"color": [grade_colour(g, bands) for g in grades], "pattern": {"shape": pattern},
                       "line": {"color": "#333333", "width": 1}},
            "hovertemplate": f"{label} %{{x}}: %{{y}}<extra></extra>",
        })
    return {"data": data, "layout": _layout(
        barmode="group", height=320,
        xaxis={"title": {"text": _("Grade")}, "type": "category"},
        yaxis={"title": {"text": _("Indicators")}, "rangemode": "tozero"},
    )}


@dataclass
class IndicatorSeries:
    """Everything the indicator chart shows, as plain values."""

    fiscal_years: list[int]
    tick_labels: dict[int, str]
    planned: dict[int, Value]
    actual: dict[int, Value]  # only the actuals the viewer may see
    unit: str = ""
    baseline: tuple[int, Value | Decimal] | None = None
    target: tuple[int, Value | Decimal] | None = None
    expected: dict[int, Decimal] = field(default_factory=dict)
    projection: tuple[tuple[int, Decimal], tuple[int, Decimal]] | None = None  # from, to
    revisions: list[tuple[int, Value, Value, str]] = field(default_factory=list)  # fy, old, new, reason
    places: int | None = None  # decimals of derived numbers; None: as many as the entered ones have

    def decimals(self) -> int:
        if self.places is not None:
            return self.places
        points = [Value.of(p[1]) for p in (self.baseline, self.target) if p]
        return common_places([*self.planned.values(), *self.actual.values(), *points])


def _number(value: Value | None) -> float | None:
    return float(value.number) if value is not None and value.is_number else None


def _display(value: Value | None) -> str:
    return value.display() if value is not None else ""


# The share of the plotted span added above and below, so markers and their labels are not clipped.
AXIS_PADDING = Decimal("0.15")


def value_axis_range(numbers: Sequence[float]) -> list[float] | None:
    """[low, high] of the value axis: every number plotted with AXIS_PADDING of the span (or of
    the number, when all are equal) on both sides, and zero included when all are on one side
    of it, as a bar of counts or shares reads from zero. None when nothing is plotted."""
    if not numbers:
        return None
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    span = (high - low) or abs(high) or 1.0
    pad = span * float(AXIS_PADDING)
    # Zero stays the floor unless a point (and the label below it) would sit on it.
    bottom = low - pad if low < 0 or min(numbers) < pad else low
    return [bottom, high + pad]


def _label_positions(planned: dict[int, Value], actual: dict[int, Value], years: list[int]) -> tuple[list, list]:
    """Planned and actual labels on opposite sides of their points, per year: the higher of the two
    is labelled above and the lower below, so 「5」 planned never sits on 「4」 actual."""
    above, below = "top center", "bottom center"
    planned_pos, actual_pos = [], []
    for fy in years:
        p, a = _number(planned.get(fy)), _number(actual.get(fy))
        if p is not None and a is not None and a < p:
            planned_pos.append(above)
            actual_pos.append(below)
        else:
            planned_pos.append(below)
            actual_pos.append(above)
    return planned_pos, actual_pos


def indicator_chart(series: IndicatorSeries) -> dict:
    """Planned vs actual by fiscal year, with baseline, final target, expected path (期待値),
    the projection of the recent trend and the target revisions.

    「－」 and 「…」 years are gaps in the lines; their marks are in each point's text. Every
    number is written with the decimals it was entered with; derived ones (期待値, projection)
    with the indicator's (`IndicatorSeries.decimals`). The value axis spans every point with
    room for its label, and no trace is clipped at the plot's edge.
    """
    years = sorted(set(series.fiscal_years) | {fy for fy, *_ in filter(None, (series.baseline, series.target))})
    places = series.decimals()
    data = []
    planned_pos, actual_pos = _label_positions(series.planned, series.actual, years)

    def line(key, name, values: dict[int, Value], **style):
        data.append({
            "type": "scatter", "mode": "lines+markers+text", "name": name, "x": years,
            "y": [_number(values.get(fy)) for fy in years], "text": [_display(values.get(fy)) for fy in years],
            "textposition": style.pop("textposition"), "connectgaps": False, "cliponaxis": False,
            "hovertemplate": f"{name} %{{customdata}}: %{{text}}<extra></extra>",
            "customdata": [series.tick_labels.get(fy, str(fy)) for fy in years],
            "line": {"color": SERIES_COLOURS[key], **style.pop("line", {})}, "meta": key, **style,
        })

    line("planned", _("Planned"), series.planned, line={"dash": "solid", "width": 2},
         marker={"symbol": "square", "size": 8}, textposition=planned_pos)
    line("actual", _("Actual"), series.actual, line={"width": 3}, marker={"symbol": "circle", "size": 10},
         textposition=actual_pos)
    if series.expected:
        xs = sorted(series.expected)
        data.append({
            "type": "scatter", "mode": "lines", "name": _("Expected path (期待値)"), "meta": "expected",
            "x": xs, "y": [float(series.expected[fy]) for fy in xs], "cliponaxis": False,
            "text": [rounded_value(series.expected[fy], places).display() for fy in xs],
            "line": {"color": SERIES_COLOURS["expected"], "dash": "dash"},
            "hovertemplate": _("Expected path (期待値)") + ": %{text}<extra></extra>",
        })
    if series.projection:
        (x0, y0), (x1, y1) = series.projection
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": _("Projection of the recent trend"),
            "meta": "projection", "x": [x0, x1], "y": [float(y0), float(y1)], "cliponaxis": False,
            "text": [rounded_value(y0, places).display(), rounded_value(y1, places).display()],
            "line": {"color": SERIES_COLOURS["projection"], "dash": "dot"}, "marker": {"symbol": "triangle-up"},
            "hovertemplate": _("Projection") + ": %{text}<extra></extra>",
        })
    for key, name, point, symbol in (
        ("baseline", _("Baseline"), series.baseline, "diamond"),
        ("target", _("Final target"), series.target, "star"),
    ):
        if point:
            value = Value.of(point[1])
            data.append({
                "type": "scatter", "mode": "markers+text", "name": name, "meta": key, "x": [point[0]],
                "y": [float(value.number)], "text": [f"{name} {value.display()}"], "textposition": "bottom center",
                "cliponaxis": False, "marker": {"symbol": symbol, "size": 14, "color": SERIES_COLOURS[key]},
                "hovertemplate": "%{text}<extra></extra>",
            })
    revisions = [(fy, old, new, reason) for fy, old, new, reason in series.revisions if old.is_number]
    if revisions:
        data.append({
            "type": "scatter", "mode": "markers", "name": _("Target revised"), "meta": "revision",
            "x": [fy for fy, *_ in revisions], "y": [float(old.number) for _fy, old, *_ in revisions],
            "text": [f"{old.display()} → {new.display()}: {reason}" for _fy, old, new, reason in revisions],
            "marker": {"symbol": "x-thin-open", "size": 14, "line": {"width": 2}, "color": SERIES_COLOURS["revision"]},
            "hovertemplate": _("Target revised") + ": %{text}<extra></extra>",
        })
    xaxis = {"tickmode": "array", "tickvals": years, "ticktext": [series.tick_labels.get(fy, str(fy)) for fy in years],
             "showgrid": False}
    if years:
        xaxis["range"] = [years[0] - 0.5, years[-1] + 0.5]
    yaxis = {"title": {"text": series.unit}, "zeroline": True, "gridcolor": "#e5e5e5"}
    y_range = value_axis_range([y for trace in data for y in trace["y"] if y is not None])
    if y_range:
        yaxis["range"] = y_range
    else:
        yaxis["rangemode"] = "tozero"
    return {"data": data, "layout": _layout(height=380, hovermode="closest", xaxis=xaxis, yaxis=yaxis)}
