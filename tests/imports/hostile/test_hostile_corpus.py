"""The corpus of hostile workbooks (issue 14), each through both doors a clerk uses: the
upload page (/imports/, its task run in-process) and the import_plan command. For each, the
Japanese message the clerk sees, and the plan's tables byte for byte as they were."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from imports.models import ImportRun
from tests.imports.hostile import hostile_builders as build

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _strings(count, length, path):
    return build.write_with_strings(path, build.varied_texts(count, length, build.KANJI)).read_bytes()


CASES = {
    # name: (bytes factory taking a temp dir, DXPLAN_IMPORT_LIMITS, problem code, words of the Japanese message)
    "shared-strings part over its limit": (lambda d: _strings(3_000, 20, d / "s.xlsx"),
                                           {"max_shared_strings_part": 100_000}, "part_too_large", "共有文字列の部分"),
    "too many shared strings": (lambda d: _strings(3_000, 2, d / "s.xlsx"), {"max_shared_strings": 2_000},
                                "too_many_shared_strings", "共有文字列（xl/sharedStrings.xml）の数が上限（2,000）"),
    "shared strings too long together": (lambda d: _strings(3_000, 20, d / "s.xlsx"), {"max_shared_string_chars": 50_000},
                                         "too_many_shared_strings", "文字数の合計が上限（50,000）"),
    "styles part over its limit": (lambda d: build.save(build.project_list()), {"max_styles_part": 1_000},
                                   "part_too_large", "書式の部分（xl/styles.xml）"),
    "sheet part over its limit": (lambda d: build.save(build.project_list()), {"max_sheet_part": 10_000},
                                  "part_too_large", "シート「活動指標」の部分"),
    "200,000-row sheet": (lambda d: build.many_rows(), {}, "too_many_rows", "行数が上限（100,000 行）"),
    "too many cells": (lambda d: build.save(build.project_list()), {"max_cells": 300}, "too_many_cells",
                       "セル数が上限（300 セル）"),
    "a cell far to the right": (lambda d: build.far_column(), {}, "too_many_columns", "列数が上限（1,000 列、ALL 列まで）"),
    "a 3 MB text in one cell": (lambda d: build.long_text_cell(), {}, "text_too_long", "長すぎる"),
    "entity expansion (billion laughs)": (lambda d: build.billion_laughs(), {}, "corrupt", "壊れている"),
    "formula without a cached value": (lambda d: build.formula_without_cached_value(), {}, "formula_without_value", "数式"),
    "date typed into a value cell": (lambda d: build.date_serial_in_value_cell(), {}, "date_not_number", "日付"),
    "wrong headers": (lambda d: build.wrong_headers(), {}, "header_not_recognised", "必要な見出し"),
    # The merge copies 「PID」 over the name's column; read alone, row 3 would take the policy's 名称 (E) for
    # the project name.
    "heading merged across the next one": (lambda d: build.header_merged_across(), {}, "header_not_recognised",
                                           "セル J3:K3 が結合されているため"),
    "plan on a hidden sheet": (lambda d: build.plan_in_hidden_sheet(), {}, "hidden_sheet_skipped", "非表示のシート"),
    "macro-enabled (.xlsm)": (lambda d: build.macro_enabled(), {}, "macro_enabled", "マクロ付きのブック"),
    "password-protected (encrypted)": (lambda d: build.encrypted(), {}, "password_protected", "パスワードで保護"),
    "not a zip, named .xlsx": (lambda d: build.not_a_zip(), {}, "not_xlsx", "Excel ブック（.xlsx）ではありません"),
}


def digest() -> str:
    """Every row of every table but the upload page's own job rows, hashed."""
    hashed = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == ImportRun._meta.db_table:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            hashed.update(f"{table}: {cursor.fetchall()!r}\n".encode())
    return hashed.hexdigest()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tasks_in_process(monkeypatch):
    from dxplan.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _case(name):
    case = CASES[name]
    return case.values[0] if hasattr(case, "values") else case


@pytest.mark.parametrize("name", [pytest.param(n, marks=getattr(c, "marks", ()), id=n) for n, c in CASES.items()])
def test_upload_page_refuses_with_the_message_and_changes_nothing(name, client, dave, tmp_path, tasks_in_process,
                                                                   django_capture_on_commit_callbacks):
    factory, overrides, code, words = _case(name)
    data = factory(tmp_path)
    client.force_login(dave)
    before = digest()
    with override_settings(DXPLAN_IMPORT_LIMITS=overrides), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {
            "file": SimpleUploadedFile("一覧.xlsx", data, content_type=XLSX), "strategy_code": "sasebo-dx"})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    # Refused outright, or (a problem in the rows) checked with blocking problems and no way to confirm.
    assert run.status == ImportRun.Status.REFUSED or (
        run.status == ImportRun.Status.PREVIEWED and run.blocking_problems), (run.status, run.message)
    problem = next((p for p in run.problems if p["code"] == code), None)
    assert problem is not None, [p["ja"] for p in run.problems]
    assert words in problem["ja"] and problem["en"]
    page = client.get(response.url).content.decode()
    assert problem["ja"] in page and reverse("imports:confirm", args=[run.pk]) not in page
    assert digest() == before


@pytest.mark.parametrize("name", [pytest.param(n, marks=getattr(c, "marks", ()), id=n) for n, c in CASES.items()])
def test_command_refuses_with_the_message_and_changes_nothing(name, tmp_path, capsys):
    factory, overrides, code, words = _case(name)
    path = tmp_path / "一覧.xlsx"
    path.write_bytes(factory(tmp_path))
    before = digest()
    for dry_run in ([], ["--dry-run"]):
        with override_settings(DXPLAN_IMPORT_LIMITS=overrides), pytest.raises(CommandError):
            call_command("import_plan", str(path), "--strategy", "sasebo-dx", *dry_run)
        output = capsys.readouterr()
        assert words in output.err + output.out, output.err
    assert digest() == before
