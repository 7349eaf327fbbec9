"""Fixtures of the fault suite: a small plan made by the test (these tests commit, so they
run on a transactional database that earlier such tests may have flushed), and the parts
turned off: Redis (cache and broker) pointed at a closed port.

The marker `faults` (pyproject.toml) is set on every test here: `pytest -m faults`."""


import pytest

import dxplan.cache
from dxplan.celery import app as celery_app
from plans.models import Role, User
from tests.factories import small_round
from tests.faults.killed_workers import workers  # noqa: F401 - the fixture: real workers of the killed-worker tests
from tests.reports.conftest import media  # noqa: F401 - the fixture: stored reports in a folder of the test

CLOSED_PORT_URL = "redis://127.0.0.1:1/3"  # nothing listens on port 1: every connection is refused
PASSWORD = "fault-password-1234"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def scene(transactional_db):
    """One strategy with one KPI row in an open round; a staff member of its department,
    a DX-office member and an administrator."""
    built = small_round("faults", "故障市")
    department, strategy, value = built.department, built.strategy, built.value
    users = {
        "staff": User.objects.create_user(username="f-staff", password=PASSWORD, role=Role.STAFF,
                                          department=department),
        "dx": User.objects.create_user(username="f-dx", password=PASSWORD, role=Role.DX_OFFICE,
                                       municipality=department.municipality),
        "admin": User.objects.create_user(username="f-admin", password=PASSWORD, role=Role.ADMIN,
                                          municipality=department.municipality),
    }
    return {"strategy": strategy, "value": value, "users": users}


def _reset_broker_connections():
    # Celery keeps a pool of broker connections and producers built from broker_url.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache and the Celery broker on a closed port, as the settings make them from
    CELERY_BROKER_URL / DXPLAN_CACHE_URL, with the dashboards' shared cache on; an outage
    this process has not seen yet (so its one log line is this test's)."""
    monkeypatch.setattr(dxplan.cache, "OUTAGES", dxplan.cache._Outages())
    settings.CACHES = {"default": {"BACKEND": "dxplan.cache.DegradingRedisCache", "LOCATION": CLOSED_PORT_URL,
                                   "KEY_PREFIX": "dxplan", "OPTIONS": {"socket_connect_timeout": 0.5}}}
    settings.DXPLAN_DASHBOARD_CACHE = True
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    # Celery reads CELERY_BROKER_URL from the environment before its configuration: set both.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_URL)
    celery_app.conf.update(broker_url=CLOSED_PORT_URL, task_always_eager=False)
    _reset_broker_connections()
    yield
    celery_app.conf.update(previous)
    _reset_broker_connections()
