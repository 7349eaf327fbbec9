"""The municipality boundary over the import: a workbook cannot write into another city's plan.

Table-driven over the two cities (tests.reports.boundary_cases): every Sasebo role against a
workbook naming Nagasaki's plan and every Nagasaki role against Sasebo's. Only a city's
administrator imports; another city's plan is refused with a message naming the plan and its
city, nothing written; runs are listed and opened by their own city's administrators only.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from imports import services
from imports.models import ImportRun
from imports.problems import ImportRefused
from plans.models import Municipality, Strategy
from tests.imports.import_builders import data_export, read_csv, sasebo_project_list, save
from tests.reports.boundary_cases import NAGASAKI, PAIRS, SASEBO, leaked, snapshot

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADMINS = {"dave", "nora"}
# The plan each city's workbook names when it aims at the other city.
TARGET = {"sasebo": "nagasaki-dx", "nagasaki": "sasebo-dx"}
CITY_NAME = {"sasebo": "佐世保市", "nagasaki": "長崎市"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    from dxplan.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _workbook() -> bytes:
    return save(sasebo_project_list(read_csv("projects.csv")[:3]))


def _upload(client, data: bytes, **fields):
    return client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("一覧.xlsx", data, content_type=XLSX), **fields})


def _plan_rows():
    """What an import could write (the runs themselves are expected to change)."""
    return snapshot()[2:]


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_a_workbook_naming_another_citys_plan_is_refused_and_nothing_is_written(
        client, request, django_capture_on_commit_callbacks, username, mine, other):
    client.force_login(request.getfixturevalue(username))
    before = _plan_rows()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _workbook(), strategy_code=TARGET[mine.code], create_missing="on")
    if username not in ADMINS:
        assert response.status_code == 403
        assert not ImportRun.objects.exists()
    else:
        run = ImportRun.objects.get()
        assert run.status == ImportRun.Status.REFUSED and run.municipality.code == mine.code
        problem = run.blocking_problems[0]
        assert problem["code"] == "other_municipality"
        assert TARGET[mine.code] in problem["ja"] and CITY_NAME[other.code] in problem["ja"]
        assert "取り込めません" in problem["ja"] and "何も取り込んでいません" in problem["ja"]
        page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
        assert "取り込めません" in page and 'action="/imports/%d/confirm/"' % run.pk not in page
        titles = list(Strategy.objects.filter(municipality__code=other.code).values_list("title", flat=True))
        assert not any(title in page for title in titles)  # the plan is named by the code the file gave
    assert _plan_rows() == before


@pytest.mark.parametrize(("admin", "city", "other"), [("dave", SASEBO, NAGASAKI), ("nora", NAGASAKI, SASEBO)])
def test_another_citys_data_export_is_refused(client, request, django_capture_on_commit_callbacks, admin, city,
                                              other):
    client.force_login(request.getfixturevalue(admin))
    before = _plan_rows()
    book = data_export(Strategy.objects.get(code=other.strategy))  # its 計画 sheet names the plan
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, save(book))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED and run.blocking_problems[0]["code"] == "other_municipality"
    assert _plan_rows() == before


@pytest.mark.parametrize(("city", "other"), [(SASEBO, NAGASAKI), (NAGASAKI, SASEBO)])
def test_the_services_refuse_another_citys_plan_even_when_asked_directly(dave, nora, city, other):
    municipality = Municipality.objects.get(code=city.code)
    before = snapshot()
    for service in (services.plan_import_preview, services.plan_import_apply):
        with pytest.raises(ImportRefused) as refused:
            service(data=_workbook(), file_name="一覧.xlsx", strategy_code=TARGET[city.code], create_missing=True,
                    municipality=municipality)
        assert refused.value.problems[0].code == "other_municipality"
    # A run that reached "importing" anyway (a tampered row) is refused by the apply task.
    admin = dave if city is SASEBO else nora
    run = ImportRun(created_by=admin, file_name="一覧.xlsx", sha256="0" * 64, strategy_code=TARGET[city.code],
                    status=ImportRun.Status.APPLYING, create_missing=True)
    run.file.save("tampered.xlsx", ContentFile(_workbook()), save=True)
    assert run.municipality_id == municipality.pk  # its administrator's city
    services.import_run_apply(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED and run.blocking_problems[0]["code"] == "other_municipality"
    assert snapshot()[2:] == before[2:]


def test_a_new_plan_belongs_to_the_importing_administrators_city(dave):
    sasebo = Municipality.objects.get(code="sasebo")
    run = services.plan_import_apply(data=_workbook(), file_name="一覧.xlsx", user=dave, strategy_code="sasebo-new",
                                     new_strategy={"title": "新しい計画"}, create_missing=True, municipality=sasebo)
    assert Strategy.objects.get(code="sasebo-new").municipality == sasebo
    assert run.municipality == sasebo


def test_a_new_plan_for_another_municipality_is_refused(dave):
    sasebo = Municipality.objects.get(code="sasebo")
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        services.plan_import_apply(data=_workbook(), file_name="一覧.xlsx", user=dave, strategy_code="sasebo-new",
                                   new_strategy={"title": "新しい計画", "municipality_code": "nagasaki"},
                                   create_missing=True, municipality=sasebo)
    problem = refused.value.problems[0]
    assert problem.code == "other_municipality_new" and "佐世保市" in problem.ja and "nagasaki" in problem.ja
    assert snapshot() == before


def test_the_command_line_keeps_importing_into_any_plan(tmp_path):
    """import_plan is run by the machine's operator: no user, no city, today's behaviour."""
    path = tmp_path / "一覧.xlsx"
    path.write_bytes(_workbook())
    call_command("import_plan", str(path), "--strategy", "sasebo-dx", "--dry-run", verbosity=0)
    preview = services.plan_import_preview(data=_workbook(), file_name="一覧.xlsx", strategy_code="nagasaki-dx")
    assert not any(p.code == "other_municipality" for p in preview.problems)


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_another_citys_runs_are_neither_listed_nor_opened(client, request, username, mine, other):
    other_admin = request.getfixturevalue("nora" if other is NAGASAKI else "dave")
    run = ImportRun.objects.create(created_by=other_admin, file_name="他市の一覧.xlsx", sha256="0" * 64,
                                   strategy_code=other.strategy, status=ImportRun.Status.PREVIEWED,
                                   preview={"strategy_code": other.strategy, "strategy_exists": True})
    client.force_login(request.getfixturevalue(username))
    before = snapshot()
    expected = 404 if username in ADMINS else 403
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == expected
    assert client.post(reverse("imports:confirm", args=[run.pk]), {"create_all": "on"}).status_code == expected
    assert client.post(reverse("imports:cancel", args=[run.pk])).status_code == expected
    assert snapshot() == before
    if username in ADMINS:
        page = client.get(reverse("imports:upload")).content.decode()
        assert "他市の一覧.xlsx" not in page and leaked(page, other) == []
        assert Strategy.objects.get(code=mine.strategy).title in page  # the pickers: its own plans
        assert client.get(reverse("imports:template") + f"?strategy={other.strategy}").status_code == 404
        assert client.get(reverse("imports:template") + f"?strategy={mine.strategy}").status_code == 200
