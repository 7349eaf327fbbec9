"""Shared test fixtures: the demo plans loaded once per session, and named users.

The users, one per role, mirror healthchecks' alice/bob/charlie:
- alice: department staff, 観光商工部 (Sasebo)
- bob: department manager, 観光商工部
- carol: DX office, DX推進課
- dave: administrator
- erin: read-only viewer
- frank: department staff in another department, 農林水産部

All of them work in Sasebo. The second city (plans.boundary) has its own:
- nina: DX office of Nagasaki (情報政策推進室); nora: Nagasaki's administrator;
  ned: staff of Nagasaki's 商工部
- paula: a wide-area (prefecture) viewer granted Sasebo and Nagasaki
- oscar: the system operator (the only superuser)
"""

import pytest
from django.core.management import call_command

from plans.models import Department, Municipality, Role, User

PASSWORD = "test-password-1234"

# username: (role, municipality code, department name)
NAMED_USERS = {
    "alice": (Role.STAFF, "sasebo", "観光商工部"),
    "bob": (Role.MANAGER, "sasebo", "観光商工部"),
    "carol": (Role.DX_OFFICE, "sasebo", "DX推進課"),
    "dave": (Role.ADMIN, "sasebo", None),
    "erin": (Role.VIEWER, "sasebo", None),
    "frank": (Role.STAFF, "sasebo", "農林水産部"),
    "nina": (Role.DX_OFFICE, "nagasaki", "情報政策推進室"),
    "nora": (Role.ADMIN, "nagasaki", None),
    "ned": (Role.STAFF, "nagasaki", "商工部"),
    "paula": (Role.WIDE_AREA, None, None),
    "oscar": (Role.OPERATOR, None, None),
}
GRANTS = {"paula": ("sasebo", "nagasaki")}


def _create_named_users():
    """Idempotent: browser tests call it again on a database that may still hold them."""
    for username, (role, city, department_name) in NAMED_USERS.items():
        if User.objects.filter(username=username).exists():
            continue
        department = (
            Department.objects.get(municipality__code=city, name=department_name) if department_name else None
        )
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            department=department,
            municipality=Municipality.objects.get(code=city) if city else None,
        )
        user.granted_municipalities.set(Municipality.objects.filter(code__in=GRANTS.get(username, ())))


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
nina = _user_fixture("nina")
nora = _user_fixture("nora")
ned = _user_fixture("ned")
paula = _user_fixture("paula")
oscar = _user_fixture("oscar")


@pytest.fixture
def sasebo(db):
    from plans.models import Strategy

    return Strategy.objects.get(code="sasebo-dx")


@pytest.fixture(autouse=True)
def _login_lockout_off(settings):
    """django-axes refuses client.login() (it authenticates without a request) and would count
    the suite's deliberate failures; the lock-out tests turn it back on (tests/plans/test_signin_lockout.py)."""
    settings.AXES_ENABLED = False
