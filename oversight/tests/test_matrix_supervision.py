"""The persona matrix over the supervision's pages and API (core.testing): a supervision and an
item inspection belong to the county (the office writes; the auditor and the city above read and
get 403 on every step; the towns' clerks get 404, as does everyone for another province's)."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import ScopedAPICases, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY, TOWN_A
from oversight import selectors_supervision, services
from oversight import services_supervision as ss
from regions.models import Department, Division

from .test_matrix_api import group_of

D = datetime.date
HISTORY = ({"tab": "history"},)
halves = itertools.count(0)
selectors_supervision.register_files()  # OversightConfig.ready() once hunk S.md is applied


def supervision_in(division, m=None):
    group = group_of(division)
    if division.code == COUNTY:
        services.town_steer(group=group, town=Division.objects.get(code=TOWN_A))
    n = next(halves)
    return ss.supervision_open(group=group, year=2020 + n // 2, half=1 + n % 2, opened_on=D(2026, 1, 5))[0]


def inspection_in(division, m=None):
    group = group_of(division)
    if division.code == COUNTY:
        services.town_steer(group=group, town=Division.objects.get(code=TOWN_A))
    return ss.inspection_create(group=group, subject="委托执法持证上岗检查", inspected_on=D(2026, 4, 8),
                                actor=None)


def inspection_body(m, division):
    """A new inspection of ``division``'s leading group (the office there creates it)."""
    return {"group": group_of(division).pk, "subject": "便民服务中心窗口检查", "inspected_on": "2026-05-06",
            "participants": [Department.objects.get(code=f"{COUNTY}-SJJ").pk] if division.code == COUNTY else [],
            "note": ""}


def inspection_finding_body(m):
    return {**finding_body(m), "found_on": "2026-04-10"}


def participant(m):
    return {"department": Department.objects.get(code=f"{COUNTY}-SJJ").pk, "role": "audit"}


def finding_body(m):
    return {"town": Division.objects.get(code=TOWN_A).pk, "category": "filing", "severity": "general",
            "description": "3件许可决定未按期备案", "rule_breached": "审批后1个月内备案", "found_on": "2026-02-10",
            "rectify_months": 1}


class TestSupervisionPages(ScopedPageCases):
    list_name = "oversight:supervision-list"
    detail_name = "oversight:supervision-detail"
    detail_queries = HISTORY
    actions = {
        "oversight:supervision-participant": participant,
        "oversight:supervision-finding": finding_body,
        "oversight:supervision-report": {"as_of": ""},
        "oversight:supervision-finance": {},
        "oversight:supervision-close": {"on": ""},
    }
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 9

    def make(self, division, m):
        return supervision_in(division)


class TestInspectionPages(ScopedPageCases):
    """The list, the page, the office's create form and the page that records a finding."""

    list_name = "oversight:inspection-list"
    detail_name = "oversight:inspection-detail"
    detail_queries = HISTORY
    create_name = "oversight:inspection-create"
    edit_names = ("oversight:inspection-finding",)
    edit_payload = staticmethod(inspection_finding_body)
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 9

    def make(self, division, m):
        return inspection_in(division)

    def create_payload(self, m, division):
        return inspection_body(m, division)


class TestSupervisionAPI(ScopedAPICases):
    basename = "oversight-api:supervision"
    detail_gets = ("history",)
    actions = {
        "participants": participant,
        "findings": finding_body,
        "report": {},
        "finance": {},
        "close": {"on": "2026-07-10"},
    }
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 6

    def make(self, division, m):
        return supervision_in(division)


class TestInspectionAPI(ScopedAPICases):
    basename = "oversight-api:inspection"
    detail_gets = ("history",)
    actions = {"findings": inspection_finding_body}
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 6

    def make(self, division, m):
        return inspection_in(division)

    def create_payload(self, m, division):
        return inspection_body(m, division)
