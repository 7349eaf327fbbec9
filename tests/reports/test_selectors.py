"""What the report reads from the Sasebo demo, and that it costs the same queries at any size."""

import datetime

import pytest

from kpis.models import Indicator, IndicatorKind, YearlyValue
from plans.models import BasicPolicy, Department, Strategy
from reports import selectors
from reports.models import ReportJob
from reports.selectors import Scope
from tests.factories import grow

AS_OF = datetime.date(2025, 11, 1)


def display(values):
    return [v.display() for v in values]


def find(rows, **fields):
    return next(r for r in rows if all(getattr(r, k) == v for k, v in fields.items()))


# --- figures of the Sasebo seed --------------------------------------------------------------


def test_meta_has_wareki_columns_vocabularies_and_scope(sasebo):
    meta = selectors.report_meta(Scope(sasebo, 2025), as_of=AS_OF)
    assert meta.fiscal_years == tuple(range(2021, 2028))
    assert meta.phase_years == tuple(range(2022, 2028))  # the seed prints phases R4–R9
    assert meta.vocabularies == ("分野", "分類")
    assert (meta.label_basic_policy, meta.label_measure, meta.label_step) == ("DX重点課題", "課題", "ステップ")
    assert meta.scope == ""
    policy = BasicPolicy.objects.get(strategy=sasebo, code="01-01")
    assert selectors.report_meta(Scope(sasebo, 2025, basic_policy=policy), as_of=AS_OF).scope == \
        "DX重点課題 01-01 観光のみ"


def test_sections_reproduce_the_r7_pages(sasebo):
    sections = selectors.report_sections(Scope(sasebo, 2025))
    assert [s.short_name for s in sections][:3] == ["観光", "農林水産", "子ども・子育て"]
    assert len(sections) == 12
    tourism = sections[0]
    assert tourism.goal.startswith("マーケティングレポートの公表を引き続き継続し")
    assert [m.code for m in tourism.measures] == ["1", "2", "3"]
    assert tourism.measures[0].goal.startswith("マーケティングレポートの公表を引き続き継続すると共に")
    route = find(tourism.indicators, name="観光ルートのアクセス数/利用者数")
    assert display(route.planned) == ["25,000", "27,500", "30,000", "33,000", "176,000", "184,000", "193,000"]
    assert display(route.actual) == ["55,584", "151,246", "160,116", "", "", "", ""]
    assert route.evaluated_year == 2023 and route.grade == "A"
    assert route.comment.startswith("コロナの影響により減少していた")
    assert route.owner == "3 最適な観光ルート提示等による訪れたい佐世保市の構築"
    assert [s.short_name for s in sections if not s.indicators] == ["教育"]  # the seed has no KPI page for it


def test_lower_is_better_kpi_is_graded_by_its_latest_actual(sasebo):
    workplace = selectors.report_sections(Scope(sasebo, 2025))[-1]
    paper = find(workplace.indicators, unit="%", name="ペーパーレス度（令和3年度印刷枚数量との比較）")
    assert display(paper.planned) == ["100.0", "100.0", "85.0", "85.0", "65.0", "45.0", "30.0"]
    assert display(paper.actual)[:3] == ["100.0", "95.1", "81.7"]
    assert (paper.evaluated_year, str(paper.rate), paper.grade) == (2023, "104.0", "A")  # 85.0 / 81.7


def test_a_report_year_before_the_actuals_evaluates_nothing(sasebo):
    tourism = selectors.report_sections(Scope(sasebo, 2021))[0]
    route = find(tourism.indicators, name="観光ルートのアクセス数/利用者数")
    assert route.evaluated_year == 2021 and route.grade == "A"
    counts = find(tourism.indicators, name="データを活用した事業立案数")
    assert counts.evaluated_year is None and counts.rate is None and counts.grade == "－"


def test_project_rows_reproduce_the_activity_table(sasebo):
    meta = selectors.report_meta(Scope(sasebo, 2025), as_of=AS_OF)
    rows = list(selectors.report_project_rows(Scope(sasebo, 2025), meta))
    assert len(rows) == 106 and sum(r.leading for r in rows) == 27
    row = find(rows, code="観光2-1-4")
    assert row.categories == ("まちづくり", "観光") and row.department == "観光商工部"
    assert row.name == "デジタルマップの活用" and row.indicator == "観光ルートのアクセス/利用者数"
    assert display(row.planned) == ["25,000", "27,500", "30,000", "33,000", "36,000", "39,600", "43,500"]
    assert display(row.actual)[:3] == ["55,584", "151,246", "160,116"]
    assert row.phases == ("⇒",) * 6
    assert row.step == "2-1 既存素材のデジタル化によるプロモーション強化"
    assert display(find(rows, code="職場環境1-c-1-1").planned)[1] == "実施済"
    loose = [r for r in rows if not r.basic_policy]
    assert len(loose) == 3  # 推進課題 ×2 and しかけ


def test_department_scope_keeps_that_departments_indicators_only(sasebo):
    department = Department.objects.get(municipality=sasebo.municipality, name="観光商工部")
    scope = Scope(sasebo, 2025, department=department)
    sections = selectors.report_sections(scope)
    expected = Indicator.objects.filter(strategy=sasebo, project__isnull=True, responsible_department=department)
    assert sum(len(s.indicators) for s in sections) == expected.count() > 0
    assert [s.short_name for s in sections] == ["観光"]
    meta = selectors.report_meta(scope, as_of=AS_OF)
    rows = list(selectors.report_project_rows(scope, meta))
    assert rows and {r.department for r in rows} == {"観光商工部"}
    assert meta.scope == "観光商工部のみ"


def test_basic_policy_scope_keeps_one_policy(sasebo):
    policy = BasicPolicy.objects.get(strategy=sasebo, code="02-04")
    scope = Scope(sasebo, 2025, basic_policy=policy)
    assert [s.code for s in selectors.report_sections(scope)] == ["02-04"]
    rows = list(selectors.report_project_rows(scope, selectors.report_meta(scope, as_of=AS_OF)))
    assert len(rows) == 9 and {r.basic_policy for r in rows} == {policy.title}


def test_data_rows_one_per_indicator_and_fiscal_year(sasebo):
    rows = list(selectors.data_rows(Scope(sasebo, 2025)))
    assert len(rows) == Indicator.objects.filter(strategy=sasebo).count() * 7
    paper = {r["fiscal_year"]: r for r in rows if r["indicator_code"] == "職場環境-KPI2"}
    assert sorted(paper) == list(range(2021, 2028))
    r5 = paper[2023]
    assert (r5["basic_policy_code"], r5["measure_code"], r5["indicator_kind"]) == ("02-04", "1", "kpi")
    assert (r5["planned"], r5["actual"], str(r5["achievement_rate"]), r5["grade"]) == ("85.0", "81.7", "104.0", "A")
    assert (r5["direction"], r5["unit"], r5["fiscal_year_label"]) == ("down", "%", "令和5年度")
    assert r5["project_order"] is None and r5["project_leading"] is None
    route = {r["fiscal_year"]: r for r in rows if r["indicator_code"] == "P009-A1"}
    assert (route[2021]["planned"], route[2021]["actual"]) == ("25000", "55584")
    assert (route[2021]["project_code"], route[2021]["project_order"], route[2021]["project_leading"]) == \
        ("観光2-1-4", 9, 0)
    assert route[2021]["project_lead_department"] == "観光商工部"
    assert route[2021]["step_code"] == "2-1" and route[2021]["step_order"] is not None


def test_data_rows_write_missing_years_and_bureau_slash_division(sasebo):
    division = Department.objects.get(municipality=sasebo.municipality, name="DX推進課")
    measure = BasicPolicy.objects.get(strategy=sasebo, code="02-04").measures.first()
    indicator = Indicator.objects.create(strategy=sasebo, measure=measure, kind=IndicatorKind.KPI, code="T-1",
                                         order=99, name="テスト指標", responsible_department=division)
    YearlyValue.objects.create(indicator=indicator, fiscal_year=2024, planned_state="pending", comment="+確認中")
    rows = [r for r in selectors.data_rows(Scope(sasebo, 2025)) if r["indicator_code"] == "T-1"]
    assert [r["fiscal_year"] for r in rows] == list(range(2021, 2028))
    assert {r["responsible_department"] for r in rows} == {"行政経営改革部/DX推進課"}
    by_year = {r["fiscal_year"]: r for r in rows}
    assert (by_year[2024]["planned"], by_year[2024]["comment"], by_year[2024]["status"]) == ("…", "+確認中", "not_entered")
    assert (by_year[2021]["planned"], by_year[2021]["status"], by_year[2021]["grade"]) == ("", "not_entered", "－")


# --- fixed query counts ----------------------------------------------------------------------


@pytest.mark.django_db
def test_report_selectors_cost_the_same_queries_at_two_sizes(sasebo, django_assert_num_queries):
    def read_all():
        strategy = Strategy.objects.select_related("municipality").get(pk=sasebo.pk)  # as report_job_get loads it
        scope = Scope(strategy, 2025)
        # vocabularies; phase-year span; whether the round has project summaries
        with django_assert_num_queries(3):
            meta = selectors.report_meta(scope, as_of=AS_OF)
        # policies; narratives; the round's texts; their versions in force from the history;
        # measures; approved versions from the history; target revisions; step years; steps;
        # indicator values; indicators
        with django_assert_num_queries(11):
            sections = selectors.report_sections(scope)
        # the round's phases; their versions in force from the history; approved versions from
        # the history; target revisions; then activity indicators with values; phases;
        # categories; projects (each one streamed cursor)
        with django_assert_num_queries(8):
            projects = list(selectors.report_project_rows(scope, meta))
        # indicators joined with their path and values
        with django_assert_num_queries(1):
            data = list(selectors.data_rows(scope))
        return len(sections), len(projects), len(data)

    small = read_all()
    grow(sasebo, 2)
    large = read_all()
    assert large[0] > small[0] and large[1] > small[1] and large[2] > small[2]


@pytest.mark.django_db
def test_job_list_costs_one_query_at_two_sizes(sasebo, dave, django_assert_num_queries):
    department = Department.objects.filter(parent__isnull=False).first()

    def render():
        # jobs joined with requester, strategy, policy, department and its bureau
        with django_assert_num_queries(1):
            return [(j.requested_by and j.requested_by.username, j.strategy.title, j.basic_policy, str(j.department))
                    for j in selectors.report_job_list()]

    ReportJob.objects.create(requested_by=dave, strategy=sasebo, fiscal_year=2025, as_of=AS_OF, department=department)
    assert len(render()) == 1
    ReportJob.objects.bulk_create(ReportJob(requested_by=dave, strategy=sasebo, fiscal_year=2025, as_of=AS_OF,
                                            department=department) for _ in range(20))
    assert len(render()) == 21
