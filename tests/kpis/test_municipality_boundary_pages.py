"""The entry round's web pages keep two cities apart: every role of one city × every action of
the pages × the other city's objects (tests/kpis/boundary_cities.py). Table-driven: a new
action is one row of ACTIONS.

A row says how to call the action over the pages, given the user's own city and the other
city, and which answers are a correct refusal: 404 (the other city's plan, row, text or
department answers as a missing one), 403 with the reason, or — for the forms that act on a
selection of the user's own plan — a redirect back that ignores the other city's ids. Whatever
the answer: no marker of the other city (its plans' titles, indicator names, unapproved
figures, comments and texts) in the response or the page it redirects to, and no change at all
to the other city's data. Positive cases show the boundary does not simply block everything.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kpis.models import EntryRound, EntryStatus, YearlyValue
from plans.models import Department, Role, User
from tests.kpis.boundary_cities import FY, build_cities, leaks, snapshot

REFUSED = frozenset({403, 404})


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _round_form(fiscal_year=FY + 1):
    now = timezone.now()
    return {"fiscal_year": fiscal_year, "opens_at": _local(now), "deadline": _local(now + timedelta(days=14)),
            "reminder_days": "3, 1"}


@dataclass(frozen=True)
class Action:
    method: str
    url: Callable  # (own city, other city) -> path
    data: Callable | None = None  # (own city, other city) -> POST data
    allowed: frozenset = REFUSED  # the answers that are a correct refusal


def _grid(city, query=""):
    return f"/entry/{city.code}/{FY}/{query}"


ACTIONS = {
    # Pages of the other city's plan, row, text or department.
    "plan tree": Action("get", lambda own, other: f"/strategies/{other.code}/"),
    "entry grid": Action("get", lambda own, other: _grid(other, f"?department={other.department_id}")),
    "own grid, other city's department": Action("get", lambda own, other: _grid(own, f"?department={other.department_id}")),
    "review queue": Action("get", lambda own, other: _grid(other, "review/")),
    "tracker": Action("get", lambda own, other: _grid(other, "tracker/")),
    "department history": Action("get", lambda own, other: _grid(other, f"history/?department={other.department_id}")),
    "own history, other city's department": Action(
        "get", lambda own, other: _grid(own, f"history/?department={other.department_id}")),
    "indicator history": Action("get", lambda own, other: f"/entry/indicators/{other.draft.indicator_id}/history/"),
    "return page": Action("get", lambda own, other: f"/entry/values/{other.waiting.pk}/return/"),
    "revise target page": Action("get", lambda own, other: f"/entry/values/{other.draft.pk}/revise-target/"),
    "reopen row page": Action("get", lambda own, other: f"/entry/values/{other.approved.pk}/reopen/"),
    "text return page": Action("get", lambda own, other: f"/entry/texts/{other.text_waiting.pk}/return/"),
    "text reopen page": Action("get", lambda own, other: f"/entry/texts/{other.text_approved.pk}/reopen/"),
    "round form": Action("get", lambda own, other: f"/entry/rounds/{other.code}/{FY}/"),
    "close round page": Action("get", lambda own, other: f"/entry/rounds/{other.code}/{FY}/close/"),
    # Lists: answered, but with nothing of the other city.
    "home": Action("get", lambda own, other: "/?list=1", allowed=frozenset({200})),
    "entry rounds": Action("get", lambda own, other: "/entry/", allowed=frozenset({200})),
    "entry periods": Action("get", lambda own, other: "/entry/rounds/", allowed=frozenset({200, 403})),
    "current round's grid": Action("get", lambda own, other: "/entry/current/entry/", allowed=frozenset({302})),
    "own review queue, other city's department": Action(
        "get", lambda own, other: _grid(own, f"review/?department={other.department_id}&status="),
        allowed=frozenset({200, 403})),
    # Writes on the other city's rows, texts and round.
    "save a row": Action("post", lambda own, other: f"/entry/values/{other.draft.pk}/save/",
                         lambda own, other: {"actual": "1", "comment": "越境", "version": other.draft.version}),
    "submit rows": Action("post", lambda own, other: _grid(other, "submit/"),
                          lambda own, other: {"rows": [other.draft.pk]}),
    "submit drafts": Action("post", lambda own, other: _grid(other, "submit/"), lambda own, other: {"scope": "drafts"}),
    "approve rows": Action("post", lambda own, other: _grid(other, "review/approve/"),
                           lambda own, other: {"rows": [other.waiting.pk, other.submitted.pk]}),
    "approve all matching": Action("post", lambda own, other: _grid(other, "review/approve/"),
                                   lambda own, other: {"scope": "all", "confirm": "1", "expected": "1", "filters": ""}),
    "return a row": Action("post", lambda own, other: f"/entry/values/{other.waiting.pk}/return/",
                           lambda own, other: {"comment": "越境の差戻し"}),
    "revise a target": Action("post", lambda own, other: f"/entry/values/{other.draft.pk}/revise-target/",
                              lambda own, other: {"planned": "1", "reason": "越境の見直し"}),
    "reopen a row": Action("post", lambda own, other: f"/entry/values/{other.approved.pk}/reopen/",
                           lambda own, other: {"reason": "越境の再開"}),
    "open a round": Action("post", lambda own, other: f"/entry/rounds/{other.code}/new/",
                           lambda own, other: _round_form()),
    "reschedule a round": Action("post", lambda own, other: f"/entry/rounds/{other.code}/{FY}/",
                                 lambda own, other: _round_form(FY)),
    "close a round": Action("post", lambda own, other: f"/entry/rounds/{other.code}/{FY}/close/",
                            lambda own, other: {"reason": "越境の締切"}),
    "reopen a round": Action("post", lambda own, other: f"/entry/rounds/{other.code}/{FY}/reopen/",
                             lambda own, other: {"reason": "越境の再開"}),
    "save a text": Action("post", lambda own, other: f"/entry/texts/{other.text_waiting.pk}/save/",
                          lambda own, other: {"content": "越境", "version": other.text_waiting.version}),
    "submit texts": Action("post", lambda own, other: _grid(other, "texts/submit/"),
                           lambda own, other: {"texts": [other.text_waiting.pk]}),
    "approve texts": Action("post", lambda own, other: _grid(other, "texts/approve/"),
                            lambda own, other: {"texts": [other.text_waiting.pk]}),
    "return a text": Action("post", lambda own, other: f"/entry/texts/{other.text_waiting.pk}/return/",
                            lambda own, other: {"comment": "越境の差戻し"}),
    "reopen a text": Action("post", lambda own, other: f"/entry/texts/{other.text_approved.pk}/reopen/",
                            lambda own, other: {"reason": "越境の再開"}),
    # The other city's ids smuggled into a form of the user's own plan: ignored.
    "approve other city's rows on own queue": Action(
        "post", lambda own, other: _grid(own, "review/approve/"),
        lambda own, other: {"rows": [other.waiting.pk, other.submitted.pk]}, allowed=frozenset({302})),
    "submit other city's rows on own grid": Action(
        "post", lambda own, other: _grid(own, "submit/"), lambda own, other: {"rows": [other.draft.pk]},
        allowed=frozenset({302})),
    "approve other city's texts on own queue": Action(
        "post", lambda own, other: _grid(own, "texts/approve/"), lambda own, other: {"texts": [other.text_waiting.pk]},
        allowed=frozenset({302})),
}

# (user, own city, other city): every role of Sasebo against Nagasaki, and Nagasaki's DX
# office and administrator against Sasebo.
PAIRS = [
    ("carol", "sasebo", "nagasaki"), ("dave", "sasebo", "nagasaki"), ("alice", "sasebo", "nagasaki"),
    ("bob", "sasebo", "nagasaki"), ("erin", "sasebo", "nagasaki"),
    ("nina", "nagasaki", "sasebo"), ("nora", "nagasaki", "sasebo"),
]


@pytest.fixture
def cities(db):
    return build_cities()


def _call(client, action: Action, own, other):
    url = action.url(own, other)
    if action.method == "get":
        return client.get(url)
    return client.post(url, action.data(own, other) if action.data else {})


def _has_reason(html: str) -> bool:
    """A refusal page says why: an alert (kpis/refused.html, the 403 page, a refused row) with text."""
    return any(re.sub(r"<[^>]+>", "", found).strip()
               for found in re.findall(r'role="alert"[^>]*>(.*?)</(?:p|div)>', html, flags=re.DOTALL))


@pytest.mark.parametrize(("username", "own_name", "other_name"), PAIRS)
def test_no_role_of_one_city_sees_or_changes_anything_of_the_other(request, cities, username, own_name, other_name):
    user = request.getfixturevalue(username)
    own, other = cities[own_name], cities[other_name]
    client = Client()
    client.force_login(user)
    problems = []
    for name, action in ACTIONS.items():
        before = snapshot(other)
        response = _call(client, action, own, other)
        html = response.content.decode()
        if response.status_code == 302:
            html += client.get(response.url).content.decode()  # the page and message it leads to
        if response.status_code not in action.allowed:
            problems.append(f"{name}: answered {response.status_code}, expected one of {sorted(action.allowed)}")
        if response.status_code == 403 and not _has_reason(html):
            problems.append(f"{name}: a 403 without a reason")
        if found := leaks(html, other):
            problems.append(f"{name}: shows {found}")
        if snapshot(other) != before:
            problems.append(f"{name}: changed the other city's data")
    assert not problems, "\n".join(problems)


# --- a wide-area viewer and the operator: read-only, approved figures only ---------------------

WRITES = [name for name, action in ACTIONS.items() if action.method == "post"]
# Pages of the round that show drafts or the review trail: never for them.
TRAIL_PAGES = ("review queue", "department history", "indicator history", "return page", "revise target page",
               "reopen row page", "text return page", "text reopen page", "round form", "close round page")


@pytest.mark.parametrize("username", ["paula", "oscar"])
def test_a_cross_city_account_changes_nothing_and_sees_no_unapproved_figure(request, cities, username):
    user = request.getfixturevalue(username)
    if username == "oscar":  # the operator reads approved figures of the cities granted to it
        user.granted_municipalities.add(cities["nagasaki"].strategy.municipality)
    client = Client()
    client.force_login(user)
    own, other = cities["sasebo"], cities["nagasaki"]
    problems = []
    for name in [*WRITES, *TRAIL_PAGES, "entry grid", "tracker", "plan tree", "home", "entry rounds"]:
        action = ACTIONS[name]
        before = snapshot(other)
        response = _call(client, action, own, other)
        html = response.content.decode()
        if response.status_code == 302:
            html += client.get(response.url).content.decode()
        if name in TRAIL_PAGES and response.status_code not in (403, 404):
            problems.append(f"{name}: answered {response.status_code}")
        if response.status_code == 403 and not _has_reason(html):
            problems.append(f"{name}: a 403 without a reason")
        if found := [secret for secret in other.secrets if secret in html]:
            problems.append(f"{name}: shows unapproved {found}")
        if snapshot(other) != before:
            problems.append(f"{name}: changed data")
    assert not problems, "\n".join(problems)


def test_a_wide_area_viewer_reads_the_approved_figures_of_a_granted_city_only(client, cities, paula):
    client.force_login(paula)
    nagasaki = cities["nagasaki"]
    assert client.get(f"/strategies/{nagasaki.code}/").status_code == 200
    grid = client.get(_grid(nagasaki, f"?department={nagasaki.department_id}"))
    assert grid.status_code == 200
    html = grid.content.decode()
    assert not [secret for secret in nagasaki.secrets if secret in html]
    assert client.get("/strategies/miyakonojo-dx/").status_code == 404  # not granted
    home = client.get("/?list=1").content.decode()
    assert "長崎市第五次総合計画" in home and "都城市DX推進計画" not in home


# --- positive cases: each city runs its own round ---------------------------------------------


def test_nagasakis_dx_office_runs_its_own_round(client, cities, nina):
    nagasaki, sasebo = cities["nagasaki"], cities["sasebo"]
    client.force_login(nina)
    # The entry periods list Nagasaki's plans only.
    html = client.get("/entry/rounds/").content.decode()
    assert "長崎市第五次総合計画" in html and "佐世保市DX戦略" not in html
    # Open a round of the next fiscal year: its rows appear.
    response = client.post(f"/entry/rounds/{nagasaki.code}/new/", _round_form(FY + 1))
    assert response.status_code == 302
    assert EntryRound.objects.filter(strategy=nagasaki.strategy, fiscal_year=FY + 1).exists()
    assert YearlyValue.objects.filter(indicator__strategy=nagasaki.strategy, fiscal_year=FY + 1).exists()
    # The grid of a Nagasaki department, drafts included (the city's DX office sees them).
    grid = client.get(_grid(nagasaki, f"?department={nagasaki.department_id}"))
    assert grid.status_code == 200
    assert nagasaki.secrets[0] in grid.content.decode()
    assert not leaks(grid.content.decode(), sasebo)
    # The review queue holds the row waiting for the DX office; approving it works.
    queue = client.get(_grid(nagasaki, "review/"))
    assert queue.status_code == 200 and f'value="{nagasaki.waiting.pk}"' in queue.content.decode()
    response = client.post(_grid(nagasaki, "review/approve/"), {"rows": [nagasaki.waiting.pk]})
    assert response.status_code == 302
    assert YearlyValue.objects.get(pk=nagasaki.waiting.pk).status == EntryStatus.APPROVED
    # The navigation's links lead to Nagasaki's round.
    assert f"/entry/{nagasaki.code}/" in client.get("/entry/current/review/").url


def test_nagasakis_administrator_reopens_its_own_approved_row(client, cities, nora):
    nagasaki = cities["nagasaki"]
    client.force_login(nora)
    response = client.post(f"/entry/values/{nagasaki.approved.pk}/reopen/", {"reason": "訂正"})
    assert response.status_code == 302
    assert YearlyValue.objects.get(pk=nagasaki.approved.pk).status == EntryStatus.RETURNED


def test_a_nagasaki_department_enters_its_own_rows(client, cities):
    nagasaki = cities["nagasaki"]
    department = Department.objects.get(pk=nagasaki.department_id)
    staff = User.objects.create_user(username="nagasaki-staff", role=Role.STAFF, department=department)
    client.force_login(staff)
    assert client.get(_grid(nagasaki)).status_code == 200
    response = client.post(f"/entry/values/{nagasaki.draft.pk}/save/",
                           {"actual": "12", "comment": "入力", "version": nagasaki.draft.version})
    assert response.status_code == 302
    assert YearlyValue.objects.get(pk=nagasaki.draft.pk).actual.display() == "12"
    # The same staff cannot reach Sasebo's rows.
    sasebo = cities["sasebo"]
    assert client.get(_grid(sasebo)).status_code == 404
