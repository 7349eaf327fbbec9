"""Yes/no and choice filters of the API are strict (plans.api_query): a value that is not
true/false/1/0 or not one of the choices answers 400 naming the parameter; an empty value is
"no filter", and the schema says so (allowEmptyValue)."""

import django_filters
import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from plans.api_query import StrictBooleanFilter, StrictChoiceFilter, StrictFilterSet
from projects.models import Project


@pytest.fixture
def api(erin):
    client = APIClient()
    client.force_authenticate(erin)
    return client


@pytest.mark.parametrize("url, params", [
    ("/api/v1/indicators/", {"leading": "xyz"}),
    ("/api/v1/projects/", {"is_new": "À"}),
    ("/api/v1/projects/", {"leading": "yes"}),
    ("/api/v1/yearly-values/", {"leading": "2"}),
    ("/api/v1/indicators/", {"kind": "nonsense"}),
    ("/api/v1/indicators/", {"direction": "null"}),
    ("/api/v1/yearly-values/", {"actual_state": "x"}),
    ("/api/v1/projects/", {"lifecycle": "null"}),
    ("/api/v1/round-texts/", {"status": "Ω"}),
])
def test_unknown_yes_no_and_choice_values_are_refused(api, url, params):
    response = api.get(url, params)
    assert response.status_code == 400, response.content
    assert list(response.json()) == list(params)


def test_the_refusal_says_what_is_allowed_in_japanese(api):
    response = api.get("/api/v1/indicators/", {"leading": "xyz"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "xyz" in response.json()["leading"][0] and "true" in response.json()["leading"][0]
    message = api.get("/api/v1/indicators/", {"kind": "zzz"}, HTTP_ACCEPT_LANGUAGE="ja").json()["kind"][0]
    assert "zzz" in message and "outcome" in message and "次のいずれか" in message


@pytest.mark.parametrize("spelling, expected", [("true", True), ("1", True), ("True", True),
                                                ("false", False), ("0", False), ("False", False)])
def test_yes_and_no_in_each_spelling_filter(api, spelling, expected):
    rows = api.get("/api/v1/projects/", {"leading": spelling, "limit": 500}).json()["results"]
    assert rows and {row["leading"] for row in rows} == {expected}


def test_an_empty_value_is_no_filter(api):
    everything = api.get("/api/v1/projects/", {"limit": 1}).json()["count"]
    response = api.get("/api/v1/projects/", {"leading": "", "is_new": "", "lifecycle": "", "limit": 1})
    assert response.status_code == 200
    # erin works in Sasebo: every Sasebo project, none of another city's (plans.boundary).
    assert response.json()["count"] == everything == Project.objects.filter(strategy__municipality__code="sasebo").count()


def test_the_schema_declares_empty_values_and_the_choices(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert parameters["leading"]["schema"] == {"type": "boolean"}
    assert parameters["leading"]["allowEmptyValue"] is True
    assert parameters["lifecycle"]["allowEmptyValue"] is True and parameters["lifecycle"]["schema"]["enum"]
    assert parameters["limit"]["allowEmptyValue"] is True


def _viewsets_filtersets():
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            cls = getattr(getattr(pattern, "callback", None), "cls", None)
            if getattr(cls, "filterset_class", None):
                found.add(cls.filterset_class)

    walk(get_resolver().url_patterns)
    return found


def test_every_filterset_of_the_api_is_strict():
    filtersets = _viewsets_filtersets()
    assert len(filtersets) >= 9
    for filterset in filtersets:
        assert issubclass(filterset, StrictFilterSet), filterset
        for name, field in filterset.base_filters.items():
            if isinstance(field, django_filters.BooleanFilter):
                assert isinstance(field, StrictBooleanFilter), (filterset, name)
            if isinstance(field, django_filters.ChoiceFilter):
                assert isinstance(field, StrictChoiceFilter), (filterset, name)
