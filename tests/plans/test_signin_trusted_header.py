"""Sign-in by a header the city's reverse proxy sets (plans.signin.middleware): off by default."""

import pytest

MIDDLEWARE = "plans.signin.middleware.TrustedHeaderMiddleware"


@pytest.fixture
def trusted_header(settings):
    settings.DXPLAN_TRUSTED_HEADER = "X-Remote-User"
    settings.DXPLAN_TRUSTED_HEADER_PROXIES = []
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware


def _user_of(client, remote_addr="127.0.0.1", **headers):
    return client.get("/", REMOTE_ADDR=remote_addr, headers=headers).wsgi_request.user


def test_off_by_default_the_header_signs_nobody_in(client, alice, settings):
    assert MIDDLEWARE not in settings.MIDDLEWARE
    assert not _user_of(client, **{"X-Remote-User": "alice"}).is_authenticated


def test_the_header_signs_in_an_existing_user(client, alice, trusted_header):
    assert _user_of(client, **{"X-Remote-User": "alice"}) == alice
    assert _user_of(client) == alice  # persistent: the session stays without the header


def test_an_unknown_or_deactivated_user_in_the_header_is_not_signed_in(client, alice, trusted_header):
    assert not _user_of(client, **{"X-Remote-User": "nobody-known"}).is_authenticated
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not _user_of(client, **{"X-Remote-User": "alice"}).is_authenticated


def test_a_new_name_in_the_header_replaces_the_signed_in_user(client, alice, bob, trusted_header):
    assert _user_of(client, **{"X-Remote-User": "alice"}) == alice
    assert _user_of(client, **{"X-Remote-User": "bob"}) == bob


def test_with_proxies_listed_a_header_from_another_address_is_ignored(client, alice, trusted_header, settings):
    settings.DXPLAN_TRUSTED_HEADER_PROXIES = ["10.0.0.5"]

    assert not _user_of(client, **{"X-Remote-User": "alice"}).is_authenticated  # from 127.0.0.1
    assert _user_of(client, remote_addr="10.0.0.5", **{"X-Remote-User": "alice"}) == alice


def test_local_passwords_still_work_with_the_header_on(client, dave, trusted_header):
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "dave", "password": PASSWORD})

    assert response.status_code == 302
    assert _user_of(client) == dave
