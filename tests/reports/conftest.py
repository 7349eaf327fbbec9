"""Fixtures of the report tests: a private media folder, in-process Celery, workbook reading."""

import io

import openpyxl
import pytest

from dxplan.celery import app as celery_app


@pytest.fixture
def media(settings, tmp_path):
    """Stored reports go to a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager(media):
    """Run tasks in-process even when CI configures a broker (these tests are about the
    job, not the transport; tests/reports/test_worker.py runs a real worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what would run on commit (the enqueue) at the end of the block, as a real commit does;
    the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def open_workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def formula_cells(workbook) -> list[str]:
    """Coordinates of every cell openpyxl reads as a formula."""
    return [f"{ws.title}!{cell.coordinate}" for ws in workbook.worksheets
            for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
