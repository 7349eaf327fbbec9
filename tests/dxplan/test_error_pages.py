"""Error pages: 400/403/404/500 in the site's layout and the user's language, 403 with the
view's reason; under /api/ they stay JSON."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.utils import translation

from dxplan import errors
from reports.models import JobStatus, ReportJob

LAYOUT = 'class="site-header"'


@pytest.fixture
def done_job(sasebo, carol):
    return ReportJob.objects.create(requested_by=carol, strategy=sasebo, fiscal_year=2025, as_of="2025-11-01",
                                    status=JobStatus.DONE)


def _paths(job):
    return ["/reports/", f"/reports/jobs/{job.pk}/download/", "/imports/", "/imports/template.xlsx"]


def test_a_viewer_gets_the_403_page_in_japanese_with_the_reason(client, erin, done_job):
    client.force_login(erin)
    for path in _paths(done_job):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 403, path
        assert LAYOUT in html and "403 Forbidden" not in html, path
        assert "権限がありません" in html, path  # the title, in Japanese
        reason = "管理者のみ" if path.startswith("/imports/") else "管理者とDX推進課のみ"
        assert reason in html, (path, html)
        assert "Not allowed" not in html, path


def test_in_english_the_403_page_is_english(client, erin, done_job):
    client.force_login(erin)
    client.cookies["django_language"] = "en"
    for path in _paths(done_job):
        html = client.get(path).content.decode()
        assert "Not allowed" in html and "権限がありません" not in html, path


def test_the_404_page_is_in_the_layout(client, erin):
    client.force_login(erin)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert LAYOUT in html and "ページが見つかりません" in html


def test_api_errors_stay_json(client, erin):
    client.force_login(erin)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    request = RequestFactory().get("/api/v1/strategies/")
    assert errors.server_error(request)["Content-Type"] == "application/json"
    denied = errors.permission_denied(request, PermissionError("no"))
    assert denied.status_code == 403 and denied["Content-Type"] == "application/json"


def test_the_500_page_renders_without_the_database():
    # No db fixture: any database access here raises "Database access not allowed".
    request = RequestFactory().get("/reports/")
    with translation.override("ja"):
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and LAYOUT in html and "サーバーエラー" in html


def test_the_400_page_is_in_the_layout():
    with translation.override("ja"):
        response = errors.bad_request(RequestFactory().get("/reports/"), SuspiciousOperation("x"))
    html = response.content.decode()
    assert response.status_code == 400 and LAYOUT in html and "リクエストを読み取れません" in html
