"""The one rule for the achievement rate a yearly value stores (YearlyValue.rate).

YearlyValue.save(), refresh_rates, the import and the bench generator all call `rate_for`;
nothing else computes a rate to store, and pages, the API and the dashboards read the column.
Plain Python, no Django (an import-linter contract).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from plans import achievement

RATE_PLACES = 1  # achievement.achievement_rate rounds to 0.1 %
RATE_MAX_DIGITS = 28  # the rate column: a rate may far exceed 100 or be negative


def rate_for(*, planned, actual, direction: str, baseline, tolerance) -> Decimal | None:
    """The rate to store for a value (`planned`, `actual`: Values) of an indicator measured by
    `direction`, `baseline` and `tolerance`: achievement.achievement_rate, or None when it
    cannot be evaluated. Inputs the database refuses anyway (an unknown direction, a negative
    tolerance) store no rate rather than raise, so a refused row fails on its constraint."""
    planned, actual = achievement.Value.of(planned), achievement.Value.of(actual)
    if not (planned.is_number and actual.is_number):
        return None
    return _rate(actual.number, planned.number, direction, baseline, tolerance)


@lru_cache(maxsize=4096)
def _rate(actual: Decimal, planned: Decimal, direction: str, baseline, tolerance) -> Decimal | None:
    # The rate depends on these numbers only (as fractions), and plans repeat them (1 of 1,
    # 5 of 5 …), so an import or a bulk refresh computes each pair once.
    try:
        return achievement.achievement_rate(
            actual=achievement.Value(achievement.NUMBER, actual),
            planned=achievement.Value(achievement.NUMBER, planned),
            direction=direction, baseline=baseline, tolerance=tolerance,
        )
    except ValueError:
        return None
