"""The oversight dashboard's charts in a real browser (Debian chromium through Playwright), under
the site's Content-Security-Policy: the office opens 督查考核 with the oversight demo loaded and
ECharts draws the findings-by-town and the appraisal-standings charts from their JSON endpoints
(no inline script); the overdue chart draws or says 暂无数据; no script error on the page."""

from __future__ import annotations

import pytest

from tests.test_browser_charts import _login
from tests.test_browser_delegation import chromium, demo_site, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_charts_draw_under_the_csp(page, demo_site):  # noqa: F811
    from playwright.sync_api import expect

    from oversight.demo import load_demo_oversight

    assert load_demo_oversight() is True
    base = demo_site.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, base, "office")
    response = page.goto(f"{base}/oversight/")
    assert "script-src" in (response.headers.get("content-security-policy") or "")
    for testid in ("findings-chart", "standings-chart"):
        chart = page.get_by_test_id(testid).locator(".kq-chart")
        expect(chart).to_have_attribute("data-chart-state", "ready")
        expect(chart.locator("svg")).to_have_count(1)
        expect(chart.locator("svg")).to_contain_text("临溪镇")
    overdue = page.get_by_test_id("overdue-chart").locator(".kq-chart")
    expect(overdue).to_have_attribute("data-chart-state", "ready")
    expect(overdue.locator("svg")).to_contain_text("整改逾期")
    expect(page.get_by_test_id("standings")).to_contain_text("临溪镇")
    assert errors == []
