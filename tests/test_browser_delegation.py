"""The clerk's filing round trip in a real browser (Debian chromium through Playwright).

临溪镇's clerk logs in on the Chinese login page, registers a decision taken on 1 September
2026 under a 1-month filing rule (due 8 October: 1 October falls in the National Day
holiday) on the new-record page, lands on the record, leaves it unfiled and sees it as
已逾期未备案 on the list, then files it there and sees 逾期备案.
With KUOQUAN_SCREENSHOTS=1 the records page and the catalogue are saved to docs/screenshots/
for the README (off by default, so a test run leaves the work tree clean).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.system import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
TAKE_SCREENSHOTS = os.environ.get("KUOQUAN_SCREENSHOTS") == "1"
DECISION = "临政备〔2026〕60号"


def _ensure_calendar(*years: int) -> None:
    """A transactional test may follow another that flushed the migration-loaded calendar."""
    from core import deadlines
    from core.models import CalendarYear
    from core.services import calendar_year_import_from_package, package_years

    for year in years:
        if year in package_years() and not CalendarYear.objects.filter(year=year).exists():
            calendar_year_import_from_package(year=year)
    deadlines.clear_cache()


@pytest.fixture
def demo_site(transactional_db, live_server):
    from delegation.demo import load_demo_delegation
    from regions.demo import load_demo_regions

    _ensure_calendar(2026, 2027)
    load_demo_regions()
    load_demo_delegation()
    return live_server


@pytest.fixture
def chromium(demo_site):
    """Debian's chromium through Playwright (never a downloaded browser), for every browser test."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=require_chromium(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        # Queries made while Playwright's event loop runs use their own connection (Django's
        # connections are per context); close it here or the test database cannot be dropped.
        connections.close_all()
        browser.close()


def new_page(browser, *, width: int = 1440, height: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(chromium):
    page = new_page(chromium)
    yield page
    page.context.close()


def test_clerk_files_an_overdue_record(page, demo_site):
    from playwright.sync_api import expect

    from delegation.models import ExerciseRecord, Item

    assert datetime.date.today() >= datetime.date(2026, 11, 26), "the walk needs 8 October 2026 to be past"
    base = demo_site.url
    item = Item.objects.get(code="JX-FGW-001")  # taken over by 临溪镇, filing within 1 month

    # The records page asks for a login first: the Chinese login page.
    page.goto(f"{base}/delegation/records/")
    expect(page.get_by_role("heading", name="登录扩权强镇管理平台")).to_be_visible()
    page.fill("#id_username", "clerk_linxi")
    page.fill("#id_password", "kuoquan-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="办件记录与备案")).to_be_visible()
    expect(page.get_by_test_id("jurisdiction")).to_contain_text("临溪镇")

    # Register a new record on its own page (the list links to it); its item choices are what
    # 临溪镇 has taken over.
    page.get_by_test_id("record-create").click()
    expect(page.get_by_role("heading", name="登记新办件")).to_be_visible()
    form = page.get_by_test_id("record-form")
    options = form.locator("#id_item option").all_inner_texts()
    assert any("企业投资项目备案" in o for o in options)
    assert not any("跨镇河道采砂许可" in o for o in options)  # cross-town, never assigned to a town
    form.locator("#id_item").select_option(str(item.pk))
    form.locator("#id_applicant").fill("临溪镇绿源茶叶专业合作社")
    form.locator("#id_received_on").fill("2026-08-28")
    form.locator("#id_decided_on").fill("2026-09-01")
    form.locator("#id_outcome").select_option("approved")
    form.locator("#id_decision_number").fill(DECISION)
    form.get_by_role("button", name="登记").click()

    # The clerk lands on the new record, then goes back to the list.
    expect(page.locator(".alert-success")).to_contain_text("备案期限 2026-10-08")
    expect(page.get_by_role("heading", name=f"办件 {DECISION}")).to_be_visible()
    page.get_by_test_id("delegation-nav").get_by_role("link", name="办件备案").click()
    row = page.locator(f'tr[data-decision="{DECISION}"]')
    state = row.get_by_test_id("filing-state")
    expect(state).to_contain_text("已逾期未备案")
    expect(state).to_have_class("status-overdue")
    expect(page.get_by_test_id("overdue-count")).to_contain_text("2")  # the demo's 临城罚〔2026〕7号 and ours
    record = ExerciseRecord.objects.get(decision_number=DECISION)
    assert record.filed_on is None and record.filing_due_on == datetime.date(2026, 10, 8)

    # File it (备案) today: late.
    row.get_by_test_id("file-button").click()
    expect(page.locator(".alert-success")).to_contain_text("逾期备案")
    state = page.locator(f'tr[data-decision="{DECISION}"]').get_by_test_id("filing-state")
    expect(state).to_have_text("逾期备案")
    expect(state).to_have_class("status-late")
    expect(page.get_by_test_id("overdue-count")).to_contain_text("1")
    record.refresh_from_db()
    assert record.filed_on is not None and record.filed_on > record.filing_due_on

    if TAKE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "records.png"), full_page=True)

    # The record's own page has the history of both steps.
    page.locator(f'tr[data-decision="{DECISION}"] a').first.click()
    expect(page.get_by_test_id("filing-state")).to_have_text("逾期备案")
    page.get_by_role("link", name="变更历史").click()
    expect(page.get_by_test_id("history").locator("tbody tr")).to_have_count(2)

    # The catalogue: published items, no drafts for a clerk.
    page.goto(f"{base}/delegation/items/")
    expect(page.get_by_role("heading", name="下放事项目录")).to_be_visible()
    expect(page.get_by_test_id("item-row")).to_have_count(5)
    expect(page.get_by_test_id("item-list")).not_to_contain_text("烟花爆竹零售经营许可")
    if TAKE_SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "catalogue.png"), full_page=True)
