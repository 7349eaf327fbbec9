"""What the two worker-killed fault tests share (a report job, an import run): real workers
that beat every second, a second session holding a table lock so the killed task waits
mid-run, and a bounded wait for a condition."""

import time

import psycopg
import pytest
from django.db import connection

from tests.reports.worker import real_parts, start_worker, stop_worker, wait_for_sessions_to_end

HEARTBEAT_SECONDS = 1  # the worker beats every second: lost after four
WAIT = 90  # seconds for a worker to claim or finish a task


@pytest.fixture
def workers(media, tmp_path):
    """start(name) starts a real worker beating every HEARTBEAT_SECONDS; all are stopped after."""
    ok, reason = real_parts()
    if not ok:
        pytest.fail(f"DXPLAN_REQUIRE_REAL_PARTS is set but no real worker can run: {reason}")
    started = []

    def start(name):
        process = start_worker(media, tmp_path / f"{name}.log", DXPLAN_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS))
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)
    wait_for_sessions_to_end()


def table_locked(table: str):
    """A second session holding an exclusive lock on `table` until closed."""
    db = connection.settings_dict
    locker = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                             password=db["PASSWORD"] or None, dbname=db["NAME"])
    locker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return locker


def until(condition, timeout, what):
    """Poll `condition` until it returns something true (returned), or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")
