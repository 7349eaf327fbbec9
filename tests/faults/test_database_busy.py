"""A real lock timeout on PostgreSQL answers 503 "busy, please retry" (issue 14), not the
"connection lost" message: another session holds the row's lock, the save waits
lock_timeout for it and gives up (SQLSTATE 55P03); nothing is written, and the same save
succeeds once the lock is released.

PostgreSQL only: skipped on the embedded default, failed when DXPLAN_REQUIRE_REAL_PARTS is set.
The classification of every kind (deadlock, serialization failure, SQLite's "database is
locked") is in tests/dxplan/test_database_errors.py."""

import os

import pytest
from django.conf import settings
from django.db import connection

from kpis.models import YearlyValue
from tests.faults.test_connection_dropped import NEEDS, _other_session

pytestmark = pytest.mark.postgres
REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] and not REQUIRED:
    pytest.skip(NEEDS, allow_module_level=True)


def test_a_save_that_waits_too_long_for_a_lock_answers_busy(scene, client):
    if connection.vendor != "postgresql":
        pytest.fail(NEEDS)
    value = scene["value"]
    client.force_login(scene["users"]["staff"])
    url = f"/api/v1/yearly-values/{value.pk}/save/"
    payload = {"actual": "9", "comment": "待ちきれず", "version": value.version}
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")  # the test client's requests use this connection
    with _other_session() as other, other.transaction():
        other.execute("SELECT id FROM kpis_yearlyvalue WHERE id = %s FOR UPDATE", [value.pk])
        response = client.post(url, payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 503, response.content
    assert response.json() == {"detail": "データベースがほかの更新の処理中のため、この操作を完了できませんでした"
                                         "（何も保存されていません）。数秒後にもう一度お試しください。"}
    assert response["Retry-After"] == "5"
    stored = YearlyValue.objects.get(pk=value.pk)
    assert (stored.version, stored.comment) == (value.version, value.comment)

    response = client.post(url, payload, content_type="application/json")  # the lock is released
    assert response.status_code == 200, response.content
    assert YearlyValue.objects.get(pk=value.pk).comment == "待ちきれず"
