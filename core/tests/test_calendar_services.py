"""The holiday calendar: the data migration, the two services, the model's guards, calendar_load."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction
from pghistory.models import Events

from core import deadlines
from core.deadlines import CalendarUnknownYear, add_working_days, is_working_day
from core.errors import ApplicationError, ConflictError
from core.models import CalendarDay, CalendarSource, CalendarYear
from core.services import (
    calendar_year_import_from_package,
    calendar_year_set_manual,
    package_days,
    package_years,
)

pytestmark = pytest.mark.django_db

D = date

DAYS_2099 = [
    (D(2099, 1, 1), "holiday", "元旦"),
    (D(2099, 1, 3), "holiday", "元旦"),  # a Saturday inside the break: allowed
    *[(D(2099, 10, day), "holiday", "国庆节") for day in range(1, 8)],
    (D(2099, 9, 27), "workday", "国庆节调休上班"),
    (D(2099, 10, 10), "workday", "国庆节调休上班"),
]


@pytest.fixture(autouse=True)
def fresh_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def office(django_user_model):
    return django_user_model.objects.create_user("calendar-office", password="x")


def day_rows(year: int) -> list[tuple[date, str, str]]:
    return list(CalendarDay.objects.filter(year__year=year).order_by("date").values_list("date", "kind", "name"))


# --- the data migration ---------------------------------------------------------------------


def test_migration_loaded_every_year_the_package_knows():
    years = package_years()
    assert years[0] == 2004 and years == tuple(range(2004, years[-1] + 1))
    loaded = dict(CalendarYear.objects.values_list("year", "source"))
    assert set(loaded) == set(years)
    assert set(loaded.values()) == {CalendarSource.PACKAGE}
    for year in (2004, 2010, 2025, years[-1]):
        expected = {d for d in chinese_calendar.holidays if d.year == year} | {
            d for d in chinese_calendar.workdays if d.year == year
        }
        assert {row[0] for row in day_rows(year)} == expected


def test_migration_names_days_in_chinese():
    rows = {day: (kind, name) for day, kind, name in day_rows(2025)}
    assert rows[D(2025, 10, 1)] == ("holiday", "国庆节")
    assert rows[D(2025, 10, 6)] == ("holiday", "中秋节")
    assert rows[D(2025, 9, 28)] == ("workday", "国庆节调休上班")
    assert rows[D(2025, 1, 28)] == ("holiday", "春节")
    # the service would write exactly what the migration wrote
    assert day_rows(2025) == package_days(2025)


# --- calendar_year_import_from_package ------------------------------------------------------


def test_import_again_writes_nothing():
    events = apps.get_model("core", "CalendarDayEvent").objects
    before = events.count()
    calendar_year_import_from_package(year=2025, actor=None)
    assert events.count() == before
    assert day_rows(2025) == package_days(2025)


def test_import_restores_the_package_data_and_refreshes_the_cache(office):
    calendar_year = CalendarYear.objects.get(year=2025)
    CalendarDay.objects.filter(date=D(2025, 10, 1)).update(name="改错的名字")
    CalendarDay.objects.create(year=calendar_year, date=D(2025, 3, 3), kind="holiday", name="多出的一天")
    assert is_working_day(D(2025, 3, 3)) is False  # now cached

    calendar_year_import_from_package(year=2025, actor=office)

    assert day_rows(2025) == package_days(2025)
    assert is_working_day(D(2025, 3, 3)) is True
    calendar_year.refresh_from_db()
    assert calendar_year.updated_by == office


def test_import_refuses_a_year_the_package_does_not_know():
    with pytest.raises(ApplicationError) as caught:
        calendar_year_import_from_package(year=2099, actor=None)
    assert caught.value.code == "calendar_package_unknown_year"
    assert "2099年" in caught.value.message and "人工录入" in caught.value.message
    assert not CalendarYear.objects.filter(year=2099).exists()


@pytest.mark.parametrize("year", [1999, 2200, "2025"])
def test_import_refuses_an_impossible_year(year):
    with pytest.raises(ApplicationError) as caught:
        calendar_year_import_from_package(year=year, actor=None)
    assert caught.value.code == "calendar_year_invalid"


# --- calendar_year_set_manual ---------------------------------------------------------------


def test_manual_year_is_saved_and_attributed(office):
    calendar_year = calendar_year_set_manual(year=2099, days=DAYS_2099, notice=" 国办发明电〔2098〕1号 ", actor=office)
    assert calendar_year.source == CalendarSource.MANUAL
    assert calendar_year.notice == "国办发明电〔2098〕1号"
    assert calendar_year.created_by == office
    assert day_rows(2099) == sorted(DAYS_2099)
    assert CalendarDay.objects.filter(year=calendar_year, created_by=office).count() == len(DAYS_2099)
    event = Events.objects.tracks(calendar_year).get()
    assert event.pgh_context["user"] == office.pk
    assert add_working_days(D(2099, 9, 28), 5) == D(2099, 10, 10)


def test_manual_year_entered_again_replaces_its_days(office):
    calendar_year_set_manual(year=2099, days=DAYS_2099, notice="第一版", actor=office)
    assert is_working_day(D(2099, 10, 10)) is True
    corrected = [day for day in DAYS_2099 if day[0] != D(2099, 10, 10)] + [(D(2099, 10, 8), "holiday", "国庆节")]
    calendar_year_set_manual(year=2099, days=corrected, notice="更正版", actor=office)
    assert day_rows(2099) == sorted(corrected)
    assert CalendarYear.objects.get(year=2099).notice == "更正版"
    assert is_working_day(D(2099, 10, 10)) is False  # the service dropped the cached year
    assert is_working_day(D(2099, 10, 8)) is False


@pytest.mark.parametrize(
    ("days", "fragment"),
    [
        ([(D(2099, 5, 4), "workday", "劳动节调休上班")], "星期一，调休上班日只能是星期六或星期日"),
        ([(D(2098, 12, 31), "holiday", "元旦")], "不在2099年内"),
        ([(D(2099, 5, 1), "rest", "劳动节")], "类型“rest”无效"),
        ([(D(2099, 5, 1), "holiday", "  ")], "缺少名称"),
        ([(D(2099, 10, 1), "holiday", "国庆节")], "重复出现（第 3 项已有该日期）"),
        ([("2099-05-01", "holiday", "劳动节")], "不是日期"),
        ([(D(2099, 5, 1), "holiday")], "三项"),
        ([(D(2099, 5, 1), "holiday", "节" * 65)], "超过 64 个字"),
    ],
)
def test_manual_year_refuses_bad_days_and_saves_none(office, days, fragment):
    with pytest.raises(ApplicationError) as caught:
        calendar_year_set_manual(year=2099, days=[*DAYS_2099, *days], notice="", actor=office)
    error = caught.value
    assert error.code == "calendar_days_invalid"
    assert fragment in error.message
    assert error.extra["errors"][0]["index"] >= len(DAYS_2099)  # the good days are not blamed
    assert not CalendarYear.objects.filter(year=2099).exists()
    assert not CalendarDay.objects.filter(date__year=2099).exists()
    with pytest.raises(CalendarUnknownYear):
        is_working_day(D(2099, 10, 1))


def test_manual_year_reports_every_bad_day_at_once(office):
    bad = [(D(2099, 5, 4), "workday", "调休"), (D(2100, 1, 1), "holiday", "元旦")]
    with pytest.raises(ApplicationError) as caught:
        calendar_year_set_manual(year=2099, days=[*bad, *DAYS_2099], notice="", actor=office)
    assert [e["index"] for e in caught.value.extra["errors"]] == [0, 1]


def test_manual_year_refuses_an_empty_year(office):
    with pytest.raises(ApplicationError) as caught:
        calendar_year_set_manual(year=2099, days=[], notice="", actor=office)
    assert caught.value.code == "calendar_days_empty"


def test_manual_year_refuses_a_year_the_package_knows(office):
    before = day_rows(2025)
    with pytest.raises(ConflictError) as caught:
        calendar_year_set_manual(year=2025, days=[(D(2025, 3, 3), "holiday", "假日")], notice="", actor=office)
    assert caught.value.code == "calendar_year_in_package"
    assert "从软件包导入" in caught.value.message
    assert day_rows(2025) == before


def test_manual_year_refuses_an_impossible_year(office):
    with pytest.raises(ApplicationError) as caught:
        calendar_year_set_manual(year=1999, days=[(D(1999, 1, 1), "holiday", "元旦")], notice="", actor=office)
    assert caught.value.code == "calendar_year_invalid"


# --- the model's own guards -----------------------------------------------------------------


def test_calendar_year_cannot_be_deleted():
    with pytest.raises(DatabaseError), transaction.atomic():
        CalendarYear.objects.filter(year=2025).delete()
    assert CalendarYear.objects.filter(year=2025).exists()


def test_database_refuses_a_workday_on_a_weekday():
    calendar_year = CalendarYear.objects.get(year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(year=calendar_year, date=D(2025, 3, 3), kind="workday", name="错")


def test_clean_refuses_a_day_outside_its_year_and_a_weekday_workday():
    calendar_year = CalendarYear.objects.get(year=2025)
    with pytest.raises(ValidationError) as caught:
        CalendarDay(year=calendar_year, date=D(2024, 3, 4), kind="workday", name="错").full_clean()
    assert set(caught.value.message_dict) == {"date", "kind"}


# --- calendar_load --------------------------------------------------------------------------


def test_calendar_load_one_year(capsys):
    call_command("calendar_load", "--year", "2025")
    holidays = sum(1 for d in chinese_calendar.holidays if d.year == 2025)
    workdays = sum(1 for d in chinese_calendar.workdays if d.year == 2025)
    assert f"2025年：放假 {holidays} 天，调休上班 {workdays} 天。" in capsys.readouterr().out


def test_calendar_load_all_years(capsys):
    call_command("calendar_load")
    assert capsys.readouterr().out.count("年：放假") == len(package_years())


def test_calendar_load_refuses_an_unknown_year():
    with pytest.raises(CommandError, match="2099年"):
        call_command("calendar_load", "--year", "2099")
