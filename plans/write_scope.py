"""Which plan the current writes belong to, for caches kept per plan.

The dashboards keep their counts under a data version (reports.dashboards.cache) that a
committed write replaces. A save in one plan need not empty every other plan's counts
(issue 16): the entry round's services, which know the plan of the rows they write, run
their writes inside `writing_strategy(id)`, and the cache then replaces only that plan's
version for writes to the value tables. Writes outside a scope replace the version every
plan's counts depend on, as before. Plain Python, at the bottom layer, so the services
below the dashboards can name the plan without importing them.
"""

from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

_strategy: ContextVar[int | None] = ContextVar("written_strategy", default=None)


@contextmanager
def writing_strategy(strategy_id: int):
    token = _strategy.set(strategy_id)
    try:
        yield
    finally:
        _strategy.reset(token)


def writing_strategies(strategy_ids):
    """The scope of a batch: one plan's when every row is of one plan, else none (global)."""
    ids = set(strategy_ids)
    return writing_strategy(ids.pop()) if len(ids) == 1 else nullcontext()


def written_strategy() -> int | None:
    """The plan the writes now running belong to, or None when unknown (any plan)."""
    return _strategy.get()
