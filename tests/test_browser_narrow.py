"""At 390 px wide (a phone) the records table scrolls sideways instead of crushing its columns to
one or two characters (issue 6 §3). Debian chromium through Playwright, as test_browser_delegation."""

from __future__ import annotations

import pytest

from tests.test_browser_delegation import chromium, demo_site, new_page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrow_page(chromium, demo_site):  # noqa: F811
    page = new_page(chromium, width=390, height=844)
    yield page, demo_site.url
    page.context.close()


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
