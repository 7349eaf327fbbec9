"""Layout in a real browser: the header stays on one line at 1280 px for the DX office and the
administrator (the longest menus), the entry grid is usable at 768 px without scrolling
sideways to 評価 and 状況, and the names read family name first."""

import pytest

from kpis.models import EntryStatus, YearlyValue
from tests.browser.conftest import log_in

DEMO_PASSWORD = "dxplan-demo"

HEADER_LINES = """() => {
  const tops = new Set();
  for (const item of document.querySelectorAll('.site-header > *, .site-header nav > *')) {
    const box = item.getBoundingClientRect();
    if (box.width > 0) tops.add(Math.round(box.top + box.height / 2));
  }
  return tops.size;
}"""


@pytest.mark.parametrize(("username", "name"), [("demo-dx", "九十九 島子"), ("demo-admin", "弓張 次郎")])
def test_the_header_does_not_wrap_at_1280(browser_page, username, name):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, username, DEMO_PASSWORD)
    page.goto(f"{page.base_url}/?list=1")
    assert page.evaluate(HEADER_LINES) == 1  # every item centred on one line
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert name in page.inner_text(".site-header .who")


def test_the_entry_grid_fits_768_without_sideways_scrolling(browser_page):
    page = browser_page
    # A submitted row: the grid says once that it is locked, above the rows.
    submitted = YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2024,
                                           indicator__responsible_department__name="観光商工部").first()
    YearlyValue.objects.filter(pk=submitted.pk).update(status=EntryStatus.SUBMITTED)
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, "demo-staff", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/entry/sasebo-dx/2024/")
    page.wait_for_selector("#entry-grid")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    scroller = page.evaluate("(() => { const s = document.querySelector('.table-scroll');"
                             " return [s.scrollWidth, s.clientWidth]; })()")
    assert scroller[0] <= scroller[1]
    headers = page.locator("#entry-grid thead th")
    last = headers.nth(headers.count() - 1).bounding_box()
    assert last["x"] + last["width"] <= 768  # 状況, the last column, is in view
    comment = page.locator(".comment-input").first.bounding_box()
    assert comment["width"] >= 80 and comment["x"] + comment["width"] <= 768  # 評価 can be typed in
    assert page.locator(".locked-note").count() == 1
    assert "ロック" not in page.inner_text(f"#row-{submitted.pk}")
