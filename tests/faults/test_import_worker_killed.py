"""The worker killed mid-import (issue 14): the run ends failed with a message within a
bounded time (its heartbeat stops; plans.heartbeat), not after the 30-minute stale limit,
and the same file uploaded again is checked as an undisturbed run checks it.

A real `celery -A dxplan worker` (tests/reports/worker.py) claims the run and starts
checking the file. The test holds an exclusive lock on the strategies table, so the check
waits at its first read of it while the heartbeat goes on: the kill lands mid-run every
time. SIGKILL goes to the worker's whole process group; the sweep, as the beat runs it,
must fail the run once its heartbeat is older than lost_after().

Needs PostgreSQL and a Redis broker: skipped on the embedded default, failed when
DXPLAN_REQUIRE_REAL_PARTS is set (CI).
"""

import os
import signal
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services, tasks
from imports.models import ImportRun
from plans import heartbeat
from plans.language import shown
from tests.faults.killed_workers import HEARTBEAT_SECONDS, WAIT, table_locked, until
from tests.imports.hostile.hostile_builders import project_list, save

REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))

if ("postgresql" not in settings.DATABASES["default"]["ENGINE"]
        or settings.CELERY_BROKER_URL.startswith("memory://")) and not REQUIRED:
    pytest.skip("needs PostgreSQL and a Redis broker (DATABASE_URL, CELERY_BROKER_URL)", allow_module_level=True)


def _upload(data, user):
    return services.import_run_create(upload=SimpleUploadedFile("一覧.xlsx", data), user=user, strategy_code="faults")


def test_an_import_whose_worker_is_killed_fails_in_bounded_time(scene, workers, settings):
    settings.DXPLAN_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS  # what the sweep in this process expects
    admin = scene["users"]["admin"]
    data = save(project_list(5))
    # The undisturbed check, in-process, for the comparison at the end.
    reference = services.import_run_preview(run=_upload(data, admin))
    assert reference.status in (ImportRun.Status.PREVIEWED, ImportRun.Status.REFUSED), reference.message

    worker = workers("first")
    run = _upload(data, admin)  # before the lock: a new row's foreign key to the strategies would wait for it
    locker = table_locked("plans_strategy")
    try:
        tasks.preview_import.delay(run.pk)

        def beating_twice():
            run.refresh_from_db()
            return (run.status == ImportRun.Status.PREVIEWING and run.heartbeat_at is not None
                    and (run.heartbeat_at - run.updated_at).total_seconds() >= HEARTBEAT_SECONDS)
        until(beating_twice, WAIT, "the worker claims the run and its heartbeat beats while the check waits")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        locker.close()
    killed_at = time.monotonic()

    bound = heartbeat.lost_after().total_seconds() + HEARTBEAT_SECONDS + 5

    def failed():
        services.import_runs_sweep_stale()  # what the beat runs every minute
        run.refresh_from_db()
        return run.status == ImportRun.Status.FAILED
    until(failed, bound, "the sweep fails the lost run")
    assert time.monotonic() - killed_at <= bound
    assert shown(run.message, "ja") == ("取り込みの処理が停止しました（4 秒間応答がありません）。何も取り込まれていません。"
                                        "ファイルをもう一度アップロードしてください。")
    assert shown(run.message, "en") == ("The worker checking or importing this file stopped (no sign of life for 4 "
                                        "seconds); nothing was imported. Upload the file again.")

    workers("second")
    again = _upload(data, admin)
    tasks.preview_import.delay(again.pk)

    def finished():
        again.refresh_from_db()
        return again.status not in (ImportRun.Status.UPLOADED, ImportRun.Status.PREVIEWING)
    until(finished, WAIT, "the second worker checks the file uploaded again")
    assert (again.status, again.problems, again.counts) == (reference.status, reference.problems, reference.counts)
