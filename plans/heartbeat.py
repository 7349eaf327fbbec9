"""A background job's sign of life, so a sweep can tell a lost worker within minutes.

While a Celery worker runs a job (a report build, an import), a thread of that process
renews the job row's `heartbeat_at` every `interval()` seconds. It runs beside the work,
not inside it, so a long query or a long sheet does not silence it; only the death of the
process does (SIGKILL, the out-of-memory killer, a lost machine). The job's sweep fails a
running job whose heartbeat is older than `lost_after()` (`lost_before(now)`), which covers
the case no other part sees: the whole worker gone, nobody left to report the loss. A hung
job keeps beating; the task's time limits end it.

The beat is written from the thread's own connection, so it is committed at once even
while the job's work runs in one long transaction; `extra` lets a beat carry other fields
the same way (the import's progress, which its own transaction could not show before it
commits). Jobs run in the requesting process (no broker) or from a command do not beat:
their heartbeat_at stays empty and only their job's long stale limit applies.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

MISSED_BEATS = 4  # lost after this many intervals without a beat


def interval() -> float:
    return settings.DXPLAN_HEARTBEAT_SECONDS


def lost_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=MISSED_BEATS * interval())


def lost_before(now: datetime.datetime) -> datetime.datetime:
    """A running job whose heartbeat_at is older than this has lost its worker."""
    return now - lost_after()


def beat(rows: QuerySet, extra: Callable[[], dict] | None = None) -> None:
    """Renew the heartbeat of `rows` (the job, filtered on its running statuses)."""
    rows.update(heartbeat_at=timezone.now(), **(extra() if extra else {}))


def _beating(rows: QuerySet, extra, name: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(interval()):
            try:
                beat(rows, extra)
            except Exception:  # a missed beat is only a missed beat; the next one may get through
                logger.warning("%s: heartbeat not stored", name, exc_info=True)
    finally:
        connections.close_all()  # this thread's own connection


@contextlib.contextmanager
def beating(rows: QuerySet, *, name: str, extra: Callable[[], dict] | None = None):
    """Renew the heartbeat of `rows` from a background thread while the block runs.

    `rows` is the job's row filtered on its running statuses (the beat stops touching it
    once the job has finished); `extra()` gives more fields for each beat to write."""
    beat(rows, extra)
    stop = threading.Event()
    thread = threading.Thread(target=_beating, args=(rows, extra, name, stop), name=f"{name}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval() + 5)
