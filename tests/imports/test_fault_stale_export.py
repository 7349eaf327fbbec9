"""Fault checks: a stale data export re-imported, with the real parts.

With a broker and PostgreSQL (CI), a real `celery -A dxplan worker` previews and applies
the upload against the committed test database; without them the same path runs
in-process. Between the export and the upload, one row is approved through the workflow
and a draft's comment is rewritten: neither may move backwards. And on PostgreSQL, a save
made while the import writes is refused as a conflict, never silently overwritten.
"""

import os
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from imports.models import ImportRun
from imports.plan_indicators import IndicatorPlanning
from imports.services import plan_import_apply
from kpis import workflow
from kpis.models import EntryStatus
from plans.models import Role, Strategy, User
from tests.conftest import PASSWORD, _create_named_users
from tests.factories import small_round
from tests.imports.import_helpers import approved, entered, export_edited, reports_export, round_rows, value_state
from tests.reports.worker import job_runner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMEOUT = 180
WAIT = 3  # seconds a save made during the import is given to finish on its own
REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))


@pytest.fixture
def runner(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the upload is stored here; the worker reads it from here
    log = tmp_path / "worker.log"
    with job_runner(settings.MEDIA_ROOT, log) as mode:
        yield mode, log if mode == "worker" else None


def _wait(run: ImportRun, status: str, log) -> ImportRun:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in (ImportRun.Status.UPLOADED, *ImportRun.RUNNING):
            break
        time.sleep(0.5)
    assert run.status == status, f"{run.status}: {run.message} {run.problems}\n{log.read_text() if log else ''}"
    return run


def test_a_stale_export_through_the_worker_keeps_newer_work(runner, client):
    mode, log = runner
    call_command("load_demo", verbosity=0)  # committed: the worker reads it from its own connection
    _create_named_users()
    alice, bob, carol = (User.objects.get(username=name) for name in ("alice", "bob", "carol"))
    rows = round_rows(2)
    draft = entered(alice, rows[1], "1", "書き出し時")
    data = reports_export(Strategy.objects.get(code="sasebo-dx"))
    approved_row = approved(rows[0], staff=alice, manager=bob, dx_office=carol)
    draft = entered(alice, draft, "2", "書き出しのあと")
    states = [value_state(approved_row), value_state(draft)]

    assert client.login(username="dave", password=PASSWORD)
    response = client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("export.xlsx", data, content_type=XLSX), "strategy_code": ""})
    assert response.status_code == 302
    run = _wait(ImportRun.objects.get(), ImportRun.Status.PREVIEWED, log)
    assert run.preview["conflict_count"] == 1 and run.preview["conflicts"][0]["indicator_code"] == draft.indicator.code
    assert "書き出しのあと" in client.get(response.url).content.decode()
    client.post(reverse("imports:confirm", args=[run.pk]), {"skip_conflicts": "on"})
    run = _wait(run, ImportRun.Status.APPLIED, log)

    assert [value_state(approved_row), value_state(draft)] == states
    assert states[0][2:5] == ("FINAL-A-2", "", EntryStatus.APPROVED) and states[1][2] == "書き出しのあと"
    if mode == "worker":
        text = log.read_text()
        assert "imports.tasks.apply_import" in text and "succeeded" in text, text


def test_a_save_made_while_the_import_writes_is_refused_not_lost(monkeypatch):
    """Someone saves a row between the import reading it and writing it: the save waits for the
    import, then is refused as a conflict (it would otherwise succeed and be overwritten)."""
    if connection.vendor != "postgresql":  # SQLite serialises writers and ignores FOR UPDATE: it proves nothing
        if REQUIRED:
            pytest.fail("DXPLAN_REQUIRE_REAL_PARTS is set: this needs PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    built = small_round("race", "競合市", last_fiscal_year=2024)
    department, strategy, value = built.department, built.strategy, built.value
    staff = User.objects.create_user(username="kiyoshi", role=Role.STAFF, department=department)
    admin = User.objects.create_user(username="kanri", role=Role.ADMIN)
    data = export_edited(reports_export(strategy), {("K1", 2024): {"actual": "8"}})  # unchanged since: imported

    outcome = {}

    def save_meanwhile():
        try:
            outcome["saved"] = entered(staff, value, "3", "取込中の保存")
        except Exception as error:  # noqa: BLE001 — the outcome is the assertion
            outcome["error"] = error
        finally:
            connection.close()

    original = IndicatorPlanning._values
    started = []

    def values_then_write(self, plans, stored_values):
        if not started:  # the rows are read: another user saves one now
            started.append(threading.Thread(target=save_meanwhile))
            started[0].start()
            started[0].join(timeout=WAIT)  # it waits for the import's lock (without one it is done by now)
        return original(self, plans, stored_values)

    monkeypatch.setattr(IndicatorPlanning, "_values", values_then_write)
    plan_import_apply(data=data, file_name="export.xlsx", user=admin)
    started[0].join(timeout=30)
    value.refresh_from_db()
    assert isinstance(outcome.get("error"), workflow.EntryConflict), outcome
    assert (value.actual.display(), value.comment, value.version) == ("8", "", 2)
