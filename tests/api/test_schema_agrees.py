"""Where the schema and the answers disagreed (issue 14, defect 8)."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kpis.models import EntryRound


def _schema(client):
    return client.get("/api/schema/?format=json").json()


def test_dashboard_list_is_documented_as_the_list_it_is(carol):
    client = APIClient()
    client.force_authenticate(carol)
    body = client.get("/api/v1/dashboards/").json()
    assert isinstance(body, list) and body[0]["code"]
    response = _schema(client)["paths"]["/api/v1/dashboards/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["type"] == "array"


def test_an_open_round_has_no_closer_and_the_schema_allows_it(carol):
    client = APIClient()
    client.force_authenticate(carol)
    entry_round = EntryRound.objects.filter(closed_by=None).first()
    assert client.get(f"/api/v1/entry-rounds/{entry_round.pk}/").json()["closed_by"] is None
    schema = _schema(client)["components"]["schemas"]["EntryRound"]
    assert schema["properties"]["closed_by"]["nullable"] is True


def test_returning_a_row_requires_the_comment_in_the_schema_and_the_answer(carol):
    client = APIClient()
    client.force_authenticate(carol)
    schema = _schema(client)
    body = schema["paths"]["/api/v1/yearly-values/{id}/return/"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref]["required"] == ["comment"]
    response = client.post("/api/v1/yearly-values/1/return/", {}, format="json")
    assert response.status_code == 400 and "comment" in response.json()


def test_anonymous_and_bad_tokens_get_401_with_the_challenge(erin):
    client = APIClient()
    response = client.get("/api/v1/strategies/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token'
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/strategies/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=erin).key}")
    assert client.get("/api/v1/strategies/").status_code == 200


def test_the_browser_session_still_reads_the_api(client, erin):
    client.force_login(erin)
    assert client.get("/api/v1/strategies/").status_code == 200


def test_no_route_under_the_api_answers_json_404(erin):
    client = APIClient()
    client.force_authenticate(erin)
    response = client.get("/api/v1/dashboards/no%20such/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
