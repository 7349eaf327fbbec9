"""The Sasebo project list (fixtures/sasebo/projects.csv as the seed's xlsx) into an empty
database gives the plan load_demo builds; a second import changes nothing."""

import pytest

from imports.services import plan_import_apply, plan_import_preview
from kpis.models import Indicator, YearlyValue
from plans.models import Department, Role, Strategy, User
from projects.models import Project
from tests.imports.import_builders import read_csv, sasebo_project_list, save
from tests.imports.import_helpers import (
    SASEBO_CITY,
    activity_snapshot,
    empty_database,
    phase_snapshot,
    policy_snapshot,
    project_snapshot,
)

pytestmark = pytest.mark.django_db

FILE = "佐世保市_活動指標.xlsx"


def _apply(data, user, **options):
    return plan_import_apply(data=data, file_name=FILE, user=user, strategy_code="sasebo-dx",
                             new_strategy=SASEBO_CITY, create_missing=True, **options)


@pytest.fixture
def demo():
    """load_demo's Sasebo plan as plain values, taken before the database is emptied."""
    sasebo = Strategy.objects.get(code="sasebo-dx")
    return {
        "projects": project_snapshot(sasebo), "phases": phase_snapshot(sasebo), "activity": activity_snapshot(sasebo),
        "policies": policy_snapshot(sasebo),
        "departments": set(Project.objects.filter(strategy=sasebo).values_list("lead_department__name", flat=True)),
    }


@pytest.fixture
def importer(demo):
    empty_database()
    assert not Strategy.objects.exists() and not Department.objects.exists()
    return User.objects.create_user("importer", role=Role.ADMIN)


def test_project_list_into_an_empty_database_gives_load_demos_plan(demo, importer):
    data = save(sasebo_project_list())
    run = _apply(data, importer)
    strategy = Strategy.objects.get(code="sasebo-dx")
    assert run.counts["project"]["created"] == 106
    assert (strategy.first_fiscal_year, strategy.last_fiscal_year) == (2021, 2027)
    assert (strategy.label_basic_policy, strategy.label_measure, strategy.label_step, strategy.label_project) == (
        "DX重点課題", "課題", "ステップ", "プロジェクト")
    assert strategy.projects.count() == 106 and strategy.projects.filter(leading=True).count() == 27

    imported = project_snapshot(strategy)
    csv_rows = {int(row["row_no"]): row for row in read_csv("projects.csv")}
    for order, expected in demo["projects"].items():
        got = dict(imported[order])
        if expected["step"] is None and csv_rows[order]["step_in_list"] == "0":
            # load_demo drops steps that are not on the progress page; the list alone cannot know that.
            assert got["step"] == csv_rows[order]["step_code"]
            got["step"] = None
        assert got == expected, order
    assert imported.keys() == demo["projects"].keys()
    assert phase_snapshot(strategy) == demo["phases"]
    assert activity_snapshot(strategy) == demo["activity"]
    assert policy_snapshot(strategy) == demo["policies"]
    assert set(Department.objects.values_list("name", flat=True)) == demo["departments"]


def test_values_are_in_the_history_as_made_by_the_import(importer):
    _apply(save(sasebo_project_list()), importer)
    for model in (Project, Indicator, YearlyValue):
        history = model.history.all()
        assert history.count() == model.objects.count() > 0
        assert set(history.values_list("history_change_reason", "history_user", "history_type")) == {
            (f"Excel取込: {FILE}", importer.pk, "+")}


def test_reimporting_the_same_file_changes_nothing(importer):
    data = save(sasebo_project_list())
    _apply(data, importer)
    history = [model.history.count() for model in (Project, Indicator, YearlyValue)]
    rows = [model.objects.count() for model in (Project, Indicator, YearlyValue)]
    run = _apply(data, importer)
    assert all(counts["created"] == counts["updated"] == 0 for counts in run.counts.values()), run.counts
    assert [model.history.count() for model in (Project, Indicator, YearlyValue)] == history
    assert [model.objects.count() for model in (Project, Indicator, YearlyValue)] == rows


def test_preview_lists_what_would_be_created_and_stores_nothing(importer):
    data = save(sasebo_project_list())
    preview = plan_import_preview(data=data, file_name=FILE, strategy_code="sasebo-dx", new_strategy=SASEBO_CITY,
                                  create_missing=True)
    assert preview.ok, [p.text() for p in preview.problems]
    assert preview.counts["project"] == {"created": 106, "updated": 0, "unchanged": 0}
    assert preview.counts["basic_policy"]["created"] == 12
    assert preview.samples["project"]["created"][0].startswith("1: 観光1-1-4")
    assert not Strategy.objects.exists() and not Project.objects.exists()
