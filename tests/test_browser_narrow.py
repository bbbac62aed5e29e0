"""At 390 px wide (a phone) the records table scrolls sideways instead of crushing its columns to
one or two characters (issue 6 §3). Debian chromium through Playwright, as test_browser_delegation."""

from __future__ import annotations

import pytest

from tests.system import require_chromium
from tests.test_browser_delegation import _ensure_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrow_page(transactional_db, live_server):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from delegation.demo import load_demo_delegation
    from regions.demo import load_demo_regions

    _ensure_calendar(2026, 2027)
    load_demo_regions()
    load_demo_delegation()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=require_chromium(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page, live_server.url
        connections.close_all()
        context.close()
        browser.close()


COLUMN_WIDTHS = """(selector) => {
  const table = document.querySelector(selector);
  const font = parseFloat(getComputedStyle(table.querySelector('td')).fontSize);
  const cells = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width);
  const wrapper = table.closest('.table-responsive');
  return {font, cells, scrolls: wrapper.scrollWidth > wrapper.clientWidth, page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("user, path, testid", [
    ("clerk_linxi", "/delegation/records/", "record-list"),
    ("office", "/delegation/items/", "item-list"),
    ("office", "/delegation/assignments/", "assignment-list"),
])
def test_tables_keep_readable_columns_at_390_px(narrow_page, user, path, testid):
    from playwright.sync_api import expect

    page, base = narrow_page
    page.goto(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", user)
    page.fill("#id_password", "kuoquan-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id(testid)).to_be_visible()
    m = page.evaluate(COLUMN_WIDTHS, f'[data-testid="{testid}"]')
    # Every column at least three characters wide (the empty action column of the record list
    # holds a button); the table scrolls inside its wrapper, the page itself does not.
    narrow = [w for w in m["cells"] if w < 3 * m["font"]]
    assert len(narrow) <= 1 and all(w >= 2 * m["font"] for w in m["cells"]), m
    assert m["scrolls"] and m["page"] <= 390, m
