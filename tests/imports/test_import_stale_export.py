"""A stale data export, re-imported, never moves work backwards (issue 14, defect 1).

The export is the reports app's own file. Rows are 令和6年度 (FY2024) values of Sasebo's
観光商工部, where the demo opens an entry round: alice enters, bob (manager) and carol (DX
office) approve, dave (administrator) imports.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from imports.models import ImportRun
from imports.problems import ImportRefused
from imports.services import plan_import_apply, plan_import_preview
from kpis.models import EntryStatus, YearlyValue
from tests.imports.import_helpers import (
    approved,
    dump,
    entered,
    export_edited,
    reports_export,
    round_rows,
    value_state,
)

pytestmark = pytest.mark.django_db

FY = 2024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """The page flow runs its tasks in-process here even when CI configures a broker."""
    from dxplan.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def rows(alice):
    return round_rows(3)


def _key(value):
    return value.indicator.code, value.fiscal_year


def _upload_and_confirm(client, data: bytes, captured, **confirm):
    with captured(execute=True):
        response = client.post(reverse("imports:upload"), {
            "file": SimpleUploadedFile("export.xlsx", data, content_type=XLSX), "strategy_code": ""})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == ImportRun.Status.PREVIEWED, run.problems
    page = client.get(response.url).content.decode()
    with captured(execute=True):
        response = client.post(reverse("imports:confirm", args=[run.pk]), confirm)
    run.refresh_from_db()
    return run, page, response


def test_an_approved_row_survives_a_stale_export_through_the_page(client, dave, alice, bob, carol, rows,
                                                                  django_capture_on_commit_callbacks):
    """The issue's repro: export; enter, submit and approve a row blank in it; upload, confirm."""
    data = reports_export(rows[0].indicator.strategy)
    approved_row = approved(rows[0], staff=alice, manager=bob, dx_office=carol)
    before = value_state(approved_row)
    history = approved_row.history.count()
    client.force_login(dave)
    run, _page, _response = _upload_and_confirm(client, data, django_capture_on_commit_callbacks)
    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert value_state(approved_row) == before == ("5", before[1], "FINAL-A-2", "", EntryStatus.APPROVED, before[5])
    assert approved_row.history.count() == history  # not even a history row


def test_an_approved_row_survives_a_stale_export_through_the_command(tmp_path, capsys, dave, alice, bob, carol, rows):
    path = tmp_path / "export.xlsx"
    path.write_bytes(reports_export(rows[0].indicator.strategy))
    approved_row = approved(rows[0], staff=alice, manager=bob, dx_office=carol)
    before = value_state(approved_row)
    call_command("import_plan", str(path), "--user", "dave")
    assert "取り込みました" in capsys.readouterr().out
    assert value_state(approved_row) == before and before[2:5] == ("FINAL-A-2", "", EntryStatus.APPROVED)


def test_drafts_changed_since_the_export_keep_their_comments(alice, dave, rows):
    first, second = entered(alice, rows[0], "1", "最初のコメント"), entered(alice, rows[1], "2", "下書き")
    data = reports_export(first.indicator.strategy)
    first, second = entered(alice, first, "1", "あとで書き直したコメント"), entered(alice, second, "3", "")
    assert second.comment == "" and second.actual.display() == "3"
    third = entered(alice, rows[2], "4", "書き出しのあとに入力")  # blank in the export
    states = [value_state(v) for v in (first, second, third)]

    preview = plan_import_preview(data=data, file_name="export.xlsx")
    conflicts = {(c["indicator_code"], c["fiscal_year"]): c for c in preview.conflicts}
    assert preview.conflict_count == 2 and set(conflicts) == {_key(first), _key(second)}
    listed = conflicts[_key(first)]
    assert listed["differences"] == [{"field": "comment", "file": "最初のコメント", "stored": "あとで書き直したコメント"}]
    assert (listed["status"], listed["updated_by"], listed["stored_version"]) == (EntryStatus.DRAFT, "alice", first.version)
    assert listed["file_version"] == first.version - 1 and listed["updated_at"] and listed["sheet"] == "データ"
    assert [d["field"] for d in conflicts[_key(second)]["differences"]] == ["actual", "comment"]

    run = plan_import_apply(data=data, file_name="export.xlsx", user=dave)
    assert run.preview["conflict_count"] == 2
    assert [value_state(v) for v in (first, second, third)] == states


def test_a_row_unchanged_since_the_export_still_imports_but_keeps_its_status(alice, dave, rows):
    draft = entered(alice, rows[0], "1", "下書き")
    data = export_edited(reports_export(draft.indicator.strategy), {
        _key(draft): {"comment": "ファイルで直したコメント", "status": "approved"},
        _key(rows[1]): {"actual": "7", "status": "approved"},
    })
    run = plan_import_apply(data=data, file_name="export.xlsx", user=dave)
    assert run.preview["conflict_count"] == 0 and run.counts["yearly_value"]["updated"] == 2
    draft.refresh_from_db()
    assert (draft.comment, draft.actual.display(), draft.status) == ("ファイルで直したコメント", "1", EntryStatus.DRAFT)
    assert draft.version == 3  # created 1, saved 2, imported 3
    other = YearlyValue.objects.get(pk=rows[1].pk)
    assert (other.actual.display(), other.status) == ("7", EntryStatus.NOT_ENTERED)  # the status is the workflow's
    again = plan_import_apply(data=data, file_name="export.xlsx", user=dave)  # the same file again: nothing to do
    assert again.counts["yearly_value"]["updated"] == 0 and again.preview["conflict_count"] == 0


def test_an_export_without_the_version_column_only_adds_rows(alice, dave, rows, sasebo):
    draft = entered(alice, rows[0], "1", "書き出し時のコメント")
    untouched = rows[1]
    missing = (YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2021).values_list("indicator_id")
               .distinct())
    blank_code = sasebo.indicators.exclude(pk__in=missing).order_by("pk").values_list("code", flat=True)[0]
    data = export_edited(reports_export(sasebo), {
        _key(untouched): {"comment": "古いファイルからのコメント"},  # stored, unchanged since: still unknown to the file
        (blank_code, 2021): {"planned": "9"},  # nothing stored: created
    }, drop="version")
    draft = entered(alice, draft, "1", "書き出しのあとのコメント")
    states = [value_state(draft), value_state(untouched)]

    run = plan_import_apply(data=data, file_name="old-export.xlsx", user=dave)
    assert run.format == "data_export"
    assert {(c["indicator_code"], c["fiscal_year"]) for c in run.preview["conflicts"]} == {_key(draft), _key(untouched)}
    assert [value_state(draft), value_state(untouched)] == states
    created = YearlyValue.objects.get(indicator__strategy=sasebo, indicator__code=blank_code, fiscal_year=2021)
    assert (created.planned.display(), created.status, created.version) == ("9", EntryStatus.NOT_ENTERED, 1)


def test_the_page_lists_conflicts_and_asks_before_importing_the_rest(client, alice, dave, rows,
                                                                     django_capture_on_commit_callbacks):
    draft = entered(alice, rows[0], "1", "書き出し時")
    data = export_edited(reports_export(draft.indicator.strategy), {_key(rows[1]): {"actual": "8"}})
    draft = entered(alice, draft, "2", "書き出しのあと")
    before_state = value_state(draft)
    before = list(YearlyValue.objects.order_by("pk").values())  # (the pages write sessions: not the whole dump)
    client.force_login(dave)
    run, page, response = _upload_and_confirm(client, data, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and run.status == ImportRun.Status.PREVIEWED  # not confirmed: nothing stored
    assert list(YearlyValue.objects.order_by("pk").values()) == before
    assert draft.indicator.code in page and "書き出し時" in page and "書き出しのあと" in page and 'name="skip_conflicts"' in page
    assert "ファイルの作成後に dxplan で変更された行（競合） (1)" in page  # Japanese first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[run.pk]), {"skip_conflicts": "on"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert value_state(draft) == before_state
    assert YearlyValue.objects.get(pk=rows[1].pk).actual.display() == "8"
    assert "書き出しのあと" in client.get(reverse("imports:detail", args=[run.pk])).content.decode()


def test_the_command_prints_conflicts_and_skips_them(tmp_path, capsys, alice, dave, rows):
    draft = entered(alice, rows[0], "1", "書き出し時")
    path = tmp_path / "export.xlsx"
    path.write_bytes(reports_export(draft.indicator.strategy))
    draft = entered(alice, draft, "1", "書き出しのあと")
    call_command("import_plan", str(path), "--dry-run")
    out = capsys.readouterr()
    assert f"{draft.indicator.code} {FY}" in out.out and "書き出し時" in out.out and "1 行は取り込まず" in out.err
    call_command("import_plan", str(path), "--user", "dave", "--language", "en")
    out = capsys.readouterr()
    assert "Imported" in out.out and "1 rows changed in dxplan after the file was made were skipped" in out.err
    assert value_state(draft)[2] == "書き出しのあと"


def test_a_refused_import_leaves_every_row_as_it_was(alice, dave, rows):
    draft = entered(alice, rows[0], "1", "書き出し時")
    data = export_edited(reports_export(draft.indicator.strategy), {
        _key(rows[1]): {"actual": "8"}, _key(rows[2]): {"planned": "=1/0"}})
    entered(alice, draft, "1", "書き出しのあと")
    before = dump()
    with pytest.raises(ImportRefused):
        plan_import_apply(data=data, file_name="export.xlsx", user=dave)
    assert dump() == before
