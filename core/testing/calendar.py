"""The holiday calendar read into core.deadlines' cache before a query count.

core.deadlines keeps each year's calendar for CACHE_SECONDS (60 s) and then reads it again (two or
three queries). A query budget is a warm process's figure; on a loaded machine a test class can
take longer than a minute, and the first request after the minute paid for the reload, so budget
checks failed on slow CI runs with the calendar's queries as the extra ones.
"""

from __future__ import annotations

from django.utils import timezone

from core import deadlines


def warm_calendar() -> None:
    """Read last, this and next year's calendars now (the years the pages' deadlines reach)."""
    today = timezone.localdate()
    for year in (today.year - 1, today.year, today.year + 1):
        deadlines._calendar_unpinned(year)
