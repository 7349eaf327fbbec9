"""Playwright driving Debian's Chromium (its own browser download cannot work here).

Browser tests run against pytest-django's live server, which needs a
transactional database: that is flushed after each test, so the demo plans and
named users are loaded again inside it.
"""

import os
import shutil
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("DXPLAN_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# fixtures make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo_live_server(live_server, transactional_db):
    from tests.conftest import _create_named_users

    call_command("load_demo", verbosity=0)
    _create_named_users()
    return live_server


# Reports every Content-Security-Policy violation of a page, whichever way the browser words it
# in the console. Playwright adds init scripts outside the page's CSP.
RECORD_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture
def browser_page(demo_live_server):
    """A page that records console errors, CSP violations and every request leaving the live
    server. A test that provoked a CSP violation fails at teardown, so every page a browser test
    visits is checked against the policy."""
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        if os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (install Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    server = urlparse(demo_live_server.url).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.console_errors = []
        page.csp_violations = []
        page.on("console", lambda message: _is_csp_violation(message.text) and page.csp_violations.append(message.text))
        page.outside_requests = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.on(
            "request",
            lambda request: urlparse(request.url).netloc not in (server, "")
            and page.outside_requests.append(request.url),
        )
        page.base_url = demo_live_server.url
        yield page
        violations = list(page.csp_violations)
        context.close()
        browser.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def log_in(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
