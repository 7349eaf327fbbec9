"""The DX office answers "which focus issues are behind, and who owns the slipping
indicators?" in three clicks from the landing page, then opens an indicator's chart."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _rendered(page, figure):
    """Wait for dashboards.js to draw a figure; return how many traces plotly holds for it."""
    selector = f'[data-figure="figure-{figure}"][data-rendered="true"]'
    page.wait_for_selector(selector, timeout=15000)
    return page.eval_on_selector(selector, "element => element.data.length")


def test_three_clicks_to_the_slipping_focus_issues_and_their_departments(browser_page):
    page = browser_page
    log_in(page, "carol", PASSWORD)
    page.wait_for_url(f"{page.base_url}/")

    # 1: the dashboard of the Sasebo plan from the landing page
    page.locator("tr", has_text="佐世保市DX戦略").locator("a.dashboard-link").click()
    page.wait_for_url("**/dashboards/sasebo-dx/")
    assert _rendered(page, "grades") == 1
    assert _rendered(page, "policies") == 4  # A, B, C, －

    # 2: the fiscal year (令和5年度, the last one with its actuals in)
    page.locator('nav.years a[data-fiscal-year="2023"]').click()
    page.wait_for_url("**/dashboards/sasebo-dx/?fy=2023")
    behind = page.locator("table.behind-table tbody tr")
    assert behind.count() > 0
    first = behind.first
    policy_code = first.get_attribute("data-policy")
    departments = first.locator("a.dept-link").all_inner_texts()
    behind_count = int(first.locator("a.behind-link").inner_text())
    assert departments, "each slipping focus issue names the departments owning its indicators"

    # 3: the slipping indicators of the first focus issue, each with its department
    first.locator("a.behind-link").click()
    page.wait_for_url("**/indicators/?*grade=behind*")
    rows = page.locator("table.indicators tbody tr[data-indicator]")
    assert rows.count() == behind_count
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(2).inner_text().startswith(policy_code)
        assert cells.nth(4).inner_text() in departments
        assert rows.nth(i).locator(".grade").first.inner_text() in ("B", "C")

    # and on to one indicator's chart: planned and actual (at least) drawn by plotly
    rows.first.locator("td").first.locator("a").click()
    page.wait_for_url("**/dashboards/sasebo-dx/indicators/*/?fy=2023")
    assert _rendered(page, "chart") >= 2
    assert page.locator("table.values tbody tr").count() == 7  # R3–R9
    assert page.console_errors == []
    assert page.outside_requests == []


def test_a_year_without_slipping_indicators_says_so(browser_page):
    page = browser_page
    log_in(page, "erin", PASSWORD)
    page.goto(f"{page.base_url}/dashboards/sasebo-dx/")
    page.locator('nav.years a[data-fiscal-year="2024"]').click()
    page.wait_for_url("**/dashboards/sasebo-dx/?fy=2024")
    assert page.locator("table.behind-table").count() == 0
    assert page.locator("#behind + p.empty").is_visible()
    assert _rendered(page, "grades") == 1
    assert page.console_errors == []
    assert page.outside_requests == []


def test_pages_fit_a_tablet(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 800, "height": 1100})
    log_in(page, "carol", PASSWORD)
    for path in ("/dashboards/sasebo-dx/", "/dashboards/sasebo-dx/roadmap/"):
        page.goto(page.base_url + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    assert page.console_errors == []
    assert page.outside_requests == []
