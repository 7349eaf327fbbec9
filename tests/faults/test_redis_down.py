"""Redis (the cache and the Celery broker) on a closed port: nothing answers 500, nothing lies.

The cache is an optimisation, so pages are computed uncached and a committed write says
so; a job the broker cannot take is failed at once with a message, never left queued;
the health check names the broker and the cache as unavailable. Needs no service at all
(the port is closed on purpose), so it runs on the embedded default too. Transactional:
the write must really commit, for the cache invalidation after commit to run.
"""

import logging
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from imports.models import ImportRun
from kpis.models import YearlyValue
from reports.models import JobStatus, ReportJob
from tests.faults.conftest import PASSWORD

UNAVAILABLE_JA = "バックグラウンド処理サービスに接続できません。しばらくしてから再度お試しください。"
UNAVAILABLE_EN = "The background service is unavailable. Try again in a while."


@pytest.fixture
def login(client):
    def as_user(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client
    return as_user


def test_a_committed_save_answers_200_with_the_saved_version(scene, redis_down, login):
    value = scene["value"]
    client = login(scene["users"]["staff"])
    response = client.post(f"/api/v1/yearly-values/{value.pk}/save/",
                           {"actual": "42", "comment": "保存", "version": value.version}, content_type="application/json")
    assert response.status_code == 200, response.content
    stored = YearlyValue.objects.get(pk=value.pk)
    assert stored.version == value.version + 1 and stored.comment == "保存"
    assert response.json()["version"] == stored.version


def test_dashboards_render_uncached_and_the_outage_is_logged_once(scene, redis_down, login, caplog):
    client = login(scene["users"]["dx"])
    code = scene["strategy"].code
    with caplog.at_level(logging.WARNING, logger="dxplan.cache"):
        for url in (f"/dashboards/{code}/", f"/dashboards/{code}/indicators/", f"/dashboards/{code}/compare/",
                    f"/dashboards/{code}/indicators/{scene['value'].indicator_id}/"):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert "故障テスト計画" in response.content.decode(), url
    outages = [r for r in caplog.records if r.name == "dxplan.cache"]
    assert len(outages) == 1 and "cache unavailable" in outages[0].getMessage()


def test_a_report_job_the_broker_cannot_take_fails_at_once_with_the_message(scene, redis_down, login):
    client = login(scene["users"]["dx"])
    response = client.post(reverse("reports:create"), {
        "strategy": scene["strategy"].pk, "fiscal_year": 2024, "kind": "report", "file_format": "xlsx",
        "basic_policy": "", "department": "",
    }, follow=True)
    assert response.status_code == 200
    job = ReportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    _said_in_one_language(job)
    page = response.content.decode()  # the page says it (flash message and the list), in Japanese only
    assert page.count(UNAVAILABLE_JA) == 2 and UNAVAILABLE_EN not in page

    response = client.post(reverse("reports:retry", args=[job.pk]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")  # still down: fails again
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    _said_in_one_language(job)
    page = response.content.decode()  # an English reader reads it in English only
    assert page.count(UNAVAILABLE_EN) == 2 and UNAVAILABLE_JA not in page


def _said_in_one_language(row):
    """The row keeps the message so each reader reads it in their language, never both."""
    with translation.override("ja"):
        assert row.shown_message == UNAVAILABLE_JA
    with translation.override("en"):
        assert row.shown_message == UNAVAILABLE_EN


def test_an_import_run_the_broker_cannot_take_fails_at_once_with_the_message(scene, redis_down, login):
    client = login(scene["users"]["admin"])
    upload = SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 not read: the preview is never queued")
    response = client.post(reverse("imports:upload"), {"file": upload, "strategy_code": "faults"}, follow=True)
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.finished_at is not None
    _said_in_one_language(run)
    page = response.content.decode()
    assert UNAVAILABLE_JA in page and UNAVAILABLE_EN not in page
    page = client.get(reverse("imports:detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert UNAVAILABLE_EN in page and UNAVAILABLE_JA not in page


def test_health_check_names_the_broker_and_the_cache_down(scene, redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200  # the database answers: pages still work
    assert response.content.decode() == "degraded\ndatabase: ok\nbroker: unavailable\ncache: unavailable\n"


def test_a_data_version_that_did_not_reach_the_cache_is_replaced_at_the_next_contact(monkeypatch):
    """A write during the outage could not replace the dashboards' data version; once the cache
    answers again this process replaces it before reading any count, so none older is served."""
    from django.core.cache import caches

    from dxplan.cache import DegradingRedisCache
    from reports.dashboards import cache as dashboard_cache
    from tests.faults.conftest import CLOSED_PORT_URL

    reachable = caches.create_connection("default")
    monkeypatch.setattr(dashboard_cache, "cache", reachable)
    monkeypatch.setattr(dashboard_cache, "_process_started", True)
    dashboard_cache.new_version()
    before = reachable.get(dashboard_cache.VERSION_KEY)
    assert dashboard_cache._version() == before

    monkeypatch.setattr(dashboard_cache, "cache", DegradingRedisCache(CLOSED_PORT_URL, {}))
    dashboard_cache.new_version()  # a committed write while Redis is down: the new token is lost

    monkeypatch.setattr(dashboard_cache, "cache", reachable)  # Redis answers again, the old token still there
    assert reachable.get(dashboard_cache.VERSION_KEY) == before
    assert dashboard_cache._version() not in (before, None)


def test_health_check_with_the_real_parts_up_says_ok(client, db):
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        if os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"):
            pytest.fail("DXPLAN_REQUIRE_REAL_PARTS is set but the broker is not Redis")
        pytest.skip("needs Redis (CELERY_BROKER_URL=redis://…)")
    response = client.get("/healthz")
    assert (response.status_code, response.content.decode()) == (
        200, "ok\ndatabase: ok\nbroker: ok\ncache: ok\n")
