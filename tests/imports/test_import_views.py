"""The upload page: administrators only; upload → preview → confirm → imported."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRun
from projects.models import Project
from tests.imports.import_builders import read_csv, sasebo_project_list, save

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, data: bytes, **fields):
    return client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("一覧.xlsx", data, content_type=XLSX), "strategy_code": "sasebo-dx", **fields,
    })


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "erin", "frank"])
def test_only_administrators(client, request, username):
    client.force_login(request.getfixturevalue(username))
    run = ImportRun.objects.create(file_name="x.xlsx", sha256="0" * 64, status=ImportRun.Status.PREVIEWED)
    for url in (reverse("imports:upload"), reverse("imports:template"), reverse("imports:detail", args=[run.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 403
    assert _upload(client, b"x").status_code == 403
    assert not ImportRun.objects.exclude(pk=run.pk).exists()



@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """These tests follow the page flow: the import task runs in-process here even when CI
    configures a broker (no worker is started for them)."""
    from dxplan.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_upload_preview_map_and_confirm(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    assert client.get(reverse("imports:upload")).status_code == 200
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["C4"] = "観光商工局"
    book.active["K5"] = "名称を変えた事業"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, save(book))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[run.pk])
    assert run.status == ImportRun.Status.PREVIEWED and run.created_by == dave
    assert run.counts["project"] == {"created": 0, "updated": 2, "unchanged": 1}
    page = client.get(response.url).content.decode()
    assert "観光商工局" in page and "名称を変えた事業" in page  # the unknown department and the update shown
    assert Project.objects.get(strategy__code="sasebo-dx", order=2).name != "名称を変えた事業"  # nothing stored yet

    # No decision for the unknown department: the form says so and nothing happens.
    assert client.post(reverse("imports:confirm", args=[run.pk]), {}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[run.pk]), {"decision_0": "観光商工部"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert run.mapping == {"department": {"観光商工局": "観光商工部"}}
    assert Project.objects.get(strategy__code="sasebo-dx", order=2).name == "名称を変えた事業"
    assert 'href="/strategies/sasebo-dx/"' in client.get(response.url).content.decode()  # the link to the plan


def test_a_bad_workbook_shows_its_problems(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["P5"] = "=1/0"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, save(book))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PREVIEWED and run.blocking_problems
    page = client.get(response.url).content.decode()
    assert "数式の計算結果がファイルに保存されていません" in page and "P" in page
    assert 'action="/imports/%d/confirm/"' % run.pk not in page


def test_a_file_that_is_not_xlsx_is_refused(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, b"a,b\n1,2\n")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED
    assert run.problems[0]["code"] == "csv"


def test_template_workbook(client, dave, sasebo):
    client.force_login(dave)
    response = client.get(reverse("imports:template") + "?strategy=sasebo-dx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["説明", "計画", "選択肢", "データ"]
    data = book["データ"]
    assert [c.value for c in data[1]][:3] == ["基本方針コード", "基本方針名", "施策コード"]
    formulas = {dv.formula1 for dv in data.data_validations.dataValidation}
    assert "'選択肢'!$A$2:$A$4" in formulas and '"はい,いいえ"' in formulas
    departments = [c.value for c in book["選択肢"]["D"][1:]]
    assert "観光商工部" in departments and "行政経営改革部/DX推進課" in departments
    assert {"高いほどよい", "低いほどよい", "維持"} == {c.value for c in book["選択肢"]["B"][1:] if c.value}
    assert {"成果指標", "KPI", "活動指標"} == {c.value for c in book["選択肢"]["A"][1:] if c.value}
