"""The persona matrix over the oversight API (read only, core.testing ScopedAPICases): every
persona reads within its jurisdiction, 404 outside it, 403 without membership, writes 405, lists
scoped within a fixed query budget. Groups and meetings belong to the county; findings to a town."""

from __future__ import annotations

import datetime

from core.testing.cases import ScopedAPICases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from oversight import services
from oversight.models import LeadingGroup

from .factories import finding


def group_of(division):
    """The leading group of ``division`` (a county or city), or of the one above a town."""
    body = division if division.level in ("county", "city") else division.parent
    return LeadingGroup.objects.filter(division=body).first() or services.group_create(
        division=body, kind="leading", name=f"{body.name}扩权强镇领导小组", set_up_on=datetime.date(2009, 11, 1))


class TestLeadingGroupAPI(ScopedAPICases):
    basename = "oversight-api:group"
    detail_gets = ("history",)
    home, away = COUNTY, ELSEWHERE_CITY
    rows = 1
    query_budget = 3

    def make(self, division, m):
        return group_of(division)


class TestMeetingAPI(ScopedAPICases):
    basename = "oversight-api:meeting"
    detail_gets = ("history",)
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 4

    def make(self, division, m):
        group = group_of(division)
        n = group.meetings.count()
        return services.meeting_create_monthly(group=group, month=datetime.date(2026, 1 + n, 1))[0]


class TestFindingAPI(ScopedAPICases):
    basename = "oversight-api:finding"
    detail_gets = ("history",)
    query_budget = 5

    def make(self, division, m):
        return finding(group_of(division), division)
