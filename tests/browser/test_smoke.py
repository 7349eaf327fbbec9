"""A person logs in, finds the Sasebo plan and opens its tree, in Japanese."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_log_in_and_browse_to_the_sasebo_tree(browser_page):
    page = browser_page
    log_in(page, "erin", PASSWORD)
    page.get_by_role("link", name="佐世保市DX戦略").click()
    page.wait_for_url("**/strategies/sasebo-dx/")
    assert page.get_by_role("heading", level=1).inner_text() == "佐世保市DX戦略"
    assert page.locator("li.policy").count() == 12
    assert page.get_by_text("観光2-1-4").count() == 1
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.console_errors == []
    assert page.outside_requests == []


def test_wrong_password_is_refused_with_a_message(browser_page):
    page = browser_page
    log_in(page, "erin", "wrong-password")
    assert "/accounts/login/" in page.url
    assert page.locator("p.error").is_visible()
