"""Dashboard pages and their API read numeric query parameters without a 500: a value they
cannot use is named in a message (pages) or a 400 (API) (issue 14, defect 4)."""

import pytest
from rest_framework.test import APIClient

HOSTILE = [
    {"fy": "99999999999999999999"}, {"fy": "-1"}, {"page": "99999999999999999999"}, {"page": "-3"},
    {"department": "9223372036854775808"}, {"category": "1e9"}, {"policy": "-1"}, {"fy2": "abc"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_pages_fall_back_with_a_message(client, erin, params):
    client.force_login(erin)
    for path in ("/dashboards/sasebo-dx/", "/dashboards/sasebo-dx/indicators/", "/dashboards/sasebo-dx/roadmap/"):
        response = client.get(path, params)
        assert response.status_code in (200, 400), (path, params, response.status_code)


@pytest.mark.parametrize("params", HOSTILE)
def test_the_dashboard_api_answers_400_or_200(erin, params):
    api = APIClient()
    api.force_authenticate(erin)
    response = api.get("/api/v1/dashboards/sasebo-dx/indicators/", params)
    assert response.status_code in (200, 400), (params, response.status_code)
