"""load_demo: the four plans from fixtures/, exact figures, and idempotence.

conftest's django_db_setup has already run `load_demo` once for the session.
Expected figures are hard-coded from fixtures/sasebo/*.csv.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from imports.demo import load_demo
from imports.demo.common import FIXTURES, UNCERTAIN
from imports.demo.users import DEMO_PASSWORD
from kpis.models import Indicator, IndicatorKind, ValueState, YearlyValue
from plans.models import BasicPolicy, Department, Measure, Role, Step, Strategy, User
from projects.models import Project

pytestmark = pytest.mark.django_db


def _strategy(code):
    return Strategy.objects.get(code=code)


def _value(pid, fiscal_year, *, order=None):
    projects = Project.objects.filter(strategy__code="sasebo-dx", code=pid)
    project = projects.get(order=order) if order else projects.get()
    return YearlyValue.objects.get(indicator__project=project, fiscal_year=fiscal_year)


def _kpi(name_prefix):
    return Indicator.objects.get(strategy__code="sasebo-dx", kind=IndicatorKind.KPI, name__startswith=name_prefix)


def test_fixtures_live_inside_the_project():
    assert FIXTURES == settings.BASE_DIR / "fixtures"
    assert (FIXTURES / "sasebo" / "projects.csv").is_file()


def test_sasebo_counts():
    sasebo = _strategy("sasebo-dx")
    assert (sasebo.first_fiscal_year, sasebo.last_fiscal_year) == (2021, 2027)
    assert sasebo.label_basic_policy == "DX重点課題"
    assert sasebo.basic_policies.count() == 12
    assert Measure.objects.filter(basic_policy__strategy=sasebo).count() == 32
    assert Step.objects.filter(measure__basic_policy__strategy=sasebo).count() == 72
    assert sasebo.projects.count() == 106
    assert sasebo.projects.filter(leading=True).count() == 27
    assert sasebo.projects.filter(measure=None).count() == 3
    assert sasebo.indicators.filter(kind=IndicatorKind.KPI).count() == 44


def test_other_plans_counts():
    nagasaki = _strategy("nagasaki-dx")
    assert nagasaki.basic_policies.count() == 6
    assert Measure.objects.filter(basic_policy__strategy=nagasaki).count() == 13
    assert nagasaki.projects.count() == 18
    assert list(nagasaki.phases.values_list("name", "first_fiscal_year", "last_fiscal_year")) == [
        ("第1期", 2022, 2024), ("第2期", 2025, 2027), ("第3期", 2028, 2030),
    ]
    h = _strategy("nagasaki-h")
    assert h.basic_policies.count() == 3
    assert Measure.objects.filter(basic_policy__strategy=h).count() == 7
    assert h.indicators.filter(kind=IndicatorKind.OUTCOME, basic_policy__isnull=False).count() == 5
    miyakonojo = _strategy("miyakonojo-dx")
    assert miyakonojo.basic_policies.count() == 3
    assert Measure.objects.filter(basic_policy__strategy=miyakonojo).count() == 29


def test_project_values_as_printed():
    value = _value("観光2-1-4", 2023)  # projects.csv row 9: planned_R5 30000, actual_R5 160116
    assert value.planned.display() == "30,000"
    assert value.actual.display() == "160,116"


def test_not_applicable_cell_stays_na():
    value = _value("観光2-1-2", 2022)  # actual_R4 printed 「－」 (NA in the CSV)
    assert value.actual_state == ValueState.NOT_APPLICABLE
    assert value.actual_number is None
    assert value.actual.display() == "－"
    assert value.planned.display() == "1,850"


def test_text_cells():
    done = _value("職場環境1-c-1-1", 2022)
    assert (done.planned_state, done.planned_text) == (ValueState.TEXT, "実施済")
    zenrin = _value("都市1-1-4", 2023)
    assert zenrin.actual.display() == "㈱ゼンリンとの協議継続中"
    assert UNCERTAIN in zenrin.note


def test_kpi_values_keep_printed_decimals_and_direction():
    paperless = _kpi("ペーパーレス度")
    assert paperless.direction == "down"
    assert paperless.unit == "%"
    r5 = paperless.values.get(fiscal_year=2023)
    assert (r5.planned.display(), r5.actual.display()) == ("85.0", "81.7")
    rpa = _kpi("RPA等による削減効果時間")
    assert rpa.values.get(fiscal_year=2021).planned.display() == "2,500.0"
    assert rpa.values.get(fiscal_year=2024).actual.display() == "6,634.88"


def test_evaluation_comment_sits_on_the_last_reported_year():
    paperless = _kpi("ペーパーレス度")  # actuals R3..R5
    assert list(paperless.values.exclude(comment="").values_list("fiscal_year", flat=True)) == [2023]
    assert paperless.values.get(fiscal_year=2023).comment.startswith("計画よりも進捗が図れている")
    rpa = _kpi("RPA等による削減効果時間")  # the only KPI with an R6 actual
    assert list(rpa.values.exclude(comment="").values_list("fiscal_year", flat=True)) == [2024]
    no_values = _kpi("新規就農などオンライン・デジタルによる相談数")  # no actual: FY2025
    # Its only other row is the empty 令和6年度 row of the demo's open entry round.
    comment_row = no_values.values.exclude(comment="").get()
    assert comment_row.fiscal_year == 2025 and comment_row.comment
    assert comment_row.planned_state == comment_row.actual_state == ValueState.EMPTY


def test_kpi_responsible_department_is_derived_and_noted():
    kpi = Indicator.objects.get(  # 窓口's projects: 行政経営改革部 3, 港湾部 1, 教育委員会 1
        strategy__code="sasebo-dx", kind=IndicatorKind.KPI, name="オンライン対応手続き数",
        measure__basic_policy__short_name="窓口",
    )
    assert kpi.responsible_department.name == "行政経営改革部"
    assert "導出" in kpi.note


def test_uncertainty_notes():
    step_conflict = Project.objects.get(strategy__code="sasebo-dx", order=14)  # README #8
    assert UNCERTAIN in step_conflict.note
    assert "1-2" in step_conflict.note
    misplaced = _value("業務効率化2-a-1-6", 2024)  # README #22: R6 planned 378
    assert misplaced.planned.display() == "378" and UNCERTAIN in misplaced.note
    assert UNCERTAIN in BasicPolicy.objects.get(strategy__code="sasebo-dx", short_name="農林水産").note


def test_pids_printed_twice_are_two_projects_each():
    for pid in ("農水2-b-1/2-1", "農水2-b-1/2-2"):
        assert Project.objects.filter(strategy__code="sasebo-dx", code=pid).count() == 2


def test_ambiguous_step_code_picked_by_title():
    project = Project.objects.get(strategy__code="sasebo-dx", order=59)  # 保福2-b-2-2
    assert (project.step.code, project.step.title) == ("2-b-1", "包括的支援の実現の担い手である職員負担の軽減")
    unlisted = Project.objects.get(strategy__code="sasebo-dx", order=16)  # 農水1-2/3-1, step not listed
    assert unlisted.step is None and unlisted.measure is not None
    assert "1-2/3" in unlisted.note


def test_dash_indicator_name_is_blank_and_noted():
    indicator = Indicator.objects.get(project__strategy__code="sasebo-dx", project__order=99)
    assert indicator.name == ""
    assert "「-」" in indicator.note


def test_phases_by_year():
    project = Project.objects.get(strategy__code="sasebo-dx", order=5)  # 観光1-2-2: … ○ ⇒ ⇒ ⇒ ⇒
    marks = {year.fiscal_year: year.mark for year in project.years.all()}
    assert marks == {2022: "…", 2023: "○", 2024: "⇒", 2025: "⇒", 2026: "⇒", 2027: "⇒"}
    assert list(project.years.filter(is_start=True).values_list("fiscal_year", flat=True)) == [2023]
    all_builds = Project.objects.get(strategy__code="sasebo-dx", order=93)  # ○ ○ ○ ○: one start only
    assert list(all_builds.years.filter(is_start=True).values_list("fiscal_year", flat=True)) == [2024]


def test_nagasaki_departments_and_activities():
    project = Project.objects.get(strategy__code="nagasaki-dx", code="6-1イ")
    assert project.lead_department.name == "情報政策推進室"
    assert [d.name for d in project.co_departments.all()] == ["市民生活部"]
    assert project.narratives.get(fiscal_year=2022).kind == "activities"
    assert Project.objects.get(strategy__code="nagasaki-dx", code="4-2ア").lead_department is None
    outcome = Indicator.objects.get(strategy__code="nagasaki-h", name="市政情報の発信に満足している市民の割合")
    assert (outcome.baseline_fiscal_year, outcome.target_fiscal_year) == (2020, 2025)
    assert outcome.responsible_department.name == "広報広聴課"
    assert outcome.values.get(fiscal_year=2025).planned.display() == "75.0"


def test_demo_users():
    dx_office = Department.objects.get(municipality__code="sasebo", name="DX推進課")
    assert dx_office.parent.name == "行政経営改革部"
    staff = User.objects.get(username="demo-staff")
    assert (staff.role, staff.department.name) == (Role.STAFF, "観光商工部")
    assert staff.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="demo-dx").department == dx_office
    admin = User.objects.get(username="demo-admin")
    # A city's administrator uses the admin within its city; only the operator is a superuser.
    assert (admin.role, admin.municipality.code, admin.is_staff, admin.is_superuser) == (
        Role.ADMIN, "sasebo", True, False)
    assert User.objects.get(username="demo-viewer").role == Role.VIEWER


def test_demo_users_of_the_other_cities_and_across_cities():
    placed = {user.username: (user.role, user.municipality and user.municipality.code, user.is_superuser)
              for user in User.objects.filter(username__startswith="demo-").select_related("municipality")}
    assert placed["demo-nagasaki-dx"] == (Role.DX_OFFICE, "nagasaki", False)
    assert placed["demo-nagasaki-admin"] == (Role.ADMIN, "nagasaki", False)
    assert placed["demo-miyakonojo-dx"] == (Role.DX_OFFICE, "miyakonojo", False)
    assert placed["demo-pref"] == (Role.WIDE_AREA, None, False)
    assert placed["demo-operator"] == (Role.OPERATOR, None, True)
    assert [username for username, (_, _, superuser) in placed.items() if superuser] == ["demo-operator"]
    pref = User.objects.get(username="demo-pref")
    assert sorted(pref.granted_municipalities.values_list("code", flat=True)) == ["miyakonojo", "nagasaki", "sasebo"]
    assert User.objects.get(username="demo-nagasaki-dx").check_password(DEMO_PASSWORD)


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_second_run_changes_nothing():
    before = _row_counts()
    assert any(label.endswith("HistoricalProject") for label in before)
    counts = load_demo()
    assert sum(row["created"] + row["updated"] for row in counts.values()) == 0
    assert counts["projects.Project"]["unchanged"] == 124
    assert _row_counts() == before


def test_command_prints_japanese_summary():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "デモデータを読み込みました: 作成 0 件, 更新 0 件, 変更なし" in out.getvalue()
    quiet = StringIO()
    call_command("load_demo", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_demo_has_an_open_entry_round_for_fy2024_with_a_row_for_every_kpi(sasebo):
    from kpis.models import EntryRound, YearlyValue

    entry_round = EntryRound.objects.get(strategy=sasebo)
    assert entry_round.fiscal_year == 2024 and entry_round.is_open_for_entry()
    kpis_without_row = Indicator.objects.filter(strategy=sasebo, kind=IndicatorKind.KPI).exclude(values__fiscal_year=2024)
    assert not kpis_without_row.exists()
    assert YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2024, status="not_entered").count() > 40


def test_printed_actuals_are_approved_and_rows_without_actual_are_not_entered(sasebo):
    from kpis.models import YearlyValue

    values = YearlyValue.objects.filter(indicator__strategy=sasebo)
    assert not values.filter(status="approved", actual_state="empty").exists()
    assert not values.exclude(status="approved").exclude(actual_state="empty").exists()


def test_rerunning_load_demo_keeps_what_a_person_entered(sasebo, alice):
    from kpis.models import YearlyValue

    row = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, actual_state="number").first()
    row.actual_number, row.updated_by = row.actual_number + 1, alice
    row.save()
    load_demo()
    row.refresh_from_db()
    assert row.updated_by == alice and row.actual.display() != ""
    assert YearlyValue.objects.get(pk=row.pk).actual_number == row.actual_number
