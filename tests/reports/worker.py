"""Run report jobs for an end-to-end test: a real `celery -A dxplan worker` when a broker and
PostgreSQL are configured, else in-process (eager). Used by tests/reports/test_worker.py and
tests/browser/test_report.py; both need committed data (transactional database)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from dxplan.celery import app as celery_app

READY_TIMEOUT = 90
APPLICATION_NAME = "dxplan-report-test-worker"  # tags the worker's database sessions


def real_parts() -> tuple[bool, str]:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return False, "no CELERY_BROKER_URL: tasks run in-process"
    if connection.vendor != "postgresql":
        return False, f"a worker process needs a database it can share; this run uses {connection.vendor}"
    return True, ""


def database_url() -> str:
    """The test database pytest-django created (settings_dict NAME is test_<name> by now)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}?application_name={APPLICATION_NAME}"


def start_worker(media: Path, log: Path, **environ: str) -> subprocess.Popen:
    """A worker in a process group of its own (its pid is the group's id), so a test can kill
    the whole worker, pool children included, with os.killpg."""
    env = dict(os.environ, DATABASE_URL=database_url(), CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
               DJANGO_MEDIA_ROOT=str(media), PYTHONUNBUFFERED="1", **environ)
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "dxplan", "worker", "--loglevel=INFO", "--concurrency=1",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"reports-test-{os.getpid()}@%h"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the worker exited with {process.returncode}:\n{log.read_text()}")
        if " ready." in log.read_text(errors="replace"):
            return process
        time.sleep(0.3)
    stop_worker(process)
    raise AssertionError(f"the worker was not ready within {READY_TIMEOUT} s:\n{log.read_text()}")


def stop_worker(process: subprocess.Popen) -> None:
    """Warm shutdown; killed if it does not stop in time. Always waited for (no zombie)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for_sessions_to_end(timeout: float = 15) -> None:
    """A killed client's session lingers a moment; the test database can only be dropped without it."""
    deadline = time.monotonic() + timeout
    try:
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND application_name = %s", [APPLICATION_NAME])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.2)
    finally:
        connection.close()  # this very session would keep the test database from being dropped too


@contextlib.contextmanager
def job_runner(media: Path, log: Path):
    """Yields "worker" (a worker process runs, its log in `log`) or "in-process"."""
    real, reason = real_parts()
    if not real:
        if os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"):
            pytest.fail(f"DXPLAN_REQUIRE_REAL_PARTS is set but no real worker can run: {reason}")
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            yield "in-process"
        finally:
            celery_app.conf.task_always_eager = previous
        return
    process = start_worker(media, log)
    try:
        yield "worker"
    finally:
        stop_worker(process)
        wait_for_sessions_to_end()
