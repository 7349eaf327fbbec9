"""The role rules of kpis.permissions, and the flags templates get from them through the
`may` context processor (kpis.context_processors), per named user (tests/conftest.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from kpis import permissions
from kpis.context_processors import Flags
from kpis.context_processors import permissions as flags_processor

# Asked statically: the users are fetched by name below, and pytest-django orders tests that
# only ask the database through getfixturevalue after the ones that flush it.
pytestmark = pytest.mark.django_db

FLAGS = ("review", "review_first", "see_every_department", "manage_rounds", "revise_targets", "reopen",
         "use_reports", "import_plans")

# user: the flags that are true for them (all others false)
EXPECTED = {
    "alice": set(),  # staff
    "bob": {"review", "review_first"},  # manager
    "carol": {"review", "see_every_department", "manage_rounds", "revise_targets", "use_reports"},  # DX office
    "dave": {"review", "see_every_department", "manage_rounds", "revise_targets", "reopen", "use_reports",
             "import_plans"},  # administrator
    "erin": set(),  # viewer
    "frank": set(),  # staff, another department
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_flags_per_role(request, username):
    user = request.getfixturevalue(username)
    may = Flags(user)
    assert {name for name in FLAGS if getattr(may, name)} == EXPECTED[username]


def test_an_anonymous_visitor_may_do_nothing():
    may = Flags(AnonymousUser())
    assert not any(getattr(may, name) for name in FLAGS)


def test_the_processor_gives_the_request_users_flags(carol):
    request = RequestFactory().get("/")
    request.user = carol
    may = flags_processor(request)["may"]
    assert may.manage_rounds and not may.import_plans
    request_without_user = RequestFactory().get("/")
    assert not flags_processor(request_without_user)["may"].review


@pytest.mark.parametrize("username", list(EXPECTED))
def test_navigation_links_follow_the_flags(client, request, username):
    user = request.getfixturevalue(username)
    client.force_login(user)
    page = client.get("/entry/").content.decode()
    links = {
        "review": 'href="/entry/current/review/"',
        "manage_rounds": 'href="/entry/rounds/"',
        "use_reports": 'href="/reports/"',
        "import_plans": 'href="/imports/"',
    }
    for flag, link in links.items():
        assert (link in page) is (flag in EXPECTED[username]), flag


@pytest.mark.parametrize(("username", "own", "other", "none"), [
    ("alice", True, False, False),
    ("bob", True, False, False),
    ("carol", False, False, False),
    ("dave", False, False, False),
    ("erin", False, False, False),
])
def test_who_enters_for_a_department(request, username, own, other, none, frank):
    user = request.getfixturevalue(username)
    own_department = request.getfixturevalue("alice").department_id
    assert permissions.can_enter_for_department(user, own_department) is own
    assert permissions.can_enter_for_department(user, frank.department_id) is other
    assert permissions.can_enter_for_department(user, None) is none


@pytest.mark.parametrize(("username", "own", "other", "none"), [
    ("alice", True, False, False),
    ("bob", True, False, False),
    ("carol", True, True, True),
    ("dave", True, True, True),
    ("erin", False, False, False),
])
def test_who_reads_a_departments_history(request, username, own, other, none, frank, nina):
    user = request.getfixturevalue(username)
    own_department = request.getfixturevalue("alice").department_id
    sasebo, nagasaki = frank.municipality_id, nina.municipality_id
    assert permissions.can_read_review_trail(user, department_id=own_department, municipality_id=sasebo) is own
    assert permissions.can_read_review_trail(user, department_id=frank.department_id, municipality_id=sasebo) is other
    assert permissions.can_read_review_trail(user, department_id=None, municipality_id=sasebo) is none
    # Never the trail of another city's rows (the department id alone does not decide it).
    assert not permissions.can_read_review_trail(user, department_id=own_department, municipality_id=nagasaki)
    assert not permissions.can_read_review_trail(user, department_id=nina.department_id, municipality_id=nagasaki)


def test_reports_and_import_refuse_anonymous_visitors():
    assert not permissions.can_use_reports(AnonymousUser())
    assert not permissions.can_use_reports(None)
    assert not permissions.can_import(AnonymousUser())
