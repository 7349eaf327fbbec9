"""A control character in any input answers 400 naming the field, and nothing is stored
(issue 14, defect 7: a NUL in POST /api/v1/entry-rounds/ was a 500 from PostgreSQL)."""

from rest_framework.test import APIClient

from kpis.models import EntryRound, YearlyValue


def test_the_rule():
    from dxplan.control_characters import first_forbidden

    assert first_forbidden("ok\ttab\nline\r\n") is None
    assert first_forbidden("a\x00b") == "\x00"
    assert first_forbidden("\x1b[31m") == "\x1b"
    assert first_forbidden("\x7f") == "\x7f"
    assert first_forbidden("\ud800") == "\ud800"  # a lone surrogate, from JSON "\ud800"
    assert first_forbidden("佐世保　市") is None


def test_a_nul_in_a_json_body_is_refused_and_nothing_saved(carol, sasebo):
    client = APIClient()
    client.force_authenticate(carol)
    before = EntryRound.objects.count()
    response = client.post("/api/v1/entry-rounds/", {
        "strategy": "sasebo\x00-dx", "fiscal_year": 2026,
        "opens_at": "2026-04-01T00:00:00Z", "deadline": "2026-06-30T00:00:00Z",
    }, format="json")
    assert response.status_code == 400
    assert "U+0000" in response.json()["strategy"][0]
    assert EntryRound.objects.count() == before


def test_a_lone_surrogate_in_a_comment_is_refused(carol):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.generic("POST", "/api/v1/yearly-values/1/return/", '{"comment": "bad \\ud800"}',
                              content_type="application/json")
    assert response.status_code == 400
    assert "U+D800" in response.json()["comment"][0]


def test_query_parameters_and_paths_are_checked(erin):
    client = APIClient()
    client.force_authenticate(erin)
    assert client.get("/api/v1/strategies/", {"municipality": "x\x00"}).status_code == 400
    response = client.get("/api/v1/strategies/sasebo%00/")
    assert response.status_code == 400 and "path" in response.json()


def test_a_web_form_with_a_nul_gets_a_page_saying_so(client, alice):
    client.force_login(alice)
    value = YearlyValue.objects.filter(indicator__responsible_department=alice.department).first()
    before = (value.comment, value.version)
    form = {"comment": "a\x00b", "actual": "1", "version": value.version}
    response = client.post(f"/entry/values/{value.pk}/save/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"comment contains a control character (U+0000)" in response.content
    value.refresh_from_db()
    assert (value.comment, value.version) == before


def test_tabs_and_newlines_in_a_comment_pass(carol):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.post("/api/v1/yearly-values/1/return/", {"comment": "line one\n\tline two\r\n"}, format="json")
    assert response.status_code != 400 or "control character" not in response.content.decode()
