"""Hostile workbooks the import reads rather than refuses: what it takes from them, and the
import tasks' time limit (defect 5: a run stopped by it ends failed, with a message)."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile

from imports import limits, services, tasks
from imports.models import ImportRun
from imports.services import plan_import_preview
from plans.language import shown
from tests.imports.hostile import hostile_builders as build
from tests.imports.hostile.test_hostile_corpus import digest

pytestmark = pytest.mark.django_db


def test_a_formula_is_read_as_the_value_excel_saved_with_it():
    preview = plan_import_preview(data=build.formula_with_cached_value(), file_name="x.xlsx", strategy_code="sasebo-dx")
    assert preview.ok, [p.ja for p in preview.problems]
    assert not [p for p in preview.problems if p.code == "formula_without_value"]


def test_a_hidden_sheet_is_not_read_and_the_preview_says_so():
    data, hidden_name = build.hidden_copy_beside_plan()
    preview = plan_import_preview(data=data, file_name="x.xlsx", strategy_code="sasebo-dx")
    assert preview.sheets == ["活動指標"]
    notice = next(p for p in preview.problems if p.code == "hidden_sheet_skipped")
    assert notice.sheet == "旧版" and not notice.blocking and "非表示のシートは読み込みません" in notice.ja
    assert hidden_name not in str(preview.as_dict())


def test_the_import_tasks_carry_time_limits():
    for task in (tasks.preview_import, tasks.apply_import):
        assert (task.soft_time_limit, task.time_limit) == (limits.TASK_SOFT_TIME_LIMIT, limits.TASK_HARD_TIME_LIMIT)


@pytest.mark.parametrize("stage", ["preview", "apply"])
def test_a_run_stopped_by_the_time_limit_ends_failed_with_a_message(stage, monkeypatch, dave, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def too_slow(*args, **kwargs):  # what Celery raises in the task at the soft time limit
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services.Planner, "process", too_slow)
    run = ImportRun.objects.create(created_by=dave, file_name="x.xlsx", sha256="0" * 64, strategy_code="sasebo-dx",
                                   status=ImportRun.Status.UPLOADED if stage == "preview" else ImportRun.Status.APPLYING)
    run.file.save("x.xlsx", ContentFile(build.save(build.project_list())))
    before = digest()
    run = services.import_run_preview(run=run) if stage == "preview" else services.import_run_apply(run=run)
    assert run.status == ImportRun.Status.FAILED
    assert shown(run.message, "ja") == ("処理時間の上限（10 分）を超えたため中止しました。何も保存していません。"
                                        "ファイルを分けて取り込んでください。")
    assert shown(run.message, "en") == ("The import took longer than the limit of 10 minutes and was stopped; "
                                        "nothing was stored. Split the file.")
    assert digest() == before
