"""The header fits one row on a 1366 × 768 laptop, in English and in Chinese, for every persona
(issue 9): the brand, the seven area links, the jurisdiction, the bell, the language selector and
the logout button. At 1280 px nothing is clipped off the right edge (whole items may wrap onto a
second row there); at 390 px the menu collapses behind the toggler (tests/test_browser_narrow.py
checks the tables there). Debian chromium through Playwright, as test_browser_delegation.
"""

from __future__ import annotations

import pytest

from tests.test_browser_delegation import chromium, demo_site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("office", "clerk_linxi", "clerk_other", "auditor", "superior", "admin")

# Every element of the header row: its top, bottom and right edge, and the bar's height.
MEASURE = """() => {
  const nav = document.querySelector('nav.navbar');
  const items = [...nav.querySelectorAll(
    '.navbar-brand, #mainnav > .navbar-nav > .nav-item, [data-testid=jurisdiction], ' +
    '[data-testid=nav-notifications], select[name=language], form[action*=logout] button, .navbar-toggler')]
    .filter(el => el.getBoundingClientRect().width > 0)
    .map(el => { const r = el.getBoundingClientRect();
                 return {text: (el.innerText || el.value || '').trim().slice(0, 40), top: r.top, bottom: r.bottom,
                         right: r.right, mid: (r.top + r.bottom) / 2}; });
  return {height: nav.getBoundingClientRect().height, items, page: document.documentElement.scrollWidth};
}"""


@pytest.fixture
def browser(chromium, demo_site):  # noqa: F811
    return chromium, demo_site.url


def _header(browser, base, *, user: str, language: str, width: int, height: int = 768) -> dict:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", user)
        page.fill("#id_password", "kuoquan-demo")
        page.locator("form button[type=submit]").click()
        expect(page.get_by_test_id("nav-notifications")).to_be_attached()
        if language == "en":
            if width < 992:  # the selector is inside the collapsed menu: open it first
                page.locator(".navbar-toggler").click()
            page.select_option("select[name=language]", "en")  # the header's own selector
            expect(page.locator("html")).to_have_attribute("lang", "en")
            if width < 992:
                page.reload()  # measured closed, as a phone user first sees it
        return page.evaluate(MEASURE)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_header_is_one_row_at_1366_px(browser, language):
    browser, base = browser
    wrapped = {}
    for user in PERSONAS:
        m = _header(browser, base, user=user, language=language, width=1366)
        items = m["items"]
        # brand, 7 areas, the jurisdiction (none for the superuser), bell, language, logout
        assert len(items) >= (11 if user == "admin" else 12), (user, items)
        # One row: every item's vertical middle inside every other item's box, the bar no taller
        # than one row of buttons (56 px: Bootstrap's navbar with a small button), nothing past
        # the right edge.
        one_row = all(o["top"] <= i["mid"] <= o["bottom"] for i in items for o in items)
        if not (one_row and m["height"] <= 60 and max(i["right"] for i in items) <= 1366 and m["page"] <= 1366):
            wrapped[user] = (m["height"], [(i["text"], i["top"], round(i["right"])) for i in items])
    assert not wrapped, wrapped


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_header_clips_nothing_at_1280_px_and_collapses_at_390_px(browser, language):
    browser, base = browser
    for user in ("office", "admin"):
        wide = _header(browser, base, user=user, language=language, width=1280)
        assert max(i["right"] for i in wide["items"]) <= 1280 and wide["page"] <= 1280, (user, wide)
        phone = _header(browser, base, user=user, language=language, width=390, height=844)
        # Collapsed: the brand and the toggler only, on one row, nothing wider than the phone.
        shown = [i["text"] for i in phone["items"]]
        assert len(shown) == 2, phone
        assert phone["page"] <= 390 and max(i["right"] for i in phone["items"]) <= 390, phone
        assert abs(phone["items"][0]["mid"] - phone["items"][1]["mid"]) < 12, phone
