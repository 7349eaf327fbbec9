"""Numeric query parameters of the API: page sizes are capped, and a value that is not a whole
number in range answers 400 naming the parameter (plans.api_query)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(erin):
    client = APIClient()
    client.force_authenticate(erin)
    return client


def test_a_page_holds_at_most_500_rows(api):
    response = api.get("/api/v1/yearly-values/", {"limit": 500})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 500
    assert response.json()["count"] > 500


@pytest.mark.parametrize("params", [
    {"limit": "100000"}, {"limit": "9223372036854775808"}, {"limit": "0"}, {"limit": "-1"}, {"limit": "2.5"},
    {"limit": "abc"}, {"offset": "-1"}, {"offset": "9223372036854775808"}, {"offset": "1e3"},
])
def test_page_size_and_offset_out_of_range_are_refused(api, params):
    response = api.get("/api/v1/yearly-values/", params)
    assert response.status_code == 400
    (name,) = params
    assert list(response.json()) == [name]
    assert name in response.json()[name][0]


@pytest.mark.parametrize("url, params", [
    ("/api/v1/yearly-values/", {"indicator": "9223372036854775808"}),
    ("/api/v1/yearly-values/", {"measure": "-3"}),
    ("/api/v1/yearly-values/", {"fiscal_year": "99999999999999999999"}),
    ("/api/v1/indicators/", {"basic_policy": "1.5"}),
    ("/api/v1/indicators/", {"fiscal_year": "1e400"}),
    ("/api/v1/projects/", {"department": "9223372036854775808"}),
    ("/api/v1/entry-rounds/", {"fiscal_year": "-2025"}),
    ("/api/v1/steps/", {"measure": "x"}),
])
def test_ids_and_fiscal_years_out_of_range_are_refused(api, url, params):
    response = api.get(url, params)
    assert response.status_code == 400, response.content
    assert list(response.json()) == list(params)


def test_a_fiscal_year_filter_in_range_still_filters(api):
    rows = api.get("/api/v1/yearly-values/", {"fiscal_year": 2023, "limit": 5}).json()["results"]
    assert rows and {row["fiscal_year"] for row in rows} == {2023}


def test_the_schema_states_the_bounds(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/yearly-values/"]["get"]["parameters"]}
    assert parameters["limit"]["maximum"] == 500
    assert parameters["indicator"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert parameters["fiscal_year"]["type"] == "integer"
