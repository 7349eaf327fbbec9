"""An import whose worker died is failed within minutes (issue 14): a worker's run renews its
heartbeat (plans.heartbeat, as report jobs do), and the sweep fails a running import whose
heartbeat stopped, rather than leaving the page "checking" until the 30-minute stale limit.
The real worker SIGKILLed mid-import is tests/faults/test_import_worker_killed.py."""

import datetime
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from imports import services
from imports.models import ImportRun
from imports.problems import ImportRefused, Problem
from plans.language import shown

LOST_MESSAGE_JA = ("取り込みの処理が停止しました（120 秒間応答がありません）。何も取り込まれていません。"
                   "ファイルをもう一度アップロードしてください。")
LOST_MESSAGE_EN = ("The worker checking or importing this file stopped (no sign of life for 120 seconds); nothing was "
                   "imported. Upload the file again.")


def _run(**fields) -> int:
    run = ImportRun.objects.create(file_name="一覧.xlsx", sha256="0" * 64, strategy_code="sasebo-dx")
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    return run.pk


@pytest.mark.django_db
def test_the_sweep_fails_a_running_import_whose_heartbeat_stopped(settings):
    settings.DXPLAN_HEARTBEAT_SECONDS = 30  # lost after two minutes
    now = timezone.now()
    moved = now - datetime.timedelta(minutes=5)  # well within the 30-minute stale limit
    lost = _run(status=ImportRun.Status.APPLYING, updated_at=moved, heartbeat_at=now - datetime.timedelta(minutes=3))
    beating = _run(status=ImportRun.Status.PREVIEWING, updated_at=moved,
                   heartbeat_at=now - datetime.timedelta(seconds=40))
    in_process = _run(status=ImportRun.Status.PREVIEWING, updated_at=moved)  # never beats
    finished = _run(status=ImportRun.Status.PREVIEWED, updated_at=moved, heartbeat_at=now - datetime.timedelta(hours=1))
    assert services.import_runs_sweep_stale(now=now) == 1
    statuses = dict(ImportRun.objects.filter(pk__in=[lost, beating, in_process, finished]).values_list("pk", "status"))
    assert statuses == {lost: "failed", beating: "previewing", in_process: "previewing", finished: "previewed"}
    failed = ImportRun.objects.get(pk=lost)
    assert failed.finished_at == now
    assert (shown(failed.message, "ja"), shown(failed.message, "en")) == (LOST_MESSAGE_JA, LOST_MESSAGE_EN)


@pytest.mark.django_db
def test_the_page_sweeps_its_own_run(settings, client, dave):
    settings.DXPLAN_HEARTBEAT_SECONDS = 30
    pk = _run(status=ImportRun.Status.PREVIEWING, created_by=dave,
              heartbeat_at=timezone.now() - datetime.timedelta(minutes=3))
    client.force_login(dave)
    page = client.get(f"/imports/{pk}/").content.decode()
    assert ImportRun.objects.get(pk=pk).status == ImportRun.Status.FAILED
    assert "取り込みの処理が停止しました" in page


@pytest.mark.django_db
def test_confirming_forgets_the_previews_heartbeat(dave):
    pk = _run(status=ImportRun.Status.PREVIEWED, heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.import_run_confirm(run=ImportRun.objects.get(pk=pk), mapping={}, create_missing=False)
    run = ImportRun.objects.get(pk=pk)
    # Queued for the apply task: its worker has not beaten yet, so the sweep must not count the preview's beats.
    assert run.status == ImportRun.Status.APPLYING and run.heartbeat_at is None
    assert services.import_runs_sweep_stale() == 0


@pytest.mark.django_db(transaction=True)
def test_a_workers_run_beats_and_shows_its_progress_while_it_works(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.DXPLAN_HEARTBEAT_SECONDS = 1
    run = ImportRun(file_name="一覧.xlsx", sha256="0" * 64, strategy_code="sasebo-dx")
    run.file.save("a.xlsx", ContentFile(b"PK"), save=True)
    seen = []

    def slow_preview(*, progress, **options):
        progress(3, 10)
        time.sleep(2.5)  # the work holds this thread; the heartbeat thread goes on
        seen.append(ImportRun.objects.values("status", "heartbeat_at", "progress_done", "progress_total").get(pk=run.pk))
        raise ImportRefused([Problem("x", "だめ", "no")])

    monkeypatch.setattr(services, "plan_import_preview", slow_preview)
    started = timezone.now()
    finished = services.import_run_preview(run=run, heartbeat=True)
    assert seen[0]["status"] == ImportRun.Status.PREVIEWING
    assert seen[0]["heartbeat_at"] > started + datetime.timedelta(seconds=0.9)  # a beat after the first
    assert (seen[0]["progress_done"], seen[0]["progress_total"]) == (3, 10)  # written by the beat
    assert finished.status == ImportRun.Status.REFUSED
    last = ImportRun.objects.get(pk=run.pk).heartbeat_at
    time.sleep(1.5)
    assert ImportRun.objects.get(pk=run.pk).heartbeat_at == last  # stopped with the run
