"""core.deadlines: periods counted as DOMAIN.md §0 says, on the calendar the migration loaded.

Expected dates were checked against the chinese-calendar package, not memory; one test
compares every day the package knows with is_working_day.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core import deadlines
from core.deadlines import (
    CalendarUnknownYear,
    DeadlineRule,
    DeadlineStatus,
    Due,
    add_days,
    add_months,
    add_working_days,
    deadline_status,
    is_working_day,
    next_working_day,
    validate_deadline_rule,
)
from core.errors import ApplicationError
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_set_manual, package_years

pytestmark = pytest.mark.django_db

D = date

# 2099 as a State Council notice might have it: National Day Thu 1 – Wed 7 October,
# make-up working days Sun 27 September and Sat 10 October.
DAYS_2099 = [
    (D(2099, 1, 1), "holiday", "元旦"),
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


# --- months ---------------------------------------------------------------------------------


def test_month_end_without_corresponding_day_is_last_day_then_rolls_past_sunday():
    # 28 Feb 2010 is a Sunday: the period ends on Monday 1 March.
    assert D(2010, 2, 28).isoweekday() == 7
    assert add_months(D(2010, 1, 31), 1) == D(2010, 3, 1)


def test_month_end_in_leap_year_is_29_february():
    assert D(2012, 2, 29).isoweekday() == 3
    assert add_months(D(2012, 1, 31), 1) == D(2012, 2, 29)


def test_month_end_31_august_plus_one_month_is_30_september():
    assert add_months(D(2025, 8, 31), 1) == D(2025, 9, 30)


def test_months_corresponding_day_and_year_rollover():
    assert add_months(D(2025, 3, 12), 1) == D(2025, 4, 14)  # Sat 12 April → Mon 14 April
    assert add_months(D(2025, 3, 11), 1) == D(2025, 4, 11)
    assert add_months(D(2024, 11, 15), 3) == D(2025, 2, 17)  # Sat 15 Feb 2025 → Mon 17
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_month_period_ending_in_a_holiday_rolls_past_it():
    # 1 September + 1 month = 1 October 2025, National Day; 1–8 October are off.
    assert add_months(D(2025, 9, 1), 1) == D(2025, 10, 9)


# --- days -----------------------------------------------------------------------------------


def test_trigger_day_is_not_counted():
    monday = D(2025, 3, 3)
    assert add_days(monday, 1) == D(2025, 3, 4)
    assert add_working_days(monday, 1) == D(2025, 3, 4)
    assert add_months(monday, 1) == D(2025, 4, 3)


def test_days_period_ending_on_a_holiday_rolls_forward():
    # 1 September + 30 days = 1 October 2025 (not 30 September: the trigger day is not counted).
    assert add_days(D(2025, 9, 1), 30) == D(2025, 10, 9)
    assert add_days(D(2025, 9, 1), 29) == D(2025, 9, 30)


def test_days_period_ending_on_a_makeup_working_day_does_not_roll():
    # Sun 28 September 2025 is a 调休 working day.
    assert add_days(D(2025, 9, 18), 10) == D(2025, 9, 28)


def test_days_period_ending_on_a_weekend_rolls_to_monday():
    assert add_days(D(2025, 3, 3), 5) == D(2025, 3, 10)  # Sat 8 March → Mon 10 March


# --- working days ---------------------------------------------------------------------------


def test_working_days_across_2025_national_day():
    # From the package: off 1–8 October 2025, make-up working days Sun 28 Sep and Sat 11 Oct.
    for day in (D(2025, 9, 28), D(2025, 10, 11)):
        assert chinese_calendar.is_workday(day) and day.isoweekday() >= 6
    assert not any(chinese_calendar.is_workday(D(2025, 10, d)) for d in range(1, 9))

    # Fri 26 Sep + 5: Sun 28, Mon 29, Tue 30, (1–8 off), Thu 9, Fri 10.
    assert add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 6) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 26), 7) == D(2025, 10, 13)


def test_working_days_from_a_holiday_start_next_working_day():
    assert add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)


def test_working_days_across_the_new_year():
    # Wed 31 Dec 2025: 1–3 January 2026 off (Thu–Sat), Sun 4 January 调休上班, Mon 5.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert add_days(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_zero_length_gives_the_next_working_day():
    assert add_working_days(D(2025, 10, 1), 0) == D(2025, 10, 9)
    assert add_days(D(2025, 9, 30), 0) == D(2025, 9, 30)


def test_next_working_day_and_is_working_day():
    assert next_working_day(D(2025, 9, 30)) == D(2025, 9, 30)
    assert next_working_day(D(2025, 10, 1)) == D(2025, 10, 9)
    assert next_working_day(D(2025, 9, 27)) == D(2025, 9, 28)
    assert is_working_day(D(2025, 9, 28)) is True
    assert is_working_day(D(2025, 10, 6)) is False
    assert is_working_day(D(2025, 10, 12)) is False


def test_every_day_the_package_knows_agrees_with_it():
    for year in package_years():
        day = D(year, 1, 1)
        while day.year == year:
            assert is_working_day(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError):
        add_days(datetime(2025, 3, 3, 9, 0), 1)
    with pytest.raises(TypeError):
        is_working_day("2025-03-03")
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), -1)
    with pytest.raises(ValueError):
        add_months(D(2025, 3, 3), 1.5)


# --- unknown years --------------------------------------------------------------------------


def test_unknown_year_raises_and_never_guesses():
    with pytest.raises(CalendarUnknownYear) as caught:
        add_days(D(2099, 3, 2), 10)
    error = caught.value
    assert isinstance(error, ApplicationError)
    assert error.code == "calendar_unknown_year"
    assert error.year == 2099 and error.extra == {"year": 2099}
    assert "2099年" in error.message and "录入" in error.message
    with pytest.raises(CalendarUnknownYear):
        is_working_day(D(2099, 3, 2))


def test_a_period_running_into_an_unknown_year_raises_for_that_year():
    last = package_years()[-1]
    start = D(last, 12, 31)
    while not is_working_day(start):  # a known working day, so only the next year is needed
        start -= timedelta(days=1)
    with pytest.raises(CalendarUnknownYear) as caught:
        add_working_days(start, 10)
    assert caught.value.year == last + 1
    with pytest.raises(CalendarUnknownYear):
        add_months(D(last, 12, 15), 1)


def test_manual_year_makes_the_same_computation_work(office):
    with pytest.raises(CalendarUnknownYear):
        add_working_days(D(2099, 9, 28), 5)
    calendar_year_set_manual(year=2099, days=DAYS_2099, notice="国办发明电〔2098〕1号", actor=office)
    # Mon 28 Sep + 5: Tue 29, Wed 30, (1–7 off), Thu 8, Fri 9, Sat 10 (调休上班).
    assert add_working_days(D(2099, 9, 28), 5) == D(2099, 10, 10)
    assert add_days(D(2099, 9, 1), 30) == D(2099, 10, 8)
    assert is_working_day(D(2099, 9, 27)) is True
    assert is_working_day(D(2099, 9, 26)) is False


def test_rolled_back_manual_year_is_not_left_in_the_cache(office):
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_year_set_manual(year=2099, days=DAYS_2099, notice="", actor=office)
        assert is_working_day(D(2099, 10, 1)) is False
        raise RuntimeError("roll back")
    with pytest.raises(CalendarUnknownYear):
        is_working_day(D(2099, 10, 1))


# --- provisional counting (DOMAIN.md §0: weekends only, marked 暂定) ---------------------------


def _weekends_only_working_days(start, n, holidays=frozenset()):
    """An independent count: weekdays not in ``holidays``, the trigger day not counted."""
    d = start
    while n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            n -= 1
    return d


def test_provisional_month_into_an_unknown_year_counts_weekends_and_names_the_year():
    assert 2027 not in package_years()
    rule = DeadlineRule.parse("1M")
    with pytest.raises(CalendarUnknownYear):  # the strict computation still refuses
        rule.due(D(2026, 12, 15))
    due = rule.due_provisional(D(2026, 12, 15))
    assert due == Due(D(2027, 1, 15), frozenset({2027}))  # Fri 15 January 2027
    assert due.provisional is True
    # Nominal end Sat 16 January → Mon 18 January, still provisional.
    assert rule.due_provisional(D(2026, 12, 16)) == Due(D(2027, 1, 18), frozenset({2027}))
    assert add_months(D(2026, 12, 16), 1, provisional=True) == Due(D(2027, 1, 18), frozenset({2027}))


def test_provisional_of_a_known_year_is_the_strict_date_and_not_provisional():
    for text, start in (("1M", D(2025, 9, 20)), ("20WD", D(2025, 9, 20)), ("30D", D(2026, 11, 1))):
        rule = DeadlineRule.parse(text)
        due = rule.due_provisional(start)
        assert due == Due(rule.due(start)) and due.provisional is False and due.unknown_years == frozenset()
    # The last month of the last known year ends inside it: not provisional.
    assert DeadlineRule.parse("1M").due_provisional(D(2026, 11, 30)) == Due(D(2026, 12, 30))


def test_provisional_roll_over_the_year_boundary_names_only_the_unknown_year(office):
    # 2030 entered with 31 December as a holiday; 2031 unknown.
    calendar_year_set_manual(year=2030, days=[(D(2030, 1, 1), "holiday", "元旦"), (D(2030, 12, 31), "holiday", "测试")],
                             notice="", actor=office)
    with pytest.raises(CalendarUnknownYear) as caught:
        next_working_day(D(2030, 12, 31))
    assert caught.value.year == 2031
    assert next_working_day(D(2030, 12, 31), provisional=True) == Due(D(2031, 1, 1), frozenset({2031}))
    # Tue 31 December is a holiday: rolled into 2031 although the nominal end lies in 2030.
    assert add_days(D(2030, 12, 1), 30, provisional=True) == Due(D(2031, 1, 1), frozenset({2031}))
    # A nominal end that is a working day in the known year never looks at the next one.
    assert add_days(D(2030, 12, 1), 29, provisional=True) == Due(D(2030, 12, 30))


def test_provisional_working_days_across_two_unknown_years():
    start = D(2026, 12, 15)
    holidays_2026 = {d for d in chinese_calendar.holidays if d.year == 2026}
    expected = _weekends_only_working_days(start, 300, holidays_2026)
    assert expected.year == 2028
    due = add_working_days(start, 300, provisional=True)
    assert due == Due(expected, frozenset({2027, 2028}))
    with pytest.raises(CalendarUnknownYear) as caught:
        add_working_days(start, 300)
    assert caught.value.year == 2027


def test_working_days_do_not_need_the_trigger_days_year(office):
    # Triggered on Fri 31 December 2027 (unknown), counted in 2028 (entered): final, not provisional.
    calendar_year_set_manual(year=2028, days=[(D(2028, 1, 3), "holiday", "测试")], notice="", actor=office)
    assert add_working_days(D(2027, 12, 31), 1, provisional=True) == Due(D(2028, 1, 4))
    assert add_working_days(D(2027, 12, 31), 1) == D(2028, 1, 4)


def test_entering_the_year_turns_the_provisional_date_into_the_exact_one(office):
    rule = DeadlineRule.parse("1M")
    assert rule.due_provisional(D(2026, 12, 15)).provisional
    # An invented 2027: Fri 15 January a holiday, Sat 16 a make-up working day.
    calendar_year_set_manual(
        year=2027, days=[(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 15), "holiday", "测试假日"),
                         (D(2027, 1, 16), "workday", "测试调休上班")],
        notice="", actor=office,
    )
    assert rule.due(D(2026, 12, 15)) == D(2027, 1, 16)
    assert rule.due_provisional(D(2026, 12, 15)) == Due(D(2027, 1, 16))


def test_provisional_lookups_of_an_unknown_year_are_cached(django_assert_num_queries):
    rule = DeadlineRule.parse("20WD")
    rule.due_provisional(D(2026, 12, 15))
    with django_assert_num_queries(0):
        for day in range(4, 16):  # from Fri 4 December the 20th working day lies in 2027
            assert rule.due_provisional(D(2026, 12, day)).unknown_years == frozenset({2027})


# --- the cache ------------------------------------------------------------------------------


def test_warm_cache_computes_ten_thousand_due_dates_a_second_without_queries(django_assert_num_queries):
    rules = [DeadlineRule.parse(text) for text in ("1M", "30D", "20WD", "5WD", "3M")]
    starts = [D(2024, 1, 1) + timedelta(days=i) for i in range(500)]
    for rule in rules:  # warm every year involved
        for start in starts:
            rule.due(start)
    with django_assert_num_queries(0):
        began = time.perf_counter()
        count = 0
        while count < 10_000:
            for start in starts:
                rules[count % len(rules)].due(start)
                count += 1
        elapsed = time.perf_counter() - began
    assert elapsed < 1.0, f"10,000 due dates took {elapsed:.2f} s"


def test_cache_is_reread_after_its_lifetime(monkeypatch):
    day = D(2025, 3, 3)  # an ordinary Monday
    assert is_working_day(day) is True
    # Changed behind the services' back: the cache does not see it…
    CalendarDay.objects.create(year=CalendarYear.objects.get(year=2025), date=day, kind="holiday", name="测试")
    assert is_working_day(day) is True
    # …until it is older than CACHE_SECONDS.
    now = time.monotonic()
    monkeypatch.setattr(deadlines.time, "monotonic", lambda: now + deadlines.CACHE_SECONDS + 1)
    assert is_working_day(day) is False


def test_one_query_pair_per_year(django_assert_num_queries):
    with django_assert_num_queries(2):
        for i in range(300):
            is_working_day(D(2025, 1, 1) + timedelta(days=i))


# --- DeadlineRule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule", "chinese"),
    [
        ("1M", DeadlineRule("months", 1), "1个月"),
        ("20WD", DeadlineRule("working_days", 20), "20个工作日"),
        ("30D", DeadlineRule("days", 30), "30日"),
    ],
)
def test_rule_round_trips(text, rule, chinese):
    assert DeadlineRule.parse(text) == rule
    assert DeadlineRule.parse(text.lower()) == rule
    assert rule.to_string() == text
    assert str(rule) == chinese
    assert DeadlineRule.parse(chinese) == rule


def test_rule_due_uses_its_unit():
    start = D(2025, 9, 26)
    assert DeadlineRule.parse("5WD").due(start) == D(2025, 10, 10)
    assert DeadlineRule.parse("5D").due(start) == D(2025, 10, 9)  # Wed 1 Oct → Thu 9 Oct
    assert DeadlineRule.parse("1M").due(D(2010, 1, 31)) == D(2010, 3, 1)


@pytest.mark.parametrize("text", ["", "M", "0M", "1Y", "1.5M", "-3D", "10000D", "1 month", None, 5])
def test_bad_rule_strings_are_refused(text):
    with pytest.raises(ValueError):
        DeadlineRule.parse(text)
    with pytest.raises(ValidationError):
        validate_deadline_rule(text)


def test_rule_constructor_validates():
    with pytest.raises(ValueError):
        DeadlineRule("weeks", 1)
    with pytest.raises(ValueError):
        DeadlineRule("days", 0)
    with pytest.raises(ValueError):
        DeadlineRule("days", True)


# --- deadline_status ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed_on", "today", "expected"),
    [
        (None, D(2025, 3, 9), "pending"),
        (None, D(2025, 3, 10), "pending"),  # the due day itself is still in time
        (None, D(2025, 3, 11), "overdue"),
        (D(2025, 3, 10), D(2025, 4, 1), "on_time"),
        (D(2025, 3, 1), D(2025, 3, 2), "on_time"),
        (D(2025, 3, 11), D(2025, 3, 11), "late"),
    ],
)
def test_deadline_status(filed_on, today, expected):
    status = deadline_status(D(2025, 3, 10), filed_on, today)
    assert status == expected
    assert status in DeadlineStatus.values
