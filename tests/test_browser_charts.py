"""The delegation charts in a real browser (Debian chromium through Playwright): the county office
opens the take-over matrix and the overdue page, and ECharts draws an SVG from each chart's JSON
endpoint (static/js/charts.js, static/vendor/echarts); 临溪镇's clerk sees her own town only.
With KUOQUAN_SCREENSHOTS=1 the pages are saved to docs/screenshots/ (off by default).
"""

from __future__ import annotations

import pytest

from tests.test_browser_delegation import SCREENSHOTS, TAKE_SCREENSHOTS, chromium, demo_site, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser_page, base, username):
    browser_page.goto(f"{base}/accounts/login/")
    browser_page.fill("#id_username", username)
    browser_page.fill("#id_password", "kuoquan-demo")
    browser_page.get_by_role("button", name="登录").click()
    browser_page.wait_for_url(f"{base}/")


def test_charts_draw_from_their_endpoints(page, demo_site):  # noqa: F811
    from playwright.sync_api import expect

    base = demo_site.url
    _login(page, base, "office")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{base}/delegation/matrix/")
    chart = page.get_by_test_id("takeover-chart").locator(".kq-chart")
    expect(chart).to_have_attribute("data-chart-state", "ready")
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart.locator("svg")).to_contain_text("临溪镇")  # the town on the axis, drawn as text
    assert chart.bounding_box()["height"] >= 200
    if TAKE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "matrix-chart.png"), full_page=True)

    page.goto(f"{base}/delegation/overdue/")
    chart = page.get_by_test_id("filing-chart").locator(".kq-chart")
    expect(chart).to_have_attribute("data-chart-state", "ready")
    svg = chart.locator("svg")
    expect(svg).to_have_count(1)
    for legend in ("按时备案", "逾期备案", "已逾期未备案", "待备案"):
        expect(svg).to_contain_text(legend)
    if TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "overdue-chart.png"), full_page=True)
    assert errors == []


def test_a_town_without_pilot_status_gets_words_not_empty_axes(page, demo_site):  # noqa: F811
    from playwright.sync_api import expect

    base = demo_site.url
    _login(page, base, "clerk_other")  # 华阳镇: no pilot town, nothing assigned
    page.goto(f"{base}/delegation/matrix/")
    chart = page.get_by_test_id("takeover-chart").locator(".kq-chart")
    expect(chart).to_have_attribute("data-chart-state", "empty")
    expect(chart).to_contain_text("暂无数据")
    expect(chart.locator("svg")).to_have_count(0)
