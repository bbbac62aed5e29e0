"""The persona matrix over the holiday calendar's pages (core.testing.cases).

The calendar belongs to no division: every signed-in user reads it, membership or not
(``everyone_reads``: everyone's deadlines are counted on it). A year the calendar does not know
yet is entered by the office and the superior roles (core.calendar_access: the permission
``core.add_calendaryear`` their roles hold); a year already entered is corrected by a superuser
only. What the pages show and the notice's preview → confirm are in test_calendar_views.py and
test_calendar_notice.py.
"""

from __future__ import annotations

import datetime
import itertools

from core.services import calendar_year_set_manual
from core.testing.cases import Route, ScopedPageCases

years = itertools.count(2150)  # beyond the package and the other tests' years
PAGE = 5  # session, user, memberships, the header's badge; a login without membership: + permissions
NOTICE = "一、元旦：1月1日放假，共1天。"


def year_days(year: int) -> str:
    return f"{year}-01-01,holiday,元旦\n{year}-10-01,holiday,国庆节"


def by_year(calendar_year) -> dict:
    return {"year": calendar_year.year}


class CalendarCases(ScopedPageCases):
    everyone_reads = True
    row_kwargs = staticmethod(by_year)

    def make(self, division, m):
        year = next(years)
        return calendar_year_set_manual(
            year=year, days=[(datetime.date(year, 1, 1), "holiday", "元旦")], notice="矩阵", actor=m.users["office"])


class TestCalendarPages(CalendarCases):
    """The years and one year (with its history) for everyone signed in; the entry pages of a year
    not known yet for the office and the superior roles (403 with the reason for the others)."""

    list_name = "core:calendar-year-list"
    detail_name = "core:calendar-year-detail"
    detail_queries = ({"tab": "history"},)
    create_name = "core:calendar-manual"
    write_roles = frozenset({"office", "superior"})
    extra_routes = (
        Route("core:calendar-notice", kwargs=None, write=True, expect=200),
        # the preview of a pasted notice: saves nothing, shown to those who may enter the year
        Route("core:calendar-notice", "POST", kwargs=None, write=True, expect=200,
              payload=lambda m: {"year": next(years), "text": NOTICE}),
    )
    query_budget = PAGE + 5  # + the years with their counts, the banner's calendar (cold cache)

    def create_payload(self, m, division):
        year = next(years)
        return {"year": year, "notice": "矩阵", "days": year_days(year)}


class TestEnteredCalendarYearPages(CalendarCases):
    """A year already entered: everyone's deadlines were counted on it, so only a superuser opens
    its correction (the day-by-day form or a new notice); the office gets the refusal (403)."""

    write_roles = frozenset()
    extra_routes = (
        # the day-by-day form of the year, filled with its days: /calendar/manual/?year=…
        Route("core:calendar-manual", kwargs=None, query=by_year, write=True, expect=200),
        Route("core:calendar-manual", "POST", kwargs=None, write=True, label=" correct",
              row_body=lambda y: {"year": y.year, "notice": "矩阵更正", "days": year_days(y.year)}),
        Route("core:calendar-notice", kwargs=None, query=by_year, write=True, expect=200),
        Route("core:calendar-notice", "POST", kwargs=None, write=True, expect=200, label=" preview",
              row_body=lambda y: {"year": y.year, "text": NOTICE}),
    )
