"""The PostgreSQL connection dropped in the middle of a request: the request fails cleanly
(503 with a message), nothing is half-written, and the next request works.

A real HTTP request to the live server saves a row: lock it, update it, write its history
row. Just before the history INSERT, another session ends the request's server process
(pg_terminate_backend), as a restart or failover would. The row's UPDATE, already sent,
must be rolled back with the rest; the client is told the connection was lost; the
server opens a fresh connection for the next request, which saves normally.

PostgreSQL only (the point is a server-side session killed mid-transaction; SQLite has
none): skipped on the embedded default, failed when DXPLAN_REQUIRE_REAL_PARTS is set.
"""

import json
import os
import re
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from rest_framework.authtoken.models import Token

from kpis.models import YearlyValue

pytestmark = pytest.mark.postgres
REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))
NEEDS = "needs PostgreSQL: set DATABASE_URL=postgres://…"
HISTORY_INSERT = re.compile(r'^\s*INSERT INTO "kpis_historicalyearlyvalue"')

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] and not REQUIRED:
    pytest.skip(NEEDS, allow_module_level=True)  # before the live server starts


def _other_session():
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True)


@pytest.fixture
def dropped_before_history():
    """Ends, from another session, the server process of the connection about to write a
    yearly value's history row (once); records the statement it interrupted."""
    if connection.vendor != "postgresql":
        pytest.fail(NEEDS)  # DXPLAN_REQUIRE_REAL_PARTS is set: CI must run this
    dropped = []

    def drop(execute, sql, params, many, context):
        if not dropped and isinstance(sql, str) and HISTORY_INSERT.match(sql):
            pid = context["connection"].connection.info.backend_pid
            with _other_session() as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
                deadline = time.monotonic() + 10
                while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                    assert time.monotonic() < deadline, "the terminated session did not end"
                    time.sleep(0.05)
            dropped.append(sql)
        return execute(sql, params, many, context)

    def install(sender, connection, **kwargs):
        connection.execute_wrappers.append(drop)

    # The live server opens a new connection per request (CONN_MAX_AGE 0), so each gets the wrapper.
    connection_created.connect(install, dispatch_uid="faults-drop-connection")
    yield dropped
    connection_created.disconnect(dispatch_uid="faults-drop-connection")


def _save(url, token, payload):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, dict(error.headers), error.read()
    return status, headers, json.loads(raw) if "json" in headers.get("Content-Type", "") else raw.decode()


def test_a_save_whose_connection_drops_fails_cleanly_and_writes_nothing(scene, live_server, dropped_before_history):
    value = scene["value"]
    before = YearlyValue.objects.get(pk=value.pk)
    history_before = before.history.count()
    token = Token.objects.create(user=scene["users"]["staff"]).key
    url = f"{live_server.url}/api/v1/yearly-values/{value.pk}/save/"

    status, headers, body = _save(url, token, {"actual": "77", "comment": "途中で切断", "version": before.version})

    assert dropped_before_history, "the connection was not dropped: the test proved nothing"
    assert status == 503, body
    assert body == {"detail": "処理中にデータベースとの接続が切れました。ページを再読み込みして保存内容を確認してから、"
                              "もう一度お試しください。"}
    assert headers.get("Retry-After") == "5"
    after = YearlyValue.objects.get(pk=value.pk)
    assert (after.version, after.actual_number, after.comment, after.status) == (
        before.version, before.actual_number, before.comment, before.status)
    assert after.history.count() == history_before

    status, _, body = _save(url, token, {"actual": "77", "comment": "再送", "version": before.version})
    assert status == 200, body  # a fresh connection: the same save now goes through
    assert body["version"] == before.version + 1
    assert YearlyValue.objects.get(pk=value.pk).comment == "再送"
