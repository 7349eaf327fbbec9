"""The year-end round in the browser, as each role does its part (Sasebo, 令和6年度).

alice (staff, 観光商工部) pastes a column of three values copied from Excel, saves and
submits; bob (manager) approves two rows and returns the third with a comment; carol
(DX office) approves the two; alice sees the return, corrects, resubmits; bob and carol
approve it; carol closes the year; the approved values are in the API.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from kpis import workflow
from kpis.models import EntryRound, EntryStatus, YearlyValue
from plans.models import User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GRID = "/entry/sasebo-dx/2024/"
QUEUE = "/entry/sasebo-dx/2024/review/"


def _row(page, pk):
    return page.locator(f"tbody#row-{pk}")


def _status(pk):
    return YearlyValue.objects.get(pk=pk).status


def _paste(page, selector, text):
    """A paste event as Chromium fires it for Ctrl+V with `text` on the clipboard."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [selector, text],
    )


def _as(page, username, password):
    """Another person at another desk: a fresh session, then the login page."""
    page.context.clear_cookies()
    log_in(page, username, password)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _approve(page, pks):
    page.goto(page.base_url + QUEUE)
    for pk in pks:
        page.locator(f"#review-{pk} input[name=rows]").check()
    page.locator("#approve-form button[type=submit]").click()
    page.wait_for_load_state()


def test_year_end_round_through_every_role(browser_page):
    page = browser_page

    # --- alice lands on the entry grid and pastes a column from Excel -------------------
    log_in(page, "alice", PASSWORD)
    page.wait_for_url(f"**{GRID}")
    expect(page.locator(".round-banner.window-open")).to_be_visible()
    rows = page.locator("tbody[data-row][data-editable]")
    first, second, third = (int(rows.nth(i).get_attribute("data-row")) for i in range(3))
    _paste(page, f"#actual-{first}", "8\r\n５\r\n1,500\r\n")
    assert page.locator(f"#actual-{first}").input_value() == "8"
    assert page.locator(f"#actual-{second}").input_value() == "５"
    assert page.locator(f"#actual-{third}").input_value() == "1,500"
    expect(page.locator("tbody.is-dirty")).to_have_count(3)
    expect(page.locator("#grid-status")).not_to_be_empty()

    # Excel keys: Enter goes down a row, Tab across to the comment.
    page.locator(f"#actual-{first}").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"actual-{second}"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == f"actual-{first}"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"comment-{first}"
    page.keyboard.type("データ分析で計画を上回った")

    # Unsaved rows hold back submitting and leaving the page.
    page.locator("button[name=scope][value=selected]").click()
    expect(page.locator("[data-unsaved-warning]")).to_be_visible()
    assert page.url == page.base_url + GRID
    assert page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; }"
    )

    # Save every changed row without reloading the page.
    url_before = page.url
    page.locator("[data-save-all]").click()
    expect(page.locator("tbody.is-dirty")).to_have_count(0)
    for pk in (first, second, third):
        expect(_row(page, pk).locator(".status-draft")).to_be_visible()
    assert page.url == url_before
    assert YearlyValue.objects.get(pk=first).comment == "データ分析で計画を上回った"
    assert [YearlyValue.objects.get(pk=pk).actual.display() for pk in (first, second, third)] == ["8", "5", "1,500"]

    # A value that is not a number is refused next to the row and stays in the input.
    page.locator(f"#actual-{second}").fill("５件")
    page.locator(f"#actual-{second}").press("Control+s")
    expect(_row(page, second).locator("p.error")).to_contain_text("「５件」")
    assert page.locator(f"#actual-{second}").input_value() == "５件"
    page.locator(f"#actual-{second}").fill("5")
    page.locator(f"#actual-{second}").press("Control+s")
    expect(_row(page, second).locator(".saved-note")).to_be_visible()

    # A value far from its plan or last year is saved with a warning (kpis/plausibility.py) and
    # goes up only with a comment that explains it.
    for pk in (first, second, third):
        if YearlyValue.objects.get(pk=pk).actual_warnings and not YearlyValue.objects.get(pk=pk).comment:
            expect(_row(page, pk).locator(".plausibility .needs-comment")).to_be_visible()
            page.locator(f"#comment-{pk}").fill("集計表の値をそのまま入力しました")
            page.locator(f"#comment-{pk}").press("Control+s")
            expect(_row(page, pk).locator(".plausibility .needs-comment")).to_have_count(0)  # saved with it

    page.locator("button[name=scope][value=drafts]").click()
    page.wait_for_load_state()
    for pk in (first, second, third):
        expect(_row(page, pk).locator(".status-submitted")).to_be_visible()
    assert page.locator(f"#actual-{first}").count() == 0  # read-only until returned

    # --- bob approves two rows and returns the third -------------------------------------
    _as(page, "bob", PASSWORD)
    page.wait_for_url(f"**{GRID}")
    page.locator(f"a[href='{QUEUE}']").first.click()
    page.wait_for_url(f"**{QUEUE}")
    _approve(page, [first, second])
    assert {_status(first), _status(second)} == {EntryStatus.FIRST_APPROVED}
    page.locator(f"#review-{third} a[href^='/entry/values/{third}/return/']").click()
    page.locator("textarea[name=comment]").fill("単位は千人です。桁を確認してください。")
    page.locator("form.action-form button[type=submit]").click()
    page.wait_for_url(f"**{QUEUE}")
    assert _status(third) == EntryStatus.RETURNED

    # --- carol (DX office) approves the manager-approved rows ----------------------------
    _as(page, "carol", PASSWORD)
    _approve(page, [first, second])
    assert {_status(first), _status(second)} == {EntryStatus.APPROVED}

    # --- alice sees the return, corrects, resubmits --------------------------------------
    _as(page, "alice", PASSWORD)
    page.wait_for_url(f"**{GRID}")
    returned = _row(page, third)
    expect(returned.locator(".review-comment.is-returned")).to_contain_text("単位は千人です")
    expect(returned.locator(".status-returned")).to_be_visible()
    page.locator(f"#actual-{third}").fill("1.5")
    page.locator(f"#actual-{third}").press("Control+s")
    expect(returned.locator(".status-draft")).to_be_visible()
    corrected = YearlyValue.objects.get(pk=third)
    if corrected.actual_warnings and not corrected.comment:
        page.locator(f"#comment-{third}").fill("千人単位に直しました")
        page.locator(f"#comment-{third}").press("Control+s")
        expect(_row(page, third).locator(".plausibility .needs-comment")).to_have_count(0)
    page.locator(f"input[name=rows][value='{third}']").check()
    page.locator("button[name=scope][value=selected]").click()
    page.wait_for_load_state()
    expect(_row(page, third).locator(".status-submitted")).to_be_visible()

    # --- bob, then carol approve it; carol closes the year --------------------------------
    _as(page, "bob", PASSWORD)
    _approve(page, [third])
    _as(page, "carol", PASSWORD)
    _approve(page, [third])
    assert _status(third) == EntryStatus.APPROVED
    page.goto(page.base_url + "/entry/rounds/")
    page.locator("a[href='/entry/rounds/sasebo-dx/2024/close/']").click()
    page.locator("form.action-form button[type=submit]").click()
    page.wait_for_url("**/entry/rounds/")
    assert EntryRound.objects.get(strategy__code="sasebo-dx", fiscal_year=2024).is_closed
    page.goto(page.base_url + GRID + f"?department={YearlyValue.objects.get(pk=first).indicator.responsible_department_id}")
    expect(page.locator(".round-banner.window-closed")).to_be_visible()

    # --- the approved values are in the API ----------------------------------------------
    for pk, shown in ((first, "8"), (second, "5"), (third, "1.5")):
        indicator = YearlyValue.objects.get(pk=pk).indicator_id
        response = page.request.get(
            f"{page.base_url}/api/v1/yearly-values/?strategy=sasebo-dx&fiscal_year=2024&indicator={indicator}",
            headers={"Accept": "application/json"},
        )
        assert response.ok
        body = json.loads(response.text())
        results = body["results"] if isinstance(body, dict) else body
        assert [(r["id"], r["actual"]["display"]) for r in results] == [(pk, shown)]

    assert page.console_errors == []
    assert page.outside_requests == []


def test_a_conflicting_save_keeps_what_was_typed_and_offers_the_other_value(browser_page):
    page = browser_page
    log_in(page, "alice", PASSWORD)
    page.wait_for_url(f"**{GRID}")
    pk = int(page.locator("tbody[data-row][data-editable]").first.get_attribute("data-row"))
    # bob saves the same row while alice has the page open.
    row = YearlyValue.objects.get(pk=pk)
    workflow.entry_save(user=User.objects.get(username="bob"), yearly_value=row, actual="30", comment="所属長が入力",
                        expected_version=row.version)
    page.locator(f"#actual-{pk}").fill("25")
    page.locator(f"#actual-{pk}").press("Control+s")
    conflict = _row(page, pk).locator(".conflict")
    expect(conflict.locator(".their-actual")).to_have_text("30")
    expect(conflict.locator(".their-comment")).to_have_text("所属長が入力")
    assert page.locator(f"#actual-{pk}").input_value() == "25"
    expect(_row(page, pk)).to_have_class(re.compile(r"\bis-dirty\b"))
    assert YearlyValue.objects.get(pk=pk).actual.display() == "30"
    # Taking theirs fills the inputs with the stored value; nothing is left unsaved.
    conflict.locator("[data-use-theirs]").click()
    assert page.locator(f"#actual-{pk}").input_value() == "30"
    assert page.locator(f"#comment-{pk}").input_value() == "所属長が入力"
    expect(page.locator("tbody.is-dirty")).to_have_count(0)
    assert page.console_errors == []
    assert page.outside_requests == []
