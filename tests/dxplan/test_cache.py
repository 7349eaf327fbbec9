"""dxplan.cache: Redis errors become misses, logged once per outage, retried after a pause."""

import logging

import pytest
from django.conf import settings

from dxplan import cache as degrading
from dxplan.cache import DegradingRedisCache

CLOSED = "redis://127.0.0.1:1/3"


@pytest.fixture(autouse=True)
def fresh_outages(monkeypatch):
    monkeypatch.setattr(degrading, "OUTAGES", degrading._Outages())


def _cache(location):
    return DegradingRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_an_unreachable_redis_answers_like_an_empty_cache_and_logs_once(caplog):
    cache = _cache(CLOSED)
    with caplog.at_level(logging.INFO, logger="dxplan.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.set("k", 1) is False  # the caller can tell the value was lost
        assert cache.add("k", 1) is False and cache.has_key("k") is False
        assert cache.get_many(["a", "b"]) == {} and cache.delete("k") is False
        assert cache.ping() is False
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["cache unavailable"]


def test_during_the_pause_redis_is_not_tried_again(monkeypatch):
    cache = _cache(CLOSED)
    assert cache.get("k") is None
    tried = []
    monkeypatch.setattr(DegradingRedisCache.__mro__[1], "get", lambda *args: tried.append(args))
    assert cache.get("k") is None
    assert tried == []  # within RETRY_AFTER of the failure
    monkeypatch.setattr(degrading, "RETRY_AFTER", 0)
    cache.get("k")
    assert len(tried) == 1  # the pause over, it is tried again


def test_a_reachable_redis_works_and_the_end_of_an_outage_is_logged(caplog, monkeypatch):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis (CELERY_BROKER_URL=redis://…)")
    cache = _cache(settings.CELERY_BROKER_URL)
    degrading.OUTAGES.failed(cache._location, "get", OSError("an earlier outage"))
    monkeypatch.setattr(degrading, "RETRY_AFTER", 0)
    caplog.clear()
    try:
        with caplog.at_level(logging.INFO, logger="dxplan.cache"):
            assert cache.set("dxplan-test-cache", 7, 30) is None and cache.get("dxplan-test-cache") == 7
            assert cache.ping() is True
    finally:
        cache.delete("dxplan-test-cache")
    assert [r.getMessage() for r in caplog.records] == ["cache reachable again"]
