"""Two people save the same row at the same moment: one wins, the other is told what was saved.

Truly concurrent HTTP requests against pytest-django's live server on PostgreSQL (SQLite
serialises writers for the whole database and ignores SELECT … FOR UPDATE, so it proves
nothing here): two threads, each with its own API token, released together by a barrier,
save the same row from the same version. Exactly one gets 200; the other gets 409 with a
message containing the winner's value; the stored row is the winner's and nothing is lost.

Skipped on SQLite, unless DXPLAN_REQUIRE_REAL_PARTS is set (CI): then it fails.
"""

import json
import os
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from kpis.models import YearlyValue
from plans.models import Role, User
from tests.factories import small_round

pytestmark = pytest.mark.postgres
REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))
NEEDS = "needs PostgreSQL: set DATABASE_URL=postgres://…"

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] and not REQUIRED:
    pytest.skip(NEEDS, allow_module_level=True)  # before the live server and the demo load


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.fail(NEEDS)  # DXPLAN_REQUIRE_REAL_PARTS is set: CI must run this


@pytest.fixture
def scene(postgres, live_server):
    """A row of one department in an open round, and two of its people with their own tokens.

    Made here rather than taken from the demo: live-server tests run in a transactional
    database that earlier such tests may have flushed.
    """
    built = small_round("concurrency", "並行市")
    department, value = built.department, built.value
    tokens = {}
    for username, role in (("kiyoshi", Role.STAFF), ("maki", Role.MANAGER)):
        user = User.objects.create_user(username=username, role=role, department=department)
        tokens[username] = Token.objects.create(user=user).key
    return {"url": f"{live_server.url}/api/v1/yearly-values/{value.pk}/save/", "value": value, "tokens": tokens}


def _post(url, token, payload):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _race(scene, version, actuals, *, hold_row=False):
    """Both people save from `version` at once; returns {username: (status, body, actual sent)}.

    With hold_row, this thread locks the row first and lets go only once both requests
    wait for it in the database: proof that they were in flight together.
    """
    barrier = threading.Barrier(len(actuals))
    results = {}

    def person(username, actual):
        barrier.wait()
        status, body = _post(scene["url"], scene["tokens"][username],
                             {"actual": actual, "comment": f"{username} の評価", "version": version})
        results[username] = (status, body, actual)

    threads = [threading.Thread(target=person, args=item) for item in actuals.items()]
    if hold_row:
        with transaction.atomic():
            YearlyValue.objects.select_for_update().get(pk=scene["value"].pk)
            for thread in threads:
                thread.start()
            give_up = time.monotonic() + 20
            while _waiting_for_locks() < len(actuals):
                assert time.monotonic() < give_up, "the requests did not all reach the database"
                time.sleep(0.05)
            assert not results  # nobody got through while the row was held
    else:
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(actuals), "a request never finished"
    return results


def _check_one_winner(scene, results, version):
    statuses = sorted(status for status, _, _ in results.values())
    assert statuses == [200, 409], results
    (winner,) = [name for name, (status, _, _) in results.items() if status == 200]
    (loser,) = [name for name, (status, _, _) in results.items() if status == 409]
    won_with = results[winner][2]
    _, conflict, _ = results[loser]
    assert won_with in conflict["detail"]  # the message shows what the other person saved
    assert conflict["current"]["actual"]["display"] == won_with
    assert conflict["current"]["comment"] == f"{winner} の評価"
    assert conflict["current"]["version"] == version + 1
    stored = YearlyValue.objects.get(pk=scene["value"].pk)
    assert (stored.actual.display(), stored.comment, stored.version, stored.updated_by.username) == (
        won_with, f"{winner} の評価", version + 1, winner,
    )
    return winner


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view stays as first read in this transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_both_requests_in_flight_at_once_one_wins_one_is_told(scene):
    """The row is held locked while both requests arrive: both are provably in flight together
    (two server connections wait for the lock), then released at the same instant."""
    value = scene["value"]
    history = YearlyValue.history.filter(id=value.pk).count()
    results = _race(scene, value.version, {"kiyoshi": "111", "maki": "222"}, hold_row=True)
    _check_one_winner(scene, results, value.version)
    assert YearlyValue.history.filter(id=value.pk).count() == history + 1  # one save, no lost update


def test_repeated_races_never_lose_an_update(scene):
    """Released by a barrier only, round after round: whichever wins, the other is refused."""
    version = scene["value"].version
    winners = []
    for n in range(5):
        results = _race(scene, version, {"kiyoshi": f"{n + 1}1", "maki": f"{n + 1}2"})
        winners.append(_check_one_winner(scene, results, version))
        version += 1
    assert YearlyValue.history.filter(id=scene["value"].pk).count() == 1 + 5
