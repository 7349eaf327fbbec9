"""The public side in a real browser, as a citizen meets it (issue 11): no login, on a phone,
accessible, and the static export opened from the file system with no server at all."""

from pathlib import Path

import pytest

from plans.models import Strategy, User
from public.services import publication_publish
from public.static_export import export_site
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def _publish_sasebo_2023():
    return publication_publish(user=User.objects.get(username="carol"),
                               strategy=Strategy.objects.get(code="sasebo-dx"), fiscal_year=2023)


def _fits_the_phone(page) -> bool:
    """Nothing but the tables' own scrolling boxes is wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_anonymous_citizen_reads_the_year_on_a_phone(browser_page):
    page = browser_page
    _publish_sasebo_2023()
    page.set_viewport_size(PHONE)
    response = page.goto(page.base_url + "/public/sasebo/sasebo-dx/2023/")
    assert response.status == 200
    assert "令和5年度" in page.title()
    assert page.locator("svg[role=img]").count() > 0 and page.locator("table").count() > 0
    assert _fits_the_phone(page)
    assert axe_violations(page) == []
    page.click("text=English")
    page.wait_for_url("**?lang=en")
    assert "FY2023" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    assert page.outside_requests == [] and page.console_errors == []


def test_static_export_opens_from_the_file_system_with_no_request_outside(browser_page, tmp_path):
    page = browser_page
    _publish_sasebo_2023()
    export_site(municipality="sasebo", strategy="sasebo-dx", directory=tmp_path)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size(PHONE)
    page.goto((tmp_path / "index.html").as_uri())
    page.wait_for_url("**/2023/index.html")
    assert "令和5年度" in page.locator("h1").inner_text()
    # The style sheet loaded from the export's own folder (a phone-width layout needs it).
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    assert page.locator("svg[role=img]").count() > 0
    assert _fits_the_phone(page)
    page.click("text=English")
    page.wait_for_url("**/2023/en.html")
    assert page.console_errors == []  # before axe: its own stylesheet reads are refused on file://
    assert axe_violations(page) == []
    csv_link = page.locator("a[href='open-data.csv']")
    assert csv_link.count() == 1
    assert (Path(tmp_path) / "2023" / "open-data.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert requests and all(url.startswith("file://") for url in requests), [
        url for url in requests if not url.startswith("file://")]
