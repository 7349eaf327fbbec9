"""The municipality boundary over publishing: the DX office and administrators of a city
publish, correct and withdraw their own city's plans only.

Table-driven over the two cities (tests.reports.boundary_cases.PAIRS): every Sasebo role
against Nagasaki's plan and publication and every Nagasaki role against Sasebo's. Another
city's plan or publication answers 404 (403 for roles that do not publish), shows nothing
of it, and changes nothing. The anonymous public pages are unchanged.
"""

import pytest
from django.core.exceptions import PermissionDenied

from plans.models import Strategy
from public.models import Publication, PublicationStatus, PublicJob, PublicJobKind
from public.services import publication_publish, publication_withdraw
from reports.models import JobStatus
from tests.public.conftest import run_queued_jobs
from tests.reports.boundary_cases import CITIES, NAGASAKI, PAIRS, SASEBO, WRITERS, leaked, snapshot

pytestmark = pytest.mark.django_db

# A fiscal year of each city's plan that may be published: ended, and its round (if any) closed.
PLAN = {"sasebo": ("sasebo-dx", 2023), "nagasaki": ("nagasaki-dx", 2023)}


def _published(request, city) -> Publication:
    code, fiscal_year = PLAN[city.code]
    return publication_publish(user=request.getfixturevalue(city.dx_office), strategy=Strategy.objects.get(code=code),
                               fiscal_year=fiscal_year)


# Every action of the publishing pages on another city's plan: (name, method, path, data).
ACTIONS = [
    ("manage page", "get", "/public/manage/{code}/?fiscal_year={fy}", None),
    ("preview", "get", "/public/manage/{code}/preview/{fy}/", None),
    ("publish", "post", "/public/manage/{code}/publish/", {"fiscal_year": "{fy}"}),
    ("correct", "post", "/public/manage/{code}/publish/", {"fiscal_year": "{fy}", "reason": "数値の誤り"}),
    ("withdraw", "post", "/public/manage/{code}/{pk}/withdraw/", {"reason": "誤り"}),
    ("withdraw under one's own plan", "post", "/public/manage/{own}/{pk}/withdraw/", {"reason": "誤り"}),
    ("static export", "post", "/public/manage/{code}/exports/", {}),
    ("job row", "get", "/public/manage/{code}/jobs/{job}/", None),
    ("job row under one's own plan", "get", "/public/manage/{own}/jobs/{job}/", None),
    ("export download", "get", "/public/manage/{code}/jobs/{job}/download/", None),
    ("export download under one's own plan", "get", "/public/manage/{own}/jobs/{job}/download/", None),
]


@pytest.mark.parametrize(("username", "mine", "other"), PAIRS)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_another_citys_plan_cannot_be_published_or_withdrawn(client, request, username, mine, other, action):
    name, method, path, data = action
    publication = _published(request, other)
    code, fiscal_year = PLAN[other.code]
    job = PublicJob.objects.create(strategy=publication.strategy, kind=PublicJobKind.EXPORT, status=JobStatus.DONE,
                                   progress=100, file="public-exports/secret.zip")
    fields = {"code": code, "fy": fiscal_year, "pk": publication.pk, "own": PLAN[mine.code][0], "job": job.pk}
    client.force_login(request.getfixturevalue(username))
    before = snapshot()
    url = path.format(**fields)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {k: v.format(**fields) for k, v in data.items()})
    assert response.status_code == (404 if username in WRITERS else 403), (name, response.status_code)
    assert leaked(response.content.decode(), other, asked=url) == []
    assert snapshot() == before
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


@pytest.mark.parametrize(("username", "mine", "other"), [p for p in PAIRS if p[0] in WRITERS])
def test_the_publishing_index_lists_ones_own_citys_plans_only(client, request, username, mine, other):
    client.force_login(request.getfixturevalue(username))
    body = client.get("/public/manage/").content.decode()
    assert PLAN[mine.code][0] in body and leaked(body, other) == []


@pytest.mark.parametrize("username", sorted(WRITERS))
def test_the_services_refuse_another_citys_plan_with_a_reason(request, username):
    user = request.getfixturevalue(username)
    other = NAGASAKI if user.municipality.code == "sasebo" else SASEBO
    publication = _published(request, other)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="別の自治体"):
        publication_publish(user=user, strategy=publication.strategy, fiscal_year=publication.fiscal_year,
                            reason="訂正")
    with pytest.raises(PermissionDenied, match="別の自治体"):
        publication_withdraw(user=user, publication=publication, reason="誤り")
    assert snapshot() == before


@pytest.mark.parametrize("username", ["nina", "nora"])
def test_nagasakis_dx_office_and_administrator_publish_correct_and_withdraw_nagasaki(client, request, username):
    client.force_login(request.getfixturevalue(username))
    code, fiscal_year = PLAN["nagasaki"]
    assert client.get(f"/public/manage/{code}/?fiscal_year={fiscal_year}").status_code == 200
    response = client.post(f"/public/manage/{code}/publish/", {"fiscal_year": fiscal_year}, follow=True)
    assert "の公開を始めました" in response.content.decode()
    run_queued_jobs()  # publishing is a job: run it as a worker would
    first = Publication.objects.get(strategy__code=code)
    client.post(f"/public/manage/{code}/publish/", {"fiscal_year": fiscal_year, "reason": "数値の誤り"})
    run_queued_jobs()
    corrected = Publication.objects.get(strategy__code=code, status=PublicationStatus.PUBLISHED)
    assert corrected.replaces == first and corrected.published_by.username == username
    client.post(f"/public/manage/{code}/{corrected.pk}/withdraw/", {"reason": "誤り"})
    corrected.refresh_from_db()
    assert corrected.status == PublicationStatus.WITHDRAWN


def test_the_anonymous_public_pages_are_unchanged(client, request):
    for city in CITIES.values():
        _published(request, city)
    for code, (strategy, fiscal_year) in PLAN.items():
        assert client.get(f"/public/{code}/{strategy}/{fiscal_year}/").status_code == 200
