"""Indicators and their values (indicators.py); the yearly entry and review round (entry.py)."""

from kpis.models.entry import EntryRound, EntryRoundEvent, ReminderLog, ReviewAction, ReviewEvent, ReviewStage
from kpis.models.indicators import (
    Direction,
    EntryStatus,
    Indicator,
    IndicatorKind,
    TargetRevision,
    ValueState,
    YearlyValue,
    refresh_rates,
    stale_rates,
)
from kpis.models.round_texts import RoundText, RoundTextEvent, RoundTextKind
from kpis.values import stored_value, value_places  # their home is kpis.values; kept importable here

__all__ = [
    "Direction", "EntryRound", "EntryRoundEvent", "EntryStatus", "Indicator", "IndicatorKind", "ReminderLog",
    "ReviewAction", "ReviewEvent", "ReviewStage", "RoundText", "RoundTextEvent", "RoundTextKind", "TargetRevision", "ValueState", "YearlyValue",
    "refresh_rates", "stale_rates", "stored_value", "value_places",
]
