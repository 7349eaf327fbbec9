"""Database errors answered for what they are (issue 14): a lost connection and a busy
database (deadlock, serialization failure, lock timeout, SQLite's "database is locked")
get a 503 with their own message and Retry-After; any other database error is a fault and
propagates (500). JSON under /api/, an HTML page otherwise, in the user's language.

The errors are raised where the driver raises them, as Django wraps them (a Django
OperationalError whose cause is the driver's error, with its SQLSTATE), on the statement
the view sends; tests/faults/test_database_busy.py makes a real lock timeout on PostgreSQL,
and tests/faults/test_connection_dropped.py a real dropped connection."""

import re
import sqlite3

import psycopg
import psycopg.errors
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from dxplan.unavailable import BUSY, LOST, classify
from kpis.models import YearlyValue
from plans.models import Role, User
from tests.factories import small_round

BUSY_JA = "データベースがほかの更新の処理中のため、この操作を完了できませんでした（何も保存されていません）。数秒後にもう一度お試しください。"
BUSY_EN = ("The database is busy with other changes and could not finish this request; nothing of it was stored. "
           "Please try again in a few seconds.")
LOST_JA = "処理中にデータベースとの接続が切れました。ページを再読み込みして保存内容を確認してから、もう一度お試しください。"


def _wrapped(cause: Exception) -> OperationalError:
    """What django.db.utils.DatabaseErrorWrapper raises for a driver's error."""
    try:
        raise OperationalError(*cause.args) from cause
    except OperationalError as error:
        return error


CAUSES = {
    "deadlock": (psycopg.errors.DeadlockDetected("deadlock detected"), BUSY),
    "serialization failure": (psycopg.errors.SerializationFailure("could not serialize access"), BUSY),
    "lock timeout": (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), BUSY),
    "sqlite locked": (sqlite3.OperationalError("database is locked"), BUSY),
    "server closed the connection": (psycopg.OperationalError("server closed the connection unexpectedly"), LOST),
    "server shutting down": (psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
                             LOST),
    "connection failure": (psycopg.errors.ConnectionFailure("connection failure"), LOST),
    "statement timeout": (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), None),
    "sqlite no such table": (sqlite3.OperationalError("no such table: x"), None),
}


@pytest.mark.parametrize("name", list(CAUSES))
def test_classify(name):
    cause, kind = CAUSES[name]
    assert classify(_wrapped(cause)) == kind


def test_classify_interface_error_and_others():
    assert classify(InterfaceError("connection already closed")) == LOST
    assert classify(ValueError("x")) is None


@pytest.fixture
def row(db):
    built = small_round("dberr", "障害市")
    staff = User.objects.create_user(username="dberr-staff", password="x-password-1234", role=Role.STAFF,
                                     department=built.department)
    return built, staff


@pytest.fixture
def failing():
    """Raises the given driver error (wrapped as Django wraps it) on the first statement that
    touches the yearly values table, as the database would."""
    def install(cause):
        def fail(execute, sql, params, many, context):
            if re.search(r'"kpis_yearlyvalue"', sql):
                raise _wrapped(cause)
            return execute(sql, params, many, context)
        return connection.execute_wrapper(fail)
    return install


def _save(client, value):
    return client.post(f"/api/v1/yearly-values/{value.pk}/save/", {"actual": "5", "comment": "c", "version": value.version},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")


@pytest.mark.parametrize("name", ["deadlock", "serialization failure", "lock timeout", "sqlite locked"])
def test_busy_api_answers_503_retry(name, row, failing):
    built, staff = row
    client = Client()
    client.force_login(staff)
    with failing(CAUSES[name][0]):
        response = _save(client, built.value)
    assert response.status_code == 503
    assert response.json() == {"detail": BUSY_JA}
    assert response["Retry-After"] == "5"
    stored = YearlyValue.objects.get(pk=built.value.pk)
    assert (stored.version, stored.comment) == (built.value.version, built.value.comment)


def test_lost_connection_api_keeps_its_message(row, failing):
    built, staff = row
    client = Client()
    client.force_login(staff)
    with failing(CAUSES["server closed the connection"][0]):
        response = _save(client, built.value)
    assert response.status_code == 503 and response.json() == {"detail": LOST_JA}
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize("name", ["statement timeout", "sqlite no such table"])
def test_other_database_errors_propagate_as_500(name, row, failing):
    built, staff = row
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    with failing(CAUSES[name][0]):
        response = _save(client, built.value)
    assert response.status_code == 500


@pytest.mark.parametrize("language, busy_text", [("ja", BUSY_JA), ("en", BUSY_EN)])
def test_busy_page_is_html_in_the_users_language(language, busy_text, row, failing):
    built, staff = row
    client = Client()
    client.force_login(staff)
    with failing(CAUSES["lock timeout"][0]):
        response = client.get(f"/entry/{built.strategy.code}/{built.value.fiscal_year}/",
                              HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8" and response["Retry-After"] == "5"
    page = response.content.decode()
    assert f'<html lang="{language}">' in page and busy_text in page
