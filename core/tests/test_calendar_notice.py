"""Entering a year from the pasted notice: who may (the persona matrix), preview → confirm,
what the preview shows, the history, the banner from 1 November and the navigation link."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from core import context_processors, deadlines
from core.calendar_access import calendar_entry_refusal, may_enter_calendar
from core.history import history_for
from core.holiday_notice import parse_notice
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_set_manual
from core.testing.shared import kept_for_scope
from core.tests.notice_samples import INVENTED_2027

pytestmark = pytest.mark.django_db

D = date
NOTICE = reverse("core:calendar-notice")
YEAR = 2027  # not in chinese-calendar 1.11
NOT_ENTERED = "您的账号可以查看节假日日历，但不能录入"
SUPERUSER_ONLY = "已录入年度的修改只能由系统管理员进行"


@pytest.fixture(scope="module")
def persona_ids(django_db_setup, django_db_blocker, load_personas):
    """The demo logins, made once for the module (the root conftest's loader), rolled back at its end."""
    yield from kept_for_scope(django_db_blocker, lambda: {
        name: user.pk for name, user in load_personas()[0].items() if user is not None})


@pytest.fixture
def personas(persona_ids, db, django_user_model):
    """The root conftest's personas, read afresh for each test (what a test changes on one stays there)."""
    return {name: django_user_model.objects.get(pk=pk) for name, pk in persona_ids.items()}


@pytest.fixture(autouse=True)
def fresh_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else ""


def preview(client, text=INVENTED_2027, year=YEAR, **extra):
    return client.post(NOTICE, {"year": year, "text": text, "action": "preview", **extra})


def confirm(client, token, text=INVENTED_2027, year=YEAR, follow=False, **extra):
    return client.post(NOTICE, {"year": year, "text": text, "action": "confirm", "token": token, **extra},
                       follow=follow)


def enter_2027(client):
    response = confirm(client, token_of(preview(client)))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def nothing_written():
    return not CalendarYear.objects.filter(year=YEAR).exists() and not CalendarDay.objects.filter(date__year=YEAR).exists()


# --- the rule, one place -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "may"),
    [("office", True), ("superior", True), ("admin", True),
     ("clerk_linxi", False), ("clerk_other", False), ("auditor", False), ("nobody", False)],
)
def test_who_may_enter_a_year_not_known_yet(personas, persona, may):
    user = personas[persona]
    assert may_enter_calendar(user) is may
    assert (calendar_entry_refusal(user, YEAR) is None) is may
    if not may:
        assert NOT_ENTERED in calendar_entry_refusal(user, YEAR)


def test_an_entered_year_is_changed_by_a_superuser_only(personas):
    calendar_year_set_manual(year=YEAR, days=parse_notice(INVENTED_2027, year=YEAR).days(), actor=personas["office"])
    for persona in ("office", "superior", "clerk_linxi", "auditor"):
        assert SUPERUSER_ONLY in calendar_entry_refusal(personas[persona], YEAR)
    assert calendar_entry_refusal(personas["admin"], YEAR) is None
    # a year loaded from the package, too
    assert "从 chinese-calendar 软件包导入" in calendar_entry_refusal(personas["office"], 2026)


def test_roles_decide_over_a_direct_grant(personas):
    perm = Permission.objects.get(content_type__app_label="core", codename="add_calendaryear")
    clerk, helper = personas["clerk_linxi"], personas["nobody"]
    clerk.user_permissions.add(perm)
    helper.user_permissions.add(perm)
    clerk, helper = type(clerk).objects.get(pk=clerk.pk), type(helper).objects.get(pk=helper.pk)
    assert may_enter_calendar(clerk) is False  # a clerk's role says no
    assert may_enter_calendar(helper) is True  # no membership: the admin's direct grant counts


# --- the pages, per persona ----------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client):
    for response in (client.get(NOTICE), preview(client), client.get(reverse("core:calendar-manual"))):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert nothing_written()


@pytest.mark.parametrize("persona", ["clerk_linxi", "clerk_other", "auditor", "nobody"])
def test_readers_get_a_clear_refusal_on_a_styled_page(personas, client_for, persona):
    c = client_for(personas[persona])
    assert c.get(reverse("core:calendar-year-list")).status_code == 200  # reading is open
    for response in (c.get(NOTICE), preview(c), confirm(c, "forged"), c.get(reverse("core:calendar-manual"))):
        assert response.status_code == 403
        page = response.content.decode()
        assert NOT_ENTERED in page
        assert 'data-testid="calendar-refusal"' in page and 'class="navbar' in page
        assert "calendar-notice-link" not in page
    assert nothing_written()


@pytest.mark.parametrize("persona", ["office", "superior", "admin"])
def test_office_and_superiors_may_open_the_entry_pages(personas, client_for, persona):
    c = client_for(personas[persona])
    response = c.get(NOTICE)
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == YEAR  # the year that is missing
    assert c.get(reverse("core:calendar-manual") + f"?year={YEAR}").status_code == 200
    assert 'data-testid="calendar-notice-link"' in c.get(reverse("core:calendar-year-list")).content.decode()


def test_office_of_jixi_enters_2027_and_then_only_a_superuser_changes_it(personas, client_for):
    office = client_for(personas["office"])
    response = enter_2027(office)
    assert response["Location"] == reverse("core:calendar-year-detail", args=[YEAR])
    calendar_year = CalendarYear.objects.get(year=YEAR)
    assert calendar_year.source == "manual" and calendar_year.created_by == personas["office"]
    assert calendar_year.notice == "国务院办公厅关于2027年部分节假日安排的通知"

    for persona in ("office", "superior"):
        c = client_for(personas[persona])
        assert c.get(NOTICE + f"?year={YEAR}").status_code == 403
        response = confirm(c, token_of(preview(client_for(personas["admin"]))))
        assert response.status_code == 403 and SUPERUSER_ONLY in response.content.decode()
    assert CalendarDay.objects.filter(date__year=YEAR).count() == len(parse_notice(INVENTED_2027, year=YEAR).days())

    admin = client_for(personas["admin"])
    assert f'{NOTICE}?year={YEAR}' in admin.get(reverse("core:calendar-year-detail", args=[YEAR])).content.decode()
    corrected = INVENTED_2027.replace("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节：6月9日（周三）至11日（周五）放假，共3天。")
    shown = preview(admin, corrected)
    assert 'data-testid="calendar-notice-replaces"' in shown.content.decode()
    response = confirm(admin, token_of(shown), corrected)
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__range=(D(2027, 6, 9), D(2027, 6, 11))).count() == 3

    # Both changes are in the history, each with its actor.
    users = [event.pgh_context["user"] for event in Events.objects.tracks(calendar_year).order_by("pgh_id")]
    assert users[0] == personas["office"].pk and users[-1] == personas["admin"].pk
    day_events = apps.get_model("core", "CalendarDayEvent").objects.filter(date=D(2027, 6, 10))
    assert [e.pgh_context.metadata["user"] for e in day_events] == [personas["admin"].pk]
    assert {row["user"] for row in history_for(calendar_year)} == {"office", "admin"}
    response = admin.get(reverse("core:calendar-year-detail", args=[YEAR]) + "?tab=history")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="history"' in page
    office_user = personas["office"]
    assert f">{office_user.get_username()}<" in page or office_user.first_name in page


# --- preview → confirm ---------------------------------------------------------------------------


def test_preview_lists_the_days_and_writes_nothing(personas, client_for):
    c = client_for(personas["office"])
    events = apps.get_model("core", "CalendarDayEvent").objects
    before = events.count()
    response = preview(c)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="calendar-notice-preview"' in page
    assert "放假 28 天，调休上班 6 天" in page
    assert "2027-10-01 周五" in page and "2027-10-09 周六" in page and "国庆节调休上班" in page
    assert "2027-06-09 周三" in page and "不调休" in page
    assert token_of(response)
    assert 'data-testid="calendar-notice-ignored"' in page  # title, addressees, date of issue
    assert 'data-testid="calendar-notice-replaces"' not in page  # a new year replaces nothing
    assert nothing_written() and events.count() == before


def test_confirm_saves_exactly_what_was_previewed(personas, client_for):
    c = client_for(personas["office"])
    response = confirm(c, token_of(preview(c)), follow=True)
    page = response.content.decode()
    assert "已保存2027年的节假日安排：放假 28 天，调休上班 6 天。" in page
    assert "暂定期限" in page  # core.provisional's count of recomputed due dates
    saved = list(CalendarDay.objects.filter(date__year=YEAR).order_by("date").values_list("date", "kind", "name"))
    assert saved == parse_notice(INVENTED_2027, year=YEAR).days()
    assert deadlines.is_working_day(D(2027, 10, 9)) is True and deadlines.is_working_day(D(2027, 10, 4)) is False


def test_confirm_with_a_changed_text_shows_the_new_preview_and_saves_nothing(personas, client_for):
    c = client_for(personas["office"])
    token = token_of(preview(c))
    changed = INVENTED_2027.replace("10月9日（周六）上班", "10月10日（周日）上班")
    response = confirm(c, token, changed)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="calendar-notice-stale"' in page and "2027-10-10 周日" in page
    assert nothing_written()
    assert confirm(c, token_of(response), changed).status_code == 302  # confirming the new preview works


@pytest.mark.parametrize("token", ["", "forged", "from-another-user"])
def test_confirm_needs_the_token_of_this_users_preview(personas, client_for, token):
    c = client_for(personas["office"])
    if token == "from-another-user":
        token = token_of(preview(client_for(personas["superior"])))
    response = confirm(c, token)
    assert response.status_code == 200 and 'data-testid="calendar-notice-stale"' in response.content.decode()
    assert nothing_written()


def test_unreadable_sentences_are_shown_and_block_saving(personas, client_for):
    c = client_for(personas["office"])
    text = INVENTED_2027.replace("4月25日（周日）、5月8日（周六）上班。", "4月25日（周日）、5月8日（周六）调班。")
    response = preview(c, text)
    page = response.content.decode()
    assert 'data-testid="calendar-notice-problems"' in page
    assert "无法识别“4月25日（周日）、5月8日（周六）调班”" in page
    assert not token_of(response) and 'data-testid="calendar-notice-confirm"' not in page
    # confirming anyway, with the token of the good text, saves nothing
    response = confirm(c, token_of(preview(c)), text)
    assert response.status_code == 200 and nothing_written()


def test_a_wrong_weekday_and_a_make_up_day_on_a_weekday_are_shown(personas, client_for):
    c = client_for(personas["office"])
    text = INVENTED_2027.replace("10月9日（周六）上班", "10月9日（周日）上班").replace(
        "4月25日（周日）、5月8日（周六）上班", "5月4日、5月8日（周六）上班")
    page = preview(c, text).content.decode()
    assert "10月9日标注为“周日”，但2027年10月9日是周六。" in page
    assert "2027-05-04 是星期二，调休上班日只能是星期六或星期日。" in page
    assert nothing_written()


def test_the_forms_own_errors(personas, client_for):
    c = client_for(personas["office"])
    response = c.post(NOTICE, {"year": "", "text": "", "action": "preview"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "text"}
    assert nothing_written()


def test_a_typed_document_number_is_kept_with_the_title(personas, client_for):
    c = client_for(personas["office"])
    extra = {"document_number": "国办发明电〔2026〕9号"}
    assert confirm(c, token_of(preview(c, **extra)), **extra).status_code == 302
    assert CalendarYear.objects.get(year=YEAR).notice == "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）"


# --- the banner and the navigation ---------------------------------------------------------------


@pytest.fixture
def on(monkeypatch):
    def set_today(day: date):
        monkeypatch.setattr(context_processors, "today", lambda: day)
    return set_today


def banner(client) -> str | None:
    page = client.get(reverse("home")).content.decode()
    match = re.search(r'<div[^>]*data-testid="calendar-banner".*?</div>', page, re.S)
    return match.group(0) if match else None


def test_no_banner_before_november(personas, client_for, on):
    on(D(2026, 10, 31))
    assert banner(client_for(personas["office"])) is None


def test_banner_from_november_while_next_year_is_unknown(personas, client_for, on):
    on(D(2026, 11, 1))
    for persona in ("office", "superior", "admin"):
        text = banner(client_for(personas[persona]))
        assert text is not None, persona
        assert "2027年节假日安排尚未录入，期限按周末暂定推算。" in text
        assert f'href="{NOTICE}?year=2027"' in text


def test_no_banner_once_the_year_is_entered(personas, client_for, on):
    on(D(2026, 12, 2))
    office = client_for(personas["office"])
    assert banner(office) is not None
    enter_2027(office)
    assert banner(office) is None


def test_readers_get_no_banner_and_pay_no_query_for_it(personas, client_for, on):
    on(D(2026, 11, 1))
    for persona in ("clerk_linxi", "clerk_other", "auditor"):
        c = client_for(personas[persona])
        with CaptureQueriesContext(connection) as queries:
            assert banner(c) is None
        assert not any("core_calendar" in q["sql"] for q in queries.captured_queries), persona
        assert not any("auth_permission" in q["sql"] for q in queries.captured_queries), persona


def test_a_missing_current_year_is_announced_all_year(personas, client_for, on):
    on(D(2027, 3, 1))
    assert "2027年节假日安排尚未录入" in banner(client_for(personas["office"]))


@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "auditor"])
def test_the_navigation_links_the_calendar(personas, client_for, persona):
    page = client_for(personas[persona]).get(reverse("home")).content.decode()
    assert f'href="{reverse("core:calendar-year-list")}" data-testid="nav-calendar"' in page
