"""Template context for every page: the holiday-calendar banner (DOMAIN.md §0).

From 1 November the State Council's notice for next year is due, and deadlines that run
into a year the calendar does not know are only provisional (weekends only, marked 暂定).
Those who can enter the year (core.calendar_access) see a banner with the link until it is
entered; the current year, if ever missing, is announced all year. Clerks and auditors see
no banner: they cannot act on it, and their provisional dates carry the 暂定 mark already.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core import deadlines
from core.calendar_access import may_enter_calendar

BANNER_FROM = (11, 1)  # month, day: when next year's notice is awaited


def today() -> date:
    """Today in the site's time zone (tests patch this)."""
    return timezone.localdate()


def _known(year: int) -> bool:
    # Through the deadline module's per-process cache: every page asks, so no query per page.
    try:
        deadlines.is_working_day(date(year, 1, 1))
    except deadlines.CalendarUnknownYear:
        return False
    return True


def missing_calendar_years(on: date) -> list[int]:
    """The years the office should enter on ``on``: this year, and next year from 1 November."""
    wanted = [on.year]
    if (on.month, on.day) >= BANNER_FROM:
        wanted.append(on.year + 1)
    return [year for year in wanted if not _known(year)]


def calendar_banner(request) -> dict:
    """``calendar_missing_years``, worked out only when a page shows it."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    def missing() -> list[int]:
        # The roles first: they are loaded for every page already, so clerks and auditors
        # cost nothing here; the years come from the deadline module's per-process cache.
        return missing_calendar_years(today()) if may_enter_calendar(user) else []

    return {"calendar_missing_years": SimpleLazyObject(missing)}
