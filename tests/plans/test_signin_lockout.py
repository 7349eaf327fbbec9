"""Lock-out after repeated failed sign-ins (django-axes), shown to and lifted by administrators."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt

from tests.conftest import PASSWORD


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True  # tests/conftest.py turns it off for the rest of the suite
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = None


def _log_in(client, password, username="alice"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_third_failure_locks_the_account_even_for_the_right_password(client, alice, lockout):
    assert _log_in(client, "wrong-1").status_code == 200
    assert _log_in(client, "wrong-2").status_code == 200

    third = _log_in(client, "wrong-3")
    right = _log_in(client, PASSWORD)

    assert third.status_code == 429
    assert right.status_code == 429
    page = right.content.decode()
    assert "ログインに3回失敗したため、このアカウントはロックされています。" in page
    assert "管理者にロックの解除を依頼してください。" in page
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_lock_says_when_it_ends_by_itself(client, alice, lockout, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    for attempt in range(3):
        response = _log_in(client, f"wrong-{attempt}")

    assert response.status_code == 429
    assert "30分後に再度お試しいただくか" in response.content.decode()


def test_a_success_resets_the_count(client, alice, lockout):
    _log_in(client, "wrong-1")
    _log_in(client, "wrong-2")
    assert _log_in(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    _log_in(client, "wrong-3")
    _log_in(client, "wrong-4")

    assert _log_in(client, PASSWORD).status_code == 302


def test_another_user_name_is_not_locked(client, alice, bob, lockout):
    for attempt in range(3):
        _log_in(client, f"wrong-{attempt}")

    assert _log_in(client, PASSWORD, username="bob").status_code == 302


def test_administrators_see_the_lock_in_the_admin_and_lift_it(client, alice, dave, lockout):
    for attempt in range(3):
        _log_in(client, f"wrong-{attempt}")
    attempt = AccessAttempt.objects.get(username="alice")
    admin = type(client)()
    admin.force_login(dave)

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    assert "失敗回数" in listing.content.decode()  # the admin in Japanese (our catalogue covers axes)
    lifted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert lifted.status_code == 302

    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert _log_in(client, PASSWORD).status_code == 302
