"""Shared test fixtures: the demo plans loaded once per session, and named users.

The users, one per role, mirror healthchecks' alice/bob/charlie:
- alice: department staff, 観光商工部 (Sasebo)
- bob: department manager, 観光商工部
- carol: DX office, DX推進課
- dave: administrator
- erin: read-only viewer
- frank: department staff in another department, 農林水産部
"""

import pytest
from django.core.management import call_command

from plans.models import Department, Role, User

PASSWORD = "test-password-1234"

NAMED_USERS = {
    "alice": (Role.STAFF, "観光商工部"),
    "bob": (Role.MANAGER, "観光商工部"),
    "carol": (Role.DX_OFFICE, "DX推進課"),
    "dave": (Role.ADMIN, None),
    "erin": (Role.VIEWER, None),
    "frank": (Role.STAFF, "農林水産部"),
}


def _create_named_users():
    """Idempotent: browser tests call it again on a database that may still hold them."""
    for username, (role, department_name) in NAMED_USERS.items():
        if User.objects.filter(username=username).exists():
            continue
        department = (
            Department.objects.get(municipality__code="sasebo", name=department_name) if department_name else None
        )
        User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            department=department,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        _create_named_users()


def _user_fixture(username):
    @pytest.fixture
    def fixture(db):
        return User.objects.get(username=username)

    return fixture


alice = _user_fixture("alice")
bob = _user_fixture("bob")
carol = _user_fixture("carol")
dave = _user_fixture("dave")
erin = _user_fixture("erin")
frank = _user_fixture("frank")


@pytest.fixture
def sasebo(db):
    from plans.models import Strategy

    return Strategy.objects.get(code="sasebo-dx")


@pytest.fixture(autouse=True)
def _login_lockout_off(settings):
    """django-axes refuses client.login() (it authenticates without a request) and would count
    the suite's deliberate failures; the lock-out tests turn it back on (tests/plans/test_signin_lockout.py)."""
    settings.AXES_ENABLED = False
