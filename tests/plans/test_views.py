"""The landing page and the strategy tree: login required, labels from the strategy, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import BasicPolicy, Measure, Step
from projects.models import Project

# Marked, not only asking `db` through a fixture: unmarked tests run after the transactional ones,
# which empty the demo database.
pytestmark = pytest.mark.django_db


def test_pages_require_login(client, sasebo):
    for url in ("/", f"/strategies/{sasebo.code}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


DEMO_TITLES = {"sasebo": ("佐世保市DX戦略",), "nagasaki": ("長崎市DX推進計画", "長崎市第五次総合計画"),
               "miyakonojo": ("都城市DX推進計画",)}


@pytest.mark.parametrize(("username", "cities"), [
    ("erin", {"sasebo"}),  # a city's account: its own city's plans only
    ("nina", {"nagasaki"}),
    ("paula", {"sasebo", "nagasaki"}),  # a wide-area viewer: the granted cities'
    ("oscar", set()),  # the operator, granted none
])
def test_home_lists_the_plans_of_the_users_cities_in_japanese(client, request, username, cities):
    client.force_login(request.getfixturevalue(username))
    response = client.get("/?list=1")
    assert response.status_code == 200
    html = response.content.decode()
    for city, titles in DEMO_TITLES.items():
        for title in titles:
            assert (title in html) is (city in cities), (city, title)
    if "sasebo" in cities:
        assert "令和3年度 (2021年度)" in html


@pytest.mark.parametrize(("username", "code", "status"), [
    ("erin", "sasebo-dx", 200), ("erin", "nagasaki-dx", 404), ("nina", "sasebo-dx", 404),
    ("paula", "nagasaki-dx", 200), ("paula", "miyakonojo-dx", 404), ("oscar", "sasebo-dx", 404),
])
def test_another_citys_plan_tree_is_404_as_a_missing_one(client, request, username, code, status):
    client.force_login(request.getfixturevalue(username))
    assert client.get(f"/strategies/{code}/").status_code == status


def test_home_in_english_shows_western_fiscal_years(client, erin):
    client.force_login(erin)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "FY2021" in response.content.decode()


def test_tree_uses_the_strategy_labels(client, erin, sasebo):
    client.force_login(erin)
    html = client.get(f"/strategies/{sasebo.code}/").content.decode()
    assert "DX重点課題" in html and "課題" in html
    assert "観光2-1-4" in html
    assert "行政経営改革部" in html


def _grow(strategy, factor):
    """Add `factor` copies of a policy with a measure, two steps and three projects."""
    last = Project.objects.filter(strategy=strategy).order_by("-order").first().order
    for i in range(factor):
        policy = BasicPolicy.objects.create(strategy=strategy, code=f"X{i}", order=100 + i, title=f"追加 {i}")
        measure = Measure.objects.create(basic_policy=policy, code="1", title="追加施策")
        Step.objects.bulk_create(Step(measure=measure, code=f"1-{n}", order=n, title="追加") for n in range(2))
        Project.objects.bulk_create(
            Project(strategy=strategy, basic_policy=policy, measure=measure, order=last + 3 * i + n + 1, name="追加")
            for n in range(3)
        )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["/", "/strategies/sasebo-dx/"])
def test_page_queries_do_not_grow_with_the_plan(client, erin, sasebo, page):
    client.force_login(erin)
    small = _count_queries(client, page)
    _grow(sasebo, 10)
    assert _count_queries(client, page) == small


def test_tree_query_count(client, erin, sasebo, django_assert_num_queries):
    client.force_login(erin)
    # session, user, strategy, basic policies, measures, steps, projects under
    # measures, projects outside any measure
    with django_assert_num_queries(8):
        client.get(f"/strategies/{sasebo.code}/")
