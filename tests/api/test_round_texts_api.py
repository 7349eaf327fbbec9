"""The round's texts in the REST API: save with the version (409 on a conflict), submit, both
approvals, return with a required comment, refusals for other departments, hidden drafts.

Demo data: Sasebo's round is 令和6年度 (FY2024); alice (staff) and bob (manager) are 観光商工部,
frank staff of 農林水産部, carol the DX office, erin a viewer.
"""

from rest_framework.test import APIClient

from kpis.models import EntryStatus, RoundText, RoundTextKind

FY = 2024


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _goal(user):
    return RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=FY, kind=RoundTextKind.GOAL,
                                    basic_policy__isnull=False, department_id=user.department_id).order_by("order")[0]


def _url(text, action=""):
    return f"/api/v1/round-texts/{text.pk}/" + (f"{action}/" if action else "")


def test_the_whole_round_of_a_text_through_the_api(alice, bob, carol):
    text = _goal(alice)
    response = _client(alice).post(_url(text, "save"), {"content": "目標\r\n二行目", "version": text.version},
                                   format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["text"], body["version"]) == ("draft", "目標\n二行目", text.version + 1)
    assert _client(alice).post(_url(text, "submit")).json()["status"] == "submitted"
    response = _client(bob).post(_url(text, "return"), {}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    assert _client(bob).post(_url(text, "approve"), {}, format="json").json()["status"] == "first_approved"
    assert _client(carol).post(_url(text, "approve"), {}, format="json").json()["status"] == "approved"


def test_a_stale_version_is_a_conflict(alice, bob):
    text = _goal(alice)
    assert _client(bob).post(_url(text, "save"), {"content": "bob", "version": text.version},
                             format="json").status_code == 200
    response = _client(alice).post(_url(text, "save"), {"content": "alice", "version": text.version}, format="json")
    assert response.status_code == 409
    assert response.json()["current"]["content"] == "bob"


def test_another_department_is_refused_and_a_viewer_sees_no_draft(alice, frank, erin):
    text = _goal(alice)
    response = _client(frank).post(_url(text, "save"), {"content": "x", "version": text.version}, format="json")
    assert response.status_code == 403
    _client(alice).post(_url(text, "save"), {"content": "draft words", "version": text.version}, format="json")
    body = _client(erin).get(_url(text)).json()
    assert (body["visible"], body["text"], body["status"]) == (False, None, EntryStatus.DRAFT)
    listed = _client(erin).get("/api/v1/round-texts/", {"strategy": "sasebo-dx", "fiscal_year": FY,
                                                        "status": "draft"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["text"] for r in rows if r["id"] == text.pk] == [None]
