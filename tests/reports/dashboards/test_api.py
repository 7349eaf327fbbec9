"""The JSON behind the dashboards: same figures, same visibility, read only."""

import plotly.graph_objects as go
import pytest
from rest_framework.test import APIClient

from kpis.models import EntryStatus, YearlyValue


@pytest.fixture
def api():
    return APIClient()


def get(api, user, url):
    api.force_authenticate(user)
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def test_anonymous_requests_are_refused(api, page_urls):
    for url in ("/api/v1/dashboards/", "/api/v1/dashboards/sasebo-dx/", "/api/v1/dashboards/sasebo-dx/roadmap/"):
        assert api.get(url).status_code in (401, 403), url


def test_read_only(api, carol):
    api.force_authenticate(carol)
    assert api.post("/api/v1/dashboards/sasebo-dx/", {}).status_code == 405
    assert api.delete("/api/v1/dashboards/sasebo-dx/").status_code == 405


def test_overview_json_matches_the_page(api, client, carol):
    data = get(api, carol, "/api/v1/dashboards/sasebo-dx/?fy=2023")
    assert data["fiscal_year"] == {"fiscal_year": 2023, "label": "令和5年度 (2023年度)", "english": "FY2023"}
    assert data["labels"]["basic_policy"] == "DX重点課題"
    assert sum(data["distribution"].values()) == data["total"] == 150
    assert len(data["basic_policies"]) == 12
    assert {p["group"] for p in data["basic_policies"]} == {"まちづくり", "行政経営"}
    for name in ("grades", "kinds", "policies"):
        go.Figure(data["figures"][name])
    client.force_login(carol)
    page = client.get("/dashboards/sasebo-dx/?fy=2023").content.decode()
    for grade, count in data["distribution"].items():
        assert f"<td class=\"num\">{count}</td>" in page, grade


def test_indicator_json_has_the_chart_and_the_projection(api, carol, paperless):
    data = get(api, carol, f"/api/v1/dashboards/sasebo-dx/indicators/{paperless.pk}/")
    chart = data["figures"]["chart"]
    go.Figure(chart)
    actual = next(t for t in chart["data"] if t["meta"] == "actual")
    assert actual["y"][:3] == [100.0, 95.1, 81.7]
    by_year = {v["fiscal_year"]: v for v in data["values"]}
    assert by_year[2023]["actual"] == "81.7" and by_year[2023]["grade"] == "A"  # 85 / 81.7 = 104.0 %
    assert data["projection"]["target"] == {"fiscal_year": 2027, "value": "30.0"}
    assert data["projection"]["reaches_target"] is False


def test_unapproved_values_are_null_for_those_who_may_not_see_them(api, carol, erin, paperless):
    YearlyValue.objects.filter(indicator=paperless, fiscal_year=2023).update(status=EntryStatus.SUBMITTED)
    url = f"/api/v1/dashboards/sasebo-dx/indicators/{paperless.pk}/"
    assert {v["fiscal_year"]: v["actual"] for v in get(api, carol, url)["values"]}[2023] == "81.7"
    hidden = {v["fiscal_year"]: v for v in get(api, erin, url)["values"]}[2023]
    assert hidden["actual"] is None and hidden["grade"] == "－" and hidden["achievement_rate"] is None
    actual = next(t for t in get(api, erin, url)["figures"]["chart"]["data"] if t["meta"] == "actual")
    assert actual["y"][2] is None
    assert get(api, erin, "/api/v1/dashboards/sasebo-dx/?fy=2023")["hidden"] == 1


def test_lists_compare_roadmap_policy_and_department(api, erin, tourism, sasebo):
    behind = get(api, erin, "/api/v1/dashboards/sasebo-dx/indicators/?fy=2023&grade=behind")["indicators"]
    assert behind["count"] == len(behind["results"]) > 0
    assert {r["grade"] for r in behind["results"]} <= {"B", "C"}
    compare = get(api, erin, "/api/v1/dashboards/sasebo-dx/compare/?fy=2023&fy2=2022")
    assert [y["fiscal_year"] for y in compare["years"]] == [2023, 2022]
    roadmap = get(api, erin, "/api/v1/dashboards/sasebo-dx/roadmap/?leading=1")["rows"]
    projects = [r for r in roadmap["results"] if r["type"] == "project"]
    assert len(projects) == sasebo.projects.filter(leading=True, measure__isnull=False).count()
    policy = sasebo.basic_policies.get(short_name="観光")
    data = get(api, erin, f"/api/v1/dashboards/sasebo-dx/policies/{policy.pk}/?fy=2023")
    assert len(data["measures"]) == policy.measures.count()
    data = get(api, erin, f"/api/v1/dashboards/sasebo-dx/departments/{tourism.pk}/?fy=2023")
    assert data["department"]["name"] == "観光商工部"
    assert data["total"] == sasebo.indicators.filter(responsible_department=tourism).count()


def test_bad_filters_are_a_400_with_the_reason(api, erin):
    api.force_authenticate(erin)
    response = api.get("/api/v1/dashboards/sasebo-dx/?fy=1999")
    assert response.status_code == 400
    assert "1999" in response.json()["errors"][0]
    assert api.get("/api/v1/dashboards/no-such-plan/").status_code == 404


def test_schema_documents_the_dashboards(api, erin):
    api.force_authenticate(erin)
    schema = api.get("/api/schema/?format=json").json()
    assert "/api/v1/dashboards/{code}/indicators/{indicator_id}/" in schema["paths"]


@pytest.mark.parametrize("value", ["xyz", "2", "yes"])
def test_a_leading_filter_that_is_not_yes_or_no_is_a_400(api, erin, value):
    api.force_authenticate(erin)
    response = api.get("/api/v1/dashboards/sasebo-dx/roadmap/", {"leading": value})
    assert response.status_code == 400
    assert value in response.json()["errors"][0]


@pytest.mark.parametrize("value", ["true", "1", "True", "on"])
def test_leading_as_true_one_or_a_ticked_box_filters(api, erin, sasebo, value):
    rows = get(api, erin, f"/api/v1/dashboards/sasebo-dx/roadmap/?leading={value}&limit=500")["rows"]
    projects = [r for r in rows["results"] if r["type"] == "project"]
    assert len(projects) == sasebo.projects.filter(leading=True, measure__isnull=False).count() > 0
