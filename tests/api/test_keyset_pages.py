"""/api/v1/yearly-values/ pages by cursor (issue 16): the first page counts, its `next` link and
every one after it carry ?cursor= and run no COUNT(*); the pages together are the listing in
its order, once each; ?offset= still works for old scripts; a forged cursor is a 400."""

from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/yearly-values/"


@pytest.fixture
def api(erin):
    client = APIClient()
    client.force_authenticate(erin)
    return client


def _params(link) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def test_cursor_pages_cover_the_listing_in_order_without_counting(api, django_assert_num_queries):
    first = api.get(URL, {"strategy": "sasebo-dx", "limit": 100}).json()
    assert first["count"] > 300 and "cursor" in _params(first["next"])
    everything = api.get(URL, {"strategy": "sasebo-dx", "limit": 500, "offset": 0}).json()
    expected = [row["id"] for row in everything["results"]]
    while everything["next"]:
        everything = api.get(URL, _params(everything["next"])).json()
        expected += [row["id"] for row in everything["results"]]
    seen, page = [row["id"] for row in first["results"]], first
    while page["next"]:
        # values + indicator + strategy, after the cursor: no COUNT(*)
        with django_assert_num_queries(1):
            page = api.get(URL, _params(page["next"])).json()
        assert page["count"] is None and page["previous"] is None
        seen += [row["id"] for row in page["results"]]
    assert seen == expected and len(seen) == first["count"]


def test_offset_pages_keep_counting_and_go_on_by_offset(api):
    page = api.get(URL, {"limit": 10, "offset": 10}).json()
    assert page["count"] > 10 and _params(page["next"])["offset"] == "20" and "cursor" not in _params(page["next"])


@pytest.mark.parametrize("cursor", ["abc", "W10", "WyJhIl0", "WzEsMiwzLDQsdHJ1ZV0"])  # junk, [], ["a"], [1,2,3,4,true]
def test_a_forged_cursor_is_refused(api, cursor):
    response = api.get(URL, {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()
