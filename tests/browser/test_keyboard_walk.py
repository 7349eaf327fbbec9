"""The entry round by keyboard only (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): alice logs in, skips to
the content with the skip link, reaches her first row with Tab, types a value and a comment,
saves with Ctrl+Enter, submits with Space and Enter; every element that takes focus shows a
focus ring, and Tab leaves the page's last control (no keyboard trap)."""

import pytest

from kpis.models import EntryStatus, YearlyValue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GRID = "/entry/sasebo-dx/2024/"

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const rect = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, name: e.getAttribute("name") || "", value: e.getAttribute("value") || "",
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0,
          text: (e.innerText || e.value || "").slice(0, 40)};
}"""


def _focus(page):
    return page.evaluate(FOCUS)


def _tab_until(page, wanted, limit=300, shift=False):
    """Press Tab until `wanted(focus)`; every stop on the way shows a focus ring and is on screen."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        focus = _focus(page)
        if focus is None:
            continue
        assert focus["outline"], f"no visible focus on {focus}"
        assert focus["visible"], f"focus on an invisible element {focus}"
        if wanted(focus):
            return focus
    raise AssertionError("Tab never reached the wanted element (a keyboard trap or a missing control)")


def test_the_entry_round_by_keyboard_only(browser_page):
    page = browser_page
    page.goto(page.base_url + "/accounts/login/")
    _tab_until(page, lambda f: f["name"] == "username")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(page.base_url + GRID)
    page.wait_for_load_state("networkidle")
    # The first Tab reaches the skip link, which shows itself and moves focus to the content.
    page.keyboard.press("Tab")
    skip = _focus(page)
    assert "skip-link" in skip["cls"] and skip["outline"]
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    actual = _tab_until(page, lambda f: "actual-input" in f["cls"])
    pk = int(actual["id"].removeprefix("actual-"))
    row = YearlyValue.objects.get(pk=pk)
    page.keyboard.press("Control+a")
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    assert _focus(page)["id"] == f"comment-{pk}"
    page.keyboard.type("キーボードだけで入力しました")
    page.keyboard.press("Control+Enter")  # the grid's save shortcut
    page.locator(f"tbody#row-{pk} .saved-note").wait_for(timeout=15000)
    row.refresh_from_db()
    assert row.status == EntryStatus.DRAFT and row.actual.display() == "10"

    # Select the row with Space, then reach "Submit the selected rows" and press Enter.
    page.locator(f"#comment-{pk}").focus()
    _tab_until(page, lambda f: f["tag"] == "input" and f["name"] == "rows", shift=True)
    page.keyboard.press("Space")
    assert page.locator(f"tbody#row-{pk} input[name=rows]").is_checked()
    _tab_until(page, lambda f: f["tag"] == "button" and f["name"] == "scope" and f["value"] == "selected")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    row.refresh_from_db()
    assert row.status in (EntryStatus.SUBMITTED, EntryStatus.APPROVED)

    # No trap: from the last control, Tab leaves the page (focus goes back to the browser) and
    # comes round to the skip link again.
    page.goto(page.base_url + GRID)
    page.wait_for_load_state("networkidle")
    seen = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        focus = _focus(page)
        if focus is None:
            continue
        if "skip-link" in focus["cls"] and seen:
            break
        seen.add((focus["tag"], focus["id"], focus["name"], focus["text"]))
    else:
        raise AssertionError("Tab never came round to the start: focus is trapped")
    assert len(seen) > 10
