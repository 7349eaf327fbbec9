"""An indicator's chart on the public page, as SVG geometry computed from the snapshot (plain Python).

Why SVG drawn on the server, not plotly as on the dashboards: the public page must work with no
JavaScript, print, and open from a USB stick in the static export with no outside request; a
few lines and points per indicator do not justify shipping plotly.js (3.5 MB) with every
exported site. The table beside every chart carries the same figures, and the chart's text
alternative says what it shows.

Drawn: the planned values (dashed line, hollow points; a revised year's point ringed), the
approved actuals (solid line, filled points), the baseline and the final target as labelled
horizontal guides. Years whose value is not a number (－, …, text, 未確定) leave a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 30
TICKS = 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the year and the value, for the point's <title>
    revised: bool = False


@dataclass(frozen=True)
class Guide:
    y: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    planned: list[Point] = field(default_factory=list)
    actual: list[Point] = field(default_factory=list)
    planned_path: str = ""
    actual_path: str = ""
    guides: list[Guide] = field(default_factory=list)


def _number(value: dict | None) -> Decimal | None:
    if not value or value.get("number") in (None, ""):
        return None
    try:
        return Decimal(value["number"])
    except InvalidOperation:
        return None


def _path(points: list[Point | None]) -> str:
    """An SVG path through the points, lifting the pen over gaps (None)."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point.x:.1f},{point.y:.1f}")
        pen_down = True
    return " ".join(parts)


def _tick_label(number: Decimal) -> str:
    return f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:.1f}"


def chart_geometry(indicator: dict, *, year_label, planned_word: str, actual_word: str, baseline_word: str,
                   target_word: str) -> Chart | None:
    """The chart of one indicator of the snapshot, or None when it has no number to draw.
    `year_label(fiscal_year)` gives the axis's short label (R5 / FY2023)."""
    values = indicator["values"]
    revised = {r["fiscal_year"] for r in indicator.get("revisions", ())}
    planned = [_number(v["planned"]) for v in values]
    actual = [_number(v["actual"]) for v in values]
    guides = [(word, _number(indicator.get(key))) for word, key in ((baseline_word, "baseline"),
                                                                    (target_word, "target"))]
    numbers = [n for n in planned + actual + [g for _, g in guides] if n is not None]
    if not values or not any(n is not None for n in planned + actual):
        return None
    low, high = min(numbers + [Decimal(0)]), max(numbers)
    if high == low:
        high = low + 1
    chart = Chart()
    span_x = chart.plot_right - LEFT
    step = span_x / max(len(values) - 1, 1)

    def x_of(index: int) -> float:
        return LEFT + (index * step if len(values) > 1 else span_x / 2)

    def y_of(number: Decimal) -> float:
        return TOP + float((high - number) / (high - low)) * (chart.plot_bottom - TOP)

    chart.x_labels = [(x_of(i), year_label(v["fiscal_year"])) for i, v in enumerate(values)]
    chart.y_ticks = [(y_of(low + (high - low) * k / TICKS), _tick_label(low + (high - low) * k / TICKS))
                     for k in range(TICKS + 1)]
    unit = indicator.get("unit") or ""

    def points(numbers_: list[Decimal | None], word: str, mark_revised: bool) -> list[Point | None]:
        return [None if n is None else Point(
            x_of(i), y_of(n), f"{year_label(values[i]['fiscal_year'])} {word} {_tick_label(n)}{unit}",
            revised=mark_revised and values[i]["fiscal_year"] in revised,
        ) for i, n in enumerate(numbers_)]

    planned_points = points(planned, planned_word, True)
    actual_points = points(actual, actual_word, False)
    chart.planned = [p for p in planned_points if p is not None]
    chart.actual = [p for p in actual_points if p is not None]
    chart.planned_path = _path(planned_points)
    chart.actual_path = _path(actual_points)
    chart.guides = [Guide(y_of(n), f"{word} {_tick_label(n)}{unit}") for word, n in guides if n is not None]
    return chart
