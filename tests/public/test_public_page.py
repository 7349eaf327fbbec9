"""The public page: anonymous, from the snapshot, cacheable, fixed queries, public 404s."""

import pytest
from django.utils import timezone

from kpis.models import EntryRound
from plans.models import Role, User
from public.services import publication_publish, publication_withdraw
from tests.factories import grow, small_round
from tests.public.conftest import PAGE


def test_anonymous_reads_the_year_in_japanese(published, client):
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "令和5年度 (2023年度)" in body and "佐世保" in body
    assert "データを活用した事業立案数" in body
    assert "CC BY 4.0" in body
    assert response["Content-Language"] == "ja"
    assert "csrfmiddlewaretoken" not in body and "Set-Cookie" not in response.headers


def test_english_through_the_language_link(published, client):
    response = client.get(PAGE + "?lang=en")
    assert response["Content-Language"] == "en"
    assert "FY2023" in response.content.decode()
    assert 'href="?lang=ja"' in response.content.decode()


def test_cache_headers_and_not_modified(published, client):
    response = client.get(PAGE)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(PAGE + "?lang=en")["ETag"] != etag


def test_latest_year_redirects(published, client):
    response = client.get("/public/sasebo/sasebo-dx/")
    assert response.status_code == 302 and response["Location"] == PAGE


@pytest.mark.parametrize("path", [
    "/public/sasebo/sasebo-dx/2024/", "/public/sasebo/sasebo-dx/99999999999999999999/",
    "/public/sasebo/other/2023/", "/public/nowhere/sasebo-dx/2023/", "/public/sasebo/sasebo-dx/R5/",
    "/public/sasebo/sasebo-dx/2023/open-data.xlsx", "/public/sasebo/sasebo-dx/2024/open-data.csv",
    "/public/%00/", "/public/sasebo/sasebo-dx/2023/../../../etc/passwd",
])
def test_bad_requests_get_the_public_404(published, client, path):
    response = client.get(path)
    assert response.status_code in (404, 400)
    if response.status_code == 404:
        assert "ページが見つかりません" in response.content.decode()
        assert "sasebo-dx" not in response.content.decode()


def test_withdrawn_year_is_gone_and_a_correction_says_so(published, carol, sasebo, client):
    publication_withdraw(user=carol, publication=published, reason="集計誤り")
    assert client.get(PAGE).status_code == 404
    assert client.get(PAGE.replace("/2023/", "/")).status_code == 404
    publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)
    body = client.get(PAGE).content.decode()
    assert "訂正" in body and "集計誤り" in body


def test_year_selector_lists_published_years(published, carol, sasebo, client):
    EntryRound.objects.filter(strategy=sasebo, fiscal_year=2024).update(closed_at=timezone.now())
    publication_publish(user=carol, strategy=sasebo, fiscal_year=2024)
    body = client.get(PAGE).content.decode()
    assert 'href="/public/sasebo/sasebo-dx/2024/"' in body
    assert 'href="/public/sasebo/sasebo-dx/2023/" aria-current="page"' in body


def test_page_costs_two_queries_at_two_sizes(db, client, django_assert_num_queries):
    setup = small_round("pubsize", "規模市", fiscal_year=2024)
    EntryRound.objects.filter(pk=setup.entry_round.pk).update(closed_at=timezone.now())
    dx = User.objects.create_user("pubsize-dx", role=Role.DX_OFFICE, department=setup.department)  # the city's own
    for factor in (1, 10):
        if factor > 1:
            grow(setup.strategy, factor)
        publication = publication_publish(user=dx, strategy=setup.strategy, fiscal_year=2024,
                                          reason="" if factor == 1 else "grown")
        # 1: the strategy's published years (without documents); 2: the year's publication
        # with the one it corrects
        with django_assert_num_queries(2):
            response = client.get("/public/pubsize/pubsize/2024/")
        assert response.status_code == 200
        assert len(publication.document["policies"]) >= factor


def test_head_is_answered_like_get(published, client):
    response = client.head(PAGE)
    assert response.status_code == 200 and response["ETag"] == client.get(PAGE)["ETag"]


def test_later_readers_and_revalidations_cost_one_query(published, client, django_assert_num_queries):
    first = client.get(PAGE)
    # 1: the published years (without documents); the body is kept under its ETag (public.rendered)
    with django_assert_num_queries(1):
        again = client.get(PAGE)
    assert again.content == first.content
    with django_assert_num_queries(1):
        assert client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_new_publication_is_built_ahead_and_a_correction_is_never_served_stale(published, carol, sasebo, client,
                                                                                  django_assert_num_queries):
    from public import rendered

    assert rendered.warm(published.pk) == 4  # two languages, CSV and JSON
    with django_assert_num_queries(1):
        body = client.get(PAGE).content.decode()
    corrected = publication_publish(user=carol, strategy=sasebo, fiscal_year=2023, reason="誤記の訂正")
    assert rendered.warm(published.pk) == 0  # withdrawn: nothing is built for it
    after = client.get(PAGE).content.decode()
    assert after != body and "誤記の訂正" in after
    assert client.get(PAGE)["ETag"] == rendered.etag(corrected, [corrected], "page", "ja")
