"""Every role walks the main pages under the Content-Security-Policy: each page answers 200,
draws its charts, and the browser reports no CSP violation (checked by the browser_page
fixture) and no console error (issue 14, defect 10)."""

import pytest

from kpis.models import Indicator
from plans.models import BasicPolicy, Department, Strategy
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROLES = {
    "erin": (),
    "alice": ("entry",),
    "frank": ("entry",),
    "bob": ("entry", "review"),
    "carol": ("entry", "review", "rounds", "reports"),
    "dave": ("entry", "review", "rounds", "reports", "imports", "admin"),
}


def _pages():
    sasebo = Strategy.objects.get(code="sasebo-dx")
    indicator = Indicator.objects.filter(strategy=sasebo).order_by("pk").first()
    policy = BasicPolicy.objects.filter(strategy=sasebo).order_by("order").first()
    department = Department.objects.get(municipality__code="sasebo", name="観光商工部")
    board = "/dashboards/sasebo-dx"
    common = [
        "/", "/?list=1", "/strategies/sasebo-dx/", "/dashboards/", f"{board}/", f"{board}/?fy=2023",
        f"{board}/compare/", f"{board}/indicators/", f"{board}/indicators/{indicator.pk}/?fy=2023",
        f"{board}/policies/{policy.pk}/", f"{board}/roadmap/", f"{board}/departments/{department.pk}/",
        "/entry/current/tracker/", "/api/docs/",
    ]
    by_capability = {
        "entry": ["/entry/current/entry/"], "review": ["/entry/current/review/"], "rounds": ["/entry/rounds/"],
        "reports": ["/reports/"], "imports": ["/imports/"], "admin": ["/admin/", "/admin/kpis/indicator/"],
    }
    return common, by_capability


def test_every_role_walks_the_main_pages_without_a_csp_violation(browser_page):
    page = browser_page
    common, by_capability = _pages()
    visited = charts = 0
    missing = []
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    for username, capabilities in ROLES.items():
        page.context.clear_cookies()
        log_in(page, username, PASSWORD)
        page.wait_for_url(f"{page.base_url}/**")
        for path in common + [p for c in capabilities for p in by_capability[c]]:
            response = page.goto(page.base_url + path)
            page.wait_for_load_state("networkidle")
            assert response.status == 200, f"{username} {path}: {response.status}"
            figures = page.locator("[data-figure]").count()
            if figures:  # plotly drew every chart (it would not if the policy blocked it)
                page.wait_for_function(f"document.querySelectorAll('[data-rendered=true]').length == {figures}",
                                       timeout=15000)
                charts += 1
            if path == "/api/docs/":
                page.wait_for_selector(".swagger-ui .info", timeout=15000)
            visited += 1
            assert page.csp_violations == [], f"{username} {path}: {page.csp_violations}"
    assert visited > 6 * len(common) and charts >= 6 * 5
    assert missing == []
    assert page.console_errors == []
    assert page.outside_requests == []
