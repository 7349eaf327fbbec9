"""The read API: authentication, fixed query counts at two sizes, filters, values and grades."""

import csv
import re
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kpis.models import Indicator
from plans.models import Department
from projects.models import Project
from tests.factories import grow

KPIS_CSV = "/work/shared/data/sasebo/kpis.csv"

LIST_URLS = [
    "/api/v1/departments/",
    "/api/v1/strategies/",
    "/api/v1/basic-policies/",
    "/api/v1/measures/",
    "/api/v1/steps/",
    "/api/v1/projects/",
    "/api/v1/indicators/",
    "/api/v1/yearly-values/",
]


@pytest.fixture
def api(erin):
    client = APIClient()
    client.force_authenticate(erin)  # no session or token queries: the counts below are the endpoint's own
    return client


def _get(api, url, **params):
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- authentication -------------------------------------------------------------------------


def test_anonymous_is_refused_everywhere(db, sasebo):
    client = APIClient()
    detail_urls = [f"/api/v1/strategies/{sasebo.code}/", f"/api/v1/strategies/{sasebo.code}/tree/"]
    for url in LIST_URLS + detail_urls + ["/api/v1/", "/api/schema/", "/api/docs/"]:
        assert client.get(url).status_code in (401, 403), url


def test_token_authentication(erin):
    token = Token.objects.create(user=erin)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/strategies/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    # 401: the token authenticator comes first, so DRF sends its challenge (WWW-Authenticate: Token).
    assert client.get("/api/v1/strategies/").status_code == 401


# --- query counts at two sizes --------------------------------------------------------------

# Each list is paginated: a COUNT(*) and the page, then one query per prefetched relation.
QUERIES = {
    "/api/v1/departments/": 2,  # count; departments + municipality
    "/api/v1/strategies/": 3,  # count; strategies + municipality + node counts; phases
    "/api/v1/basic-policies/": 4,  # count; policies + strategy; co-departments; categories
    "/api/v1/measures/": 4,  # count; measures + policy + strategy; co-departments; categories
    "/api/v1/steps/": 3,  # count; steps + measure + policy + strategy; step years
    "/api/v1/projects/": 5,  # count; projects + strategy; years; co-departments; categories
    "/api/v1/indicators/": 4,  # count; indicators + strategy + department; values; revisions
    "/api/v1/yearly-values/": 2,  # count; values + indicator + strategy
    # strategy; basic policies + lead department + indicator count; measures; steps;
    # projects under measures (+ department + bureau); projects outside any measure
    "/api/v1/strategies/sasebo-dx/tree/": 6,
}


@pytest.mark.parametrize("url", QUERIES)
def test_queries_do_not_grow_with_the_data(api, sasebo, url, django_assert_num_queries):
    params = {"strategy": "sasebo-dx"} if url not in ("/api/v1/departments/", "/api/v1/strategies/") else {}
    with django_assert_num_queries(QUERIES[url]):
        api.get(url, params)
    grow(sasebo, factor=10)
    with django_assert_num_queries(QUERIES[url]):
        response = api.get(url, params)
    assert response.status_code == 200


def test_grown_pages_are_full(api, sasebo):
    grow(sasebo, factor=10)
    count = _get(api, "/api/v1/indicators/", strategy="sasebo-dx", limit=1)["count"]
    assert count > 1000
    data = _get(api, "/api/v1/indicators/", strategy="sasebo-dx", offset=count - 100)  # synthetic rows sort last
    assert len(data["results"]) == 100
    assert any(indicator["target_revisions"] for indicator in data["results"])


def test_strategies_carry_their_node_counts(api, sasebo):
    (strategy,) = [s for s in _get(api, "/api/v1/strategies/")["results"] if s["code"] == "sasebo-dx"]
    indicators = Indicator.objects.filter(strategy=sasebo).count()
    assert (strategy["basic_policy_count"], strategy["project_count"], strategy["indicator_count"]) == (
        12, 106, indicators,
    )
    assert strategy["first_fiscal_year"] == 2021 and strategy["grade_bands"][0] == {"grade": "A", "min_rate": "100"}


# --- the tree -------------------------------------------------------------------------------


def _tree_projects(tree):
    for policy in tree["basic_policies"]:
        yield from policy["projects"]
        for measure in policy["measures"]:
            yield from measure["projects"]
            for step in measure["steps"]:
                yield from step["projects"]
    yield from tree["projects"]


def test_tree_nests_every_project_once(api, sasebo):
    tree = _get(api, "/api/v1/strategies/sasebo-dx/tree/")
    assert tree["labels"] == {"basic_policy": "DX重点課題", "measure": "課題", "step": "ステップ", "project": "プロジェクト"}
    assert len(tree["basic_policies"]) == 12
    ids = [project["id"] for project in _tree_projects(tree)]
    assert sorted(ids) == sorted(Project.objects.filter(strategy=sasebo).values_list("pk", flat=True))
    assert len(ids) == 106
    assert len(tree["projects"]) == 3  # 2 推進課題 + 1 しかけ, outside the focus issues
    assert sum(project["leading"] for project in _tree_projects(tree)) == 27


# --- filters --------------------------------------------------------------------------------


def _sasebo_kpis():
    with open(KPIS_CSV, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_filter_by_strategy_and_kind(api, sasebo):
    assert _get(api, "/api/v1/indicators/", strategy="sasebo-dx", kind="kpi")["count"] == 44
    assert _get(api, "/api/v1/indicators/", strategy="no-such-plan")["count"] == 0


def test_filter_by_fiscal_year(api, sasebo):
    # KPIs with a planned or actual cell in R5 (FY2023): the demo stores a row for those.
    expected = sum(1 for row in _sasebo_kpis() if row["planned_R5"] or row["actual_R5"])
    assert expected == 38
    values = _get(api, "/api/v1/yearly-values/", strategy="sasebo-dx", kind="kpi", fiscal_year=2023)
    assert values["count"] == expected
    assert {value["fiscal_year"] for value in values["results"]} == {2023}
    assert _get(api, "/api/v1/indicators/", strategy="sasebo-dx", kind="kpi", fiscal_year=2023)["count"] == expected


def test_filter_by_department_includes_its_divisions(api, sasebo):
    bureau = Department.objects.get(municipality__code="sasebo", name="行政経営改革部")
    division = Department.objects.get(municipality__code="sasebo", name="DX推進課")
    assert _get(api, "/api/v1/projects/", strategy="sasebo-dx", department=bureau.pk)["count"] == 32
    Project.objects.filter(strategy=sasebo, lead_department__name="観光商工部").update(lead_department=division)
    assert _get(api, "/api/v1/projects/", strategy="sasebo-dx", department=bureau.pk)["count"] == 32 + 14
    assert _get(api, "/api/v1/projects/", strategy="sasebo-dx", department=division.pk)["count"] == 14


def test_filter_leading_and_tree_levels(api, sasebo):
    assert _get(api, "/api/v1/projects/", strategy="sasebo-dx", leading="true")["count"] == 27
    policy = _get(api, "/api/v1/basic-policies/", strategy="sasebo-dx", limit=1)["results"][0]
    measures = _get(api, "/api/v1/measures/", basic_policy=policy["id"])["results"]
    assert measures and {m["basic_policy"] for m in measures} == {policy["id"]}
    # Indicators under a basic policy: its KPIs (on its measures) and its projects' activity indicators.
    under_policy = _get(api, "/api/v1/indicators/", basic_policy=policy["id"], limit=500)["results"]
    under_measures = [i for m in measures for i in _get(api, "/api/v1/indicators/", measure=m["id"])["results"]]
    assert sorted(i["id"] for i in under_policy) == sorted(i["id"] for i in under_measures)


def test_bad_filter_value_is_a_400(api, sasebo):
    assert api.get("/api/v1/indicators/", {"kind": "nonsense"}).status_code == 400


# --- values, achievement and grades ---------------------------------------------------------


def _indicator(api, name):
    results = _get(api, "/api/v1/indicators/", strategy="sasebo-dx", kind="kpi", limit=100)["results"]
    (indicator,) = [i for i in results if i["name"] == name]
    return indicator, {value["fiscal_year"]: value for value in indicator["values"]}


def test_not_applicable_is_a_state_not_a_number(api, sasebo):
    # 都市整備 #1: planned R7 and R8 are printed 「－」.
    _, values = _indicator(api, "リアルタイムで取得する情報の利用率")
    assert values[2025]["planned"] == {"state": "na", "number": None, "text": "", "display": "－"}
    assert values[2025]["achievement_rate"] is None and values[2025]["grade"] == "－"
    assert values[2027]["planned"]["number"] == "100"


@pytest.mark.parametrize(
    ("name", "planned", "actual", "rate", "grade"),
    [
        # lower is better: planned / actual = 85.0 / 81.7 = 1.04039… → 104.0 %, A (≥ 100)
        ("ペーパーレス度（令和3年度印刷枚数量との比較）", "85.0", "81.7", "104.0", "A"),
        # higher is better: 82.5 / 100 → 82.5 %, B (≥ 80)
        ("広聴システムでの満足度", "100", "82.5", "82.5", "B"),
        # 0 / 30 → 0.0 %, C
        ("IoTを活用した漁業者数", "30", "0", "0.0", "C"),
    ],
)
def test_achievement_of_known_sasebo_kpis_in_r5(api, sasebo, name, planned, actual, rate, grade):
    (row,) = [row for row in _sasebo_kpis() if row["kpi_name"] == name]
    assert (row["planned_R5"], row["actual_R5"]) == (planned, actual)  # the hand computation's inputs
    rate_by_hand = (
        Decimal(planned) / Decimal(actual) if row["direction"] == "down" else Decimal(actual) / Decimal(planned)
    )
    assert (rate_by_hand * 100).quantize(Decimal("0.1")) == Decimal(rate)
    _, values = _indicator(api, name)
    value = values[2023]
    assert value["planned"]["number"] == planned and value["actual"]["number"] == actual
    assert (value["achievement_rate"], value["grade"]) == (rate, grade)


def test_flat_values_carry_rate_and_grade(api, sasebo):
    values = _get(api, "/api/v1/yearly-values/", strategy="sasebo-dx", kind="kpi", fiscal_year=2023, limit=100)
    by_grade = {value["grade"] for value in values["results"]}
    assert by_grade <= {"A", "B", "C", "－"} and {"A", "B", "C"} <= by_grade


def test_target_revisions_are_listed(api, sasebo, dave):
    from kpis.models import YearlyValue
    from kpis.services import yearly_value_revise_plan

    value = YearlyValue.objects.get(indicator__name="広聴システムでの満足度", fiscal_year=2025)
    yearly_value_revise_plan(yearly_value=value, planned="95", reason="満足度調査の見直し", user=dave)
    indicator, _ = _indicator(api, "広聴システムでの満足度")
    (revision,) = indicator["target_revisions"]
    assert revision["fiscal_year"] == 2025 and revision["reason"] == "満足度調査の見直し"
    assert (revision["old"]["display"], revision["new"]["display"], revision["revised_by"]) == ("100", "95", "dave")


# --- schema and docs ------------------------------------------------------------------------


def test_schema_and_docs_are_served_from_this_host(client, erin):
    client.force_login(erin)
    assert client.get("/api/schema/").status_code == 200
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", html))
    assert hosts <= {"testserver"}, hosts
