"""WCAG 2.1 A/AA on every page, for every role that can open it (axe-core, issue 15).

axe-core is vendored in static/vendor/axe-core/ (from the npm registry, with its licence) and
only ever injected by this test through the DevTools protocol (page.evaluate), never loaded by
a page: the site's Content-Security-Policy stays as it is. The pages come from
tests/browser/pages.py, which test_url_conf_pages.py keeps in step with the URL conf; a role
that is refused a page (403, 404 or a redirect elsewhere) is not a role that can open it.
"""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.pages import page_paths
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = ("erin", "alice", "frank", "bob", "carol", "dave")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length} nodes): `
    + v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))
      .join(" | "));
}"""


def axe_violations(page) -> list[str]:
    """The WCAG 2.1 A/AA violations axe finds on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE, WCAG_21_AA)


def _settle(page):
    page.wait_for_load_state("networkidle")
    figures = page.locator("[data-figure]").count()
    if figures:  # axe looks at the charts as plotly drew them
        page.wait_for_function(f"document.querySelectorAll('[data-rendered=true]').length == {figures}",
                               timeout=15000)


def _walk(page, paths, label, found, opened):
    for name, urls in paths.items():
        for path in urls:
            response = page.goto(page.base_url + path)
            if response.status != 200 or not page.url.split("?")[0].endswith(path.split("?")[0]):
                continue  # this role cannot open the page
            _settle(page)
            opened.add(name)
            for violation in axe_violations(page):
                found.append(f"{label} {path}: {violation}")


def test_every_page_meets_wcag_21_aa_for_every_role_that_can_open_it(browser_page, django_user_model):
    page = browser_page
    paths = page_paths(staff=django_user_model.objects.get(username="carol"))
    found, opened = [], set()
    _walk(page, {"login": paths.pop("login")}, "(anonymous)", found, opened)
    for username in ROLES:
        page.context.clear_cookies()
        log_in(page, username, PASSWORD)
        page.wait_for_url(f"{page.base_url}/**")
        _walk(page, paths, username, found, opened)
    assert found == [], "axe-core WCAG 2.1 A/AA violations:\n" + "\n".join(found)
    assert opened == set(paths) | {"login"}, f"pages no role could open: {set(paths) - opened}"
    # The refused pages above answer 403 / 404, which the console reports; nothing else may fail.
    errors = [e for e in page.console_errors if not re.search(r"status of (403|404) ", e)]
    assert errors == []
