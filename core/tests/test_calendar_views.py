"""The calendar pages: reading for everyone signed in; day-by-day entry under core.calendar_access.

The notice page, the persona matrix and the banner are in test_calendar_notice.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils import timezone

from config import urls as project_urls
from core import deadlines
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_set_manual, package_years
from core.views_calendar import parse_day_lines

# Until config/urls.py mounts core.urls, these tests mount it themselves.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "core" for p in urlpatterns):
    urlpatterns.append(path("", include("core.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

D = date
GOOD_2099 = """
# 国办发明电〔2098〕1号
2099-01-01,holiday,元旦
2099-10-01,holiday,国庆节
2099-10-02，holiday，国庆节
2099-09-27,workday,国庆节调休上班
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def reader(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-writer", password="x")
    client.force_login(user)
    return user


@pytest.fixture
def writer(client, django_user_model):
    user = django_user_model.objects.create_user("writer", password="x")
    # A permission granted directly (no membership): entering a year not known yet.
    user.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="add_calendaryear"))
    client.force_login(user)
    return user


# --- reading --------------------------------------------------------------------------------


def test_pages_need_a_signed_in_user(client):
    for url in (reverse("core:calendar-year-list"), reverse("core:calendar-year-detail", args=[2025]),
                reverse("core:calendar-manual")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_year_list(client, reader, django_assert_max_num_queries):
    # session, user, memberships, the years; a user without membership costs ModelBackend's two
    # permission queries, and the cold calendar cache (fresh_cache) three for the banner.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("core:calendar-year-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/calendar/2025/"' in page
    assert "人工录入年度" not in page  # no write permission
    next_year = timezone.localdate().year + 1
    if next_year not in package_years():
        assert f"{next_year}年的节假日安排尚未录入" in page


def test_year_detail(client, reader, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:calendar-year-detail", args=[2025]))
    page = response.content.decode()
    assert "2025-09-28" in page and "调休上班" in page and "国庆节" in page
    assert client.get(reverse("core:calendar-year-detail", args=[2099])).status_code == 404
    assert client.get(reverse("core:calendar-year-detail", args=[2025]) + "?tab=history").status_code == 200


# --- manual entry ---------------------------------------------------------------------------


def test_manual_entry_needs_the_permission(client, reader):
    response = client.get(reverse("core:calendar-manual"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="calendar-refusal"' in page and "您的账号可以查看节假日日历，但不能录入" in page
    assert 'class="navbar' in page  # inside the site's layout, not a bare 403
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "days": GOOD_2099})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2099).exists()


def test_manual_entry_saves_the_year(client, writer):
    assert "人工录入年度" in client.get(reverse("core:calendar-year-list")).content.decode()
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "notice": "国办发明电〔2098〕1号", "days": GOOD_2099})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:calendar-year-detail", args=[2099])
    calendar_year = CalendarYear.objects.get(year=2099)
    assert calendar_year.source == "manual" and calendar_year.created_by == writer
    assert list(CalendarDay.objects.filter(year=calendar_year).values_list("date", "kind")) == [
        (D(2099, 1, 1), "holiday"), (D(2099, 9, 27), "workday"), (D(2099, 10, 1), "holiday"), (D(2099, 10, 2), "holiday"),
    ]
    assert deadlines.is_working_day(D(2099, 9, 27)) is True


def test_manual_entry_reports_each_bad_line_and_saves_nothing(client, writer):
    text = "2099-01-01,holiday,元旦\n2099-13-01,holiday,错\n2099-10-01,rest,国庆节\n2099-10-02 holiday 国庆节\n2099-10-03,holiday,\n"
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "days": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "第 2 行：日期“2099-13-01”无效" in page
    assert "第 3 行：类型“rest”无效" in page
    assert "第 4 行“2099-10-02 holiday 国庆节”：应写作" in page
    assert "第 5 行：缺少名称" in page
    assert "第 1 行" not in page
    assert not CalendarYear.objects.filter(year=2099).exists()


def test_manual_entry_maps_the_services_refusals_to_lines(client, writer):
    # 2099-10-05 is a Monday; 2098-12-31 lies outside the year.
    text = "2099-01-01,holiday,元旦\n\n2099-10-05,workday,调休\n2098-12-31,holiday,元旦\n"
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "days": text})
    page = response.content.decode()
    assert "第 3 行：2099-10-05 是星期一，调休上班日只能是星期六或星期日。" in page
    assert "第 4 行：2098-12-31 不在2099年内。" in page
    assert not CalendarYear.objects.filter(year=2099).exists()


def test_manual_entry_of_a_package_year_is_refused_to_the_office(client, writer):
    before = CalendarDay.objects.filter(year__year=2025).count()
    response = client.post(reverse("core:calendar-manual"), {"year": 2025, "days": "2025-03-03,holiday,假日"})
    assert response.status_code == 403
    assert "从 chinese-calendar 软件包导入" in response.content.decode()
    assert CalendarDay.objects.filter(year__year=2025).count() == before


def test_manual_entry_refuses_a_package_year_even_to_a_superuser(client, superuser):
    before = CalendarDay.objects.filter(year__year=2025).count()
    response = client.post(reverse("core:calendar-manual"), {"year": 2025, "days": "2025-03-03,holiday,假日"})
    assert response.status_code == 200
    assert "软件包已收录2025年" in response.content.decode()
    assert CalendarDay.objects.filter(year__year=2025).count() == before


def test_an_entered_year_is_corrected_only_by_a_superuser(client, writer, django_user_model):
    calendar_year_set_manual(
        year=2099, days=[(D(2099, 10, 1), "holiday", "国庆节"), (D(2099, 9, 27), "workday", "国庆节调休上班")],
        notice="国办发明电〔2098〕1号", actor=writer,
    )
    detail = client.get(reverse("core:calendar-year-detail", args=[2099])).content.decode()
    assert reverse("core:calendar-manual") + "?year=2099" not in detail  # no 修改 for the office
    response = client.get(reverse("core:calendar-manual") + "?year=2099")
    assert response.status_code == 403 and "只能由系统管理员进行" in response.content.decode()
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "days": "2099-10-02,holiday,国庆节"})
    assert response.status_code == 403
    assert list(CalendarDay.objects.filter(year__year=2099).values_list("date", flat=True)) == [
        D(2099, 9, 27), D(2099, 10, 1)]

    client.force_login(django_user_model.objects.create_superuser("root-corrector", password="x"))
    response = client.post(reverse("core:calendar-manual"), {"year": 2099, "days": "2099-10-02,holiday,国庆节"})
    assert response.status_code == 302
    assert list(CalendarDay.objects.filter(year__year=2099).values_list("date", flat=True)) == [D(2099, 10, 2)]


def test_manual_form_prefills_a_manual_year_for_correction(client, superuser):
    calendar_year_set_manual(
        year=2099, days=[(D(2099, 10, 1), "holiday", "国庆节"), (D(2099, 9, 27), "workday", "国庆节调休上班")],
        notice="国办发明电〔2098〕1号", actor=superuser,
    )
    detail = client.get(reverse("core:calendar-year-detail", args=[2099])).content.decode()
    assert reverse("core:calendar-manual") + "?year=2099" in detail
    page = client.get(reverse("core:calendar-manual") + "?year=2099").content.decode()
    assert "2099-09-27,workday,国庆节调休上班\n2099-10-01,holiday,国庆节" in page
    assert "国办发明电〔2098〕1号" in page


def test_parse_day_lines_accepts_comments_blank_lines_and_chinese_commas():
    days, errors = parse_day_lines(GOOD_2099)
    assert errors == []
    assert [number for number, _ in days] == [3, 4, 5, 6]
    assert days[2][1] == (D(2099, 10, 2), "holiday", "国庆节")


# --- admin ----------------------------------------------------------------------------------


def test_admin_lists_and_shows_but_neither_edits_nor_deletes(client, django_user_model):
    """Read-only in the admin: an edit there would bypass core.services (the whole-year checks,
    attribution, the deadline cache, provisional recomputes)."""
    admin_user = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin_user)
    calendar_year = CalendarYear.objects.get(year=2025)
    day = CalendarDay.objects.get(date=D(2025, 10, 1))
    for url in (reverse("admin:core_calendaryear_changelist"), reverse("admin:core_calendarday_changelist"),
                reverse("admin:core_calendaryear_change", args=[calendar_year.pk]),
                reverse("admin:core_calendarday_change", args=[day.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/delete/" not in response.content.decode() and 'name="_save"' not in response.content.decode()
    assert client.get(reverse("admin:core_calendaryear_delete", args=[calendar_year.pk])).status_code == 403
    assert client.get(reverse("admin:core_calendarday_add")).status_code == 403
    assert client.get(reverse("admin:core_calendaryear_add")).status_code == 403

    response = client.post(reverse("admin:core_calendarday_change", args=[day.pk]), {
        "year": calendar_year.pk, "date": "2025-10-01", "kind": "holiday", "name": "国庆节（改）",
    })
    assert response.status_code == 403
    assert client.post(reverse("admin:core_calendaryear_change", args=[calendar_year.pk]),
                       {"notice": "改"}).status_code == 403
    day.refresh_from_db()
    calendar_year.refresh_from_db()
    assert day.name != "国庆节（改）" and calendar_year.notice != "改"
