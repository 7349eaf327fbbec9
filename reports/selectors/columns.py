"""Reading the columns of named rows (`values_list(..., named=True)`) into what the
workbook prints: a value from its four stored columns, a department from bureau and division.
"""

from __future__ import annotations

from operator import attrgetter
from typing import NamedTuple

from kpis.values import stored_value
from plans import achievement

CHUNK = 2000  # rows per fetch of a streamed cursor
EMPTY = achievement.Value(achievement.EMPTY)


class ValueColumns:
    """The four columns (state, number, places, text) of one side of a stored value, named
    `<prefix>_state` …: `names` to select them, and a call that reads a row's value."""

    def __init__(self, prefix: str):
        self.names = tuple(f"{prefix}_{column}" for column in ("state", "number", "places", "text"))
        self._read = attrgetter(*self.names)

    def __call__(self, row) -> achievement.Value:
        state, number, places, text = self._read(row)
        if state is None:
            return EMPTY
        return stored_value(state, number, places, text)


class YearValue(NamedTuple):
    """What a report prints of one indicator in one fiscal year."""

    planned: achievement.Value
    actual: achievement.Value
    comment: str = ""


NO_VALUE = YearValue(EMPTY, EMPTY)  # a fiscal year without a stored value


def department_path(name: str | None, parent: str | None, separator: str = "/") -> str:
    """A department read as columns: 'bureau/division', the bureau alone, or ''."""
    if not name:
        return ""
    return f"{parent}{separator}{name}" if parent else name
