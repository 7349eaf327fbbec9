"""The municipality boundary over the dashboards, their chart JSON and the reports page.

Table-driven: every role of Sasebo against Nagasaki's objects and every role of Nagasaki
against Sasebo's (tests.reports.boundary_cases.PAIRS) × every action below. A new page or
action adds one row. Each must answer 404 (another city's plan, as a missing one) or 403/400
with a reason, show no title or code of the other city, and change nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from kpis.models import EntryStatus, YearlyValue
from plans.models import Municipality, Strategy, User
from reports import services
from reports.dashboards import cache as dashboard_cache
from reports.models import JobStatus, ReportJob
from tests.reports.boundary_cases import CITIES, NAGASAKI, PAIRS, SASEBO, WRITERS, leaked, other_objects, snapshot

pytestmark = pytest.mark.django_db

# Every dashboard page and chart JSON of a plan, by name: {code} and the other ids are the other city's.
DASHBOARD_URLS = {
    "overview": "/dashboards/{code}/",
    "compare": "/dashboards/{code}/compare/",
    "indicator list": "/dashboards/{code}/indicators/",
    "indicator": "/dashboards/{code}/indicators/{indicator}/",
    "basic policy": "/dashboards/{code}/policies/{policy}/",
    "measure": "/dashboards/{code}/measures/{measure}/",
    "project": "/dashboards/{code}/projects/{project}/",
    "roadmap": "/dashboards/{code}/roadmap/",
    "department": "/dashboards/{code}/departments/{department}/",
    "api overview": "/api/v1/dashboards/{code}/",
    "api compare": "/api/v1/dashboards/{code}/compare/",
    "api indicator list": "/api/v1/dashboards/{code}/indicators/",
    "api indicator": "/api/v1/dashboards/{code}/indicators/{indicator}/",
    "api basic policy": "/api/v1/dashboards/{code}/policies/{policy}/",
    "api department": "/api/v1/dashboards/{code}/departments/{department}/",
    "api roadmap": "/api/v1/dashboards/{code}/roadmap/",
}
# The pages of the user's own plan asked with an id of the other city's.
OWN_PLAN_OTHER_IDS = {name: url for name, url in DASHBOARD_URLS.items() if "{" in url.replace("{code}", "")}


@pytest.fixture
def api():
    return APIClient()


def _as(api, request, username):
    user = request.getfixturevalue(username)
    api.force_authenticate(user)
    api.force_login(user)
    return user


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
@pytest.mark.parametrize("page", list(DASHBOARD_URLS))
def test_another_citys_dashboards_answer_404(api, request, username, mine, other, page):
    _as(api, request, username)
    ids = other_objects(other)
    before = snapshot()
    url = DASHBOARD_URLS[page].format(**ids)
    response = api.get(url)
    assert response.status_code == 404, (page, response.status_code)
    assert leaked(response.content.decode(), other, asked=url) == []
    assert snapshot() == before


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
@pytest.mark.parametrize("page", list(OWN_PLAN_OTHER_IDS))
def test_the_other_citys_ids_under_ones_own_plan_answer_404(api, request, username, mine, other, page):
    _as(api, request, username)
    ids = {**other_objects(other), "code": mine.strategy}
    response = api.get(OWN_PLAN_OTHER_IDS[page].format(**ids))
    assert response.status_code == 404, (page, response.status_code)
    assert leaked(response.content.decode(), other) == []


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_a_department_filter_of_another_city_is_refused_with_a_reason(api, request, username, mine, other):
    _as(api, request, username)
    department = other_objects(other)["department"]
    response = api.get(f"/api/v1/dashboards/{mine.strategy}/?department={department}")
    assert response.status_code == 400 and response.json()["errors"]


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
@pytest.mark.parametrize("url", ["/dashboards/", "/api/v1/dashboards/"])
def test_dashboard_lists_show_ones_own_citys_plans_only(api, request, username, mine, other, url):
    _as(api, request, username)
    body = api.get(url).content.decode()
    assert mine.strategy in body
    assert leaked(body, other) == []


def test_the_wide_area_viewer_sees_the_granted_cities_with_approved_values_only(api, request, paula, carol):
    value = (YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2023,
                                        status=EntryStatus.APPROVED, actual_state="number")
             .select_related("indicator").first())
    YearlyValue.objects.filter(pk=value.pk).update(status=EntryStatus.SUBMITTED)  # not approved any more
    url = f"/api/v1/dashboards/sasebo-dx/indicators/{value.indicator_id}/?fy=2023"
    for username, shown in (("carol", True), ("paula", False)):
        _as(api, request, username)
        row = next(r for r in api.get(url).json()["values"] if r["fiscal_year"] == 2023)
        assert (row["actual"] is not None) == shown, username
    _as(api, request, "paula")
    codes = {d["code"] for d in api.get("/api/v1/dashboards/").json()}
    assert {"sasebo-dx", "nagasaki-dx", "nagasaki-h"} <= codes and "miyakonojo-dx" not in codes
    assert api.get("/dashboards/nagasaki-h/").status_code == 200
    assert api.get("/dashboards/miyakonojo-dx/").status_code == 404  # not granted


def test_the_operator_reads_only_the_cities_granted_to_it(api, request, oscar):
    _as(api, request, "oscar")
    assert api.get("/api/v1/dashboards/").json() == []
    assert api.get("/api/v1/dashboards/nagasaki-h/").status_code == 404
    oscar.granted_municipalities.add(Municipality.objects.get(code="nagasaki"))
    api.force_authenticate(User.objects.get(pk=oscar.pk))  # a new request reads the grants again
    assert api.get("/api/v1/dashboards/nagasaki-h/").status_code == 200
    assert api.get("/api/v1/dashboards/sasebo-dx/").status_code == 404


def test_two_cities_dx_offices_never_share_a_cached_count(api, request, monkeypatch):
    keys = {"carol": set(), "nina": set()}
    current = []

    def remember(name, parts, compute, **options):
        keys[current[-1]].add((name, parts))
        return compute()

    monkeypatch.setattr(dashboard_cache, "remember", remember)
    with override_settings(DXPLAN_DASHBOARD_CACHE=True):
        for username, code in (("carol", "sasebo-dx"), ("nina", "nagasaki-h")):
            current.append(username)
            _as(api, request, username)
            assert api.get(f"/api/v1/dashboards/{code}/").status_code == 200
    assert keys["carol"] and keys["nina"] and not keys["carol"] & keys["nina"]
    for username, city in (("carol", "sasebo"), ("nina", "nagasaki")):
        city_id = Municipality.objects.get(code=city).pk
        assert all(parts[0] == city_id for _name, parts in keys[username]), username


# --- the reports page ---------------------------------------------------------------------------


def _report(api, strategy, **fields):
    data = {"strategy": strategy.pk, "fiscal_year": 2024, "kind": "report", "file_format": "xlsx",
            "basic_policy": "", "department": ""}
    data.update(fields)
    return api.post(reverse("reports:create"), data)


def _job_of(city, *, status=JobStatus.DONE):
    strategy = Strategy.objects.get(code=city.strategy)
    return ReportJob.objects.create(strategy=strategy, fiscal_year=2024, as_of="2025-06-01", status=status,
                                    file=f"reports/{city.code}.xlsx" if status == JobStatus.DONE else "")


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_the_report_form_offers_ones_own_citys_plans_only(api, request, username, mine, other):
    _as(api, request, username)
    response = api.get(reverse("reports:index"))
    if username not in WRITERS:
        assert response.status_code == 403
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert Strategy.objects.get(code=mine.strategy).title in body
    assert leaked(body, other) == []


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_a_report_of_another_citys_plan_is_refused_and_nothing_is_queued(api, request, username, mine, other):
    _as(api, request, username)
    strategy = Strategy.objects.get(code=other.strategy)
    before = snapshot()
    response = _report(api, strategy)
    if username in WRITERS:
        assert response.status_code == 400
        assert "ご自身の自治体" in response.content.decode()  # the reason, on the form
    else:
        assert response.status_code == 403
    assert leaked(response.content.decode(), other) == []
    assert snapshot() == before


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_a_report_limited_to_another_citys_department_is_refused(api, request, username, mine, other):
    _as(api, request, username)
    before = snapshot()
    response = _report(api, Strategy.objects.get(code=mine.strategy), department=other_objects(other)["department"])
    assert response.status_code == (400 if username in WRITERS else 403)
    assert snapshot() == before


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
def test_another_citys_jobs_are_neither_listed_nor_served(api, request, username, mine, other):
    done, failed = _job_of(other), _job_of(other, status=JobStatus.FAILED)
    _as(api, request, username)
    before = snapshot()
    expected = 404 if username in WRITERS else 403
    for name, job in (("status", done), ("download", done), ("download-pdf", done)):
        assert api.get(reverse(f"reports:{name}", args=[job.pk])).status_code == expected, name
    assert api.post(reverse("reports:retry", args=[failed.pk])).status_code == expected
    if username in WRITERS:
        body = api.get(reverse("reports:index")).content.decode()
        assert reverse("reports:download", args=[done.pk]) not in body and leaked(body, other) == []
    assert snapshot() == before


@pytest.mark.parametrize("username", ["carol", "dave", "nina", "nora"])
def test_the_service_refuses_another_citys_plan_with_a_reason(request, username):
    user = request.getfixturevalue(username)
    other = Strategy.objects.exclude(municipality_id=user.municipality_id).get(code__in=["sasebo-dx", "nagasaki-h"])
    with pytest.raises(ValidationError) as refused:
        services.report_job_create(user=user, strategy=other, fiscal_year=2024, enqueue=False)
    assert "別の自治体" in str(refused.value.message_dict["strategy"])
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied, with the same reason
        services.report_job_retry(user=user, job=_job_of(CITIES[other.municipality.code], status=JobStatus.FAILED))
    assert not ReportJob.objects.filter(status=JobStatus.QUEUED).exists()


@pytest.mark.parametrize("username", ["nina", "nora"])
def test_nagasakis_dx_office_and_administrator_build_and_download_a_nagasaki_report(
        api, request, eager, committed, username):
    _as(api, request, username)
    strategy = Strategy.objects.get(code=NAGASAKI.strategy)
    with committed():
        response = _report(api, strategy)
    assert response.status_code == 302
    job = ReportJob.objects.get(strategy=strategy)
    assert job.status == JobStatus.DONE, job.message
    download = api.get(reverse("reports:download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    # Sasebo's DX office neither lists nor downloads it.
    _as(api, request, SASEBO.dx_office)
    assert api.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_build_report_keeps_working_for_the_machines_operator(media, tmp_path):
    output = tmp_path / "nagasaki.xlsx"
    call_command("build_report", "--fiscal-year", "2024", "--strategy", NAGASAKI.strategy, "--output", str(output),
                 verbosity=0)
    assert output.read_bytes()[:2] == b"PK"
