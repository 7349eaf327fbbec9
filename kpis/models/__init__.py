"""Indicators and their values (indicators.py)."""

from kpis.models.indicators import (
    Direction,
    Indicator,
    IndicatorKind,
    TargetRevision,
    ValueState,
    YearlyValue,
    stored_value,
    value_places,
)

__all__ = [
    "Direction", "Indicator", "IndicatorKind", "TargetRevision", "ValueState", "YearlyValue",
    "stored_value", "value_places",
]
