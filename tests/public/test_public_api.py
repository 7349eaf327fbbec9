"""The public API: anonymous, read-only, the open data's JSON, 404 otherwise, in the schema."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from public import opendata


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_years_and_publication_anonymously(published):
    client = APIClient()
    years = client.get("/api/public/v1/publications/sasebo/sasebo-dx/").json()
    assert [y["fiscal_year"] for y in years] == [2023] and years[0]["fiscal_year_label"] == "令和5年度"
    body = client.get(years[0]["url"]).json()
    assert body == __import__("json").loads(opendata.json_bytes(published.document))


@pytest.mark.parametrize("path", ["sasebo/sasebo-dx/2024/", "sasebo/sasebo-dx/99999999999/", "nowhere/x/",
                                  "sasebo/sasebo-dx/R5/"])
def test_unpublished_is_a_json_404(published, path):
    response = APIClient().get(f"/api/public/v1/publications/{path}")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_writes_are_refused(published):
    assert APIClient().post("/api/public/v1/publications/sasebo/sasebo-dx/2023/", {}).status_code == 405


def test_rate_limited(published, settings):
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = {"public_api": "2/min"}
    try:
        client = APIClient()
        codes = [client.get("/api/public/v1/publications/sasebo/sasebo-dx/").status_code for _ in range(3)]
    finally:
        from rest_framework.settings import api_settings
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 429]


def test_in_the_schema(carol):
    client = APIClient()
    client.force_authenticate(carol)
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "/api/public/v1/publications/{municipality}/{strategy}/{fiscal_year}/" in paths
    assert "/api/public/v1/publications/{municipality}/{strategy}/" in paths
