"""The persona matrix over every HTML page of /delegation/ (core.testing.cases).

Each class declares the pages of one kind of row (list, detail and its tabs, forms, workflow
POSTs, the create form and its data) or pages without a row (the matrix, the charts, the
overdue list); the base class asks every persona for each. What the matrix cannot know (the
rows' contents, domain errors on the forms, filters) is in test_views.py and its neighbours.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from core.testing.cases import Route, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from delegation.choices import ItemStatus, Mode, Outcome

from .factories import (
    AgreementFactory,
    AssignmentFactory,
    BatchFactory,
    ExerciseRecordFactory,
    ItemFactory,
    TrainingFactory,
)
from .test_matrix_api import department_of, in_force_item

serial = itertools.count(1)
HISTORY = ({"tab": "history"},)
# Queries every page pays before its own: session, user, memberships, jurisdiction names, and the
# header's unread-notice badge.
PAGE = 5


class TestItemPages(ScopedPageCases):
    list_name = "delegation:item-list"
    detail_name = "delegation:item-detail"
    detail_queries = HISTORY
    edit_names = ("delegation:item-edit",)
    edit_payload = {}  # an empty form: the writers get it back with its errors
    actions = {"delegation:item-publish": {}, "delegation:item-suspend": {"reason": "矩阵"},
               "delegation:item-resume": {"reason": "矩阵"}, "delegation:item-withdraw": {"reason": "矩阵"}}
    create_name = "delegation:item-create"
    home, away = COUNTY, ELSEWHERE_CITY
    visible_below = True  # a published catalogue is read by the towns below the county
    query_budget = 8

    def make(self, division, m):
        return ItemFactory(status=ItemStatus.IN_FORCE, department=department_of(division))

    def create_payload(self, m, division):
        n = next(serial)
        return {"code": f"MX-P-{n}", "name": f"矩阵事项{n}", "category": "approval",
                "department": department_of(division).pk, "legal_basis": "《测试条例》",
                "route_before_approval": "县", "route_after_approval": "镇", "filing_deadline": "1个月",
                "statutory_limit": 20, "statutory_limit_unit": "working_days",
                "promised_limit": 10, "promised_limit_unit": "working_days"}


class TestDraftItemPages(ScopedPageCases):
    """A draft is shown to the office, which writes the catalogue, and to no one below it."""

    list_name = "delegation:item-list"
    detail_name = "delegation:item-detail"
    detail_queries = HISTORY
    edit_names = ("delegation:item-edit",)
    actions = {"delegation:item-publish": {}}
    home, away = COUNTY, ELSEWHERE_CITY
    read_roles = frozenset({"office"})
    query_budget = 8

    def make(self, division, m):
        return ItemFactory(department=department_of(division))


class TestBatchPages(ScopedPageCases):
    list_name = "delegation:batch-list"
    detail_name = "delegation:batch-detail"
    actions = {"delegation:batch-add-items": {}, "delegation:batch-publish": {"document_number": "矩政〔2026〕1号"}}
    create_name = "delegation:batch-create"
    home, away = COUNTY, ELSEWHERE_CITY
    visible_below = True
    query_budget = 7

    def make(self, division, m):
        return BatchFactory(division=division)

    def create_payload(self, m, division):
        n = next(serial)
        return {"division": division.pk, "code": f"MX-PB-{n}", "name": f"矩阵批次{n}", "effective_on": "2027-03-01"}


def agreement_pdf(assignment) -> dict:
    return {"pk": assignment.pk}


class TestAssignmentPages(ScopedPageCases):
    list_name = "delegation:assignment-list"
    detail_name = "delegation:assignment-detail"
    detail_queries = HISTORY
    actions = {"delegation:assignment-take-over": {}, "delegation:assignment-revoke": {"reason": "矩阵"},
               "delegation:assignment-attach-agreement": {}}
    create_name = "delegation:assignment-create"
    extra_routes = (Route("delegation-reports:assignment-agreement", kwargs=agreement_pdf),)  # 协议书 PDF
    query_budget = 8

    def make(self, division, m):
        return AssignmentFactory(item=in_force_item(division), division=division)

    def create_payload(self, m, division):
        return {"item": in_force_item(division).pk, "division": division.pk, "mode": Mode.DEVOLVE,
                "receiving_unit": "便民服务中心"}


class TestAgreementPages(ScopedPageCases):
    list_name = "delegation:agreement-list"
    detail_name = "delegation:agreement-detail"
    create_name = "delegation:agreement-create"
    query_budget = 6

    def make(self, division, m):
        return AgreementFactory(department=department_of(division), division=division)

    def create_payload(self, m, division):
        return {"number": f"矩委协〔2026〕{next(serial)}号", "department": department_of(division).pk,
                "division": division.pk, "department_signatory": "局长", "receiver_signatory": "镇长",
                "signed_on": "2026-11-01"}


class TestRecordPages(ScopedPageCases):
    list_name = "delegation:record-list"
    detail_name = "delegation:record-detail"
    actions = {"delegation:record-file": {}}
    create_name = "delegation:record-create"
    write_roles = frozenset({"clerk", "office"})
    query_budget = 10

    def make(self, division, m):
        return ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(division), division=division),
                                     decided_on=timezone.localdate() - datetime.timedelta(days=3),
                                     received_on=timezone.localdate() - datetime.timedelta(days=5))

    def create_payload(self, m, division):
        record = m.obj if division == m.home else m.away_obj
        decided_on = timezone.localdate() - datetime.timedelta(days=2)
        return {"division": division.pk, "item": record.item_id, "applicant": "矩阵申请人",
                "received_on": decided_on - datetime.timedelta(days=1), "decided_on": decided_on,
                "outcome": Outcome.APPROVED, "decision_number": f"矩政备〔2026〕{next(serial)}号"}


class TestTrainingPages(ScopedPageCases):
    list_name = "delegation:training-list"
    create_name = "delegation:training-create"
    query_budget = 8

    def make(self, division, m):
        return TrainingFactory(division=division, department=department_of(division))

    def create_payload(self, m, division):
        return {"division": division.pk, "department": department_of(division).pk, "kind": "topic",
                "title": f"矩阵培训{next(serial)}", "held_on": "2026-11-20", "attendees": 12}


def town(division) -> dict:
    return {"division": division.pk}


def town_id(division) -> dict:
    return {"division_id": division.pk}


class TestTownPages(ScopedPageCases):
    """A town's catalogue (公告) PDF, 404 outside the jurisdiction; and the pages over the whole
    jurisdiction (the assignment matrix, overdue and recomputed records): what they show is
    asserted in test_views.py and test_provisional.py, here who gets them and at what cost."""

    list_names = ("delegation:assignment-matrix", "delegation:overdue-list", "delegation:record-recomputed")
    extra_routes = (Route("delegation-reports:town-catalogue", kwargs=town_id),)
    query_budget = {"delegation:assignment-matrix": PAGE + 5, "delegation:overdue-list": PAGE + 4,  # + the late entries (补录) count
                    "delegation:record-recomputed": PAGE + 2}

    def make(self, division, m):
        return division


class TestChartPages(ScopedPageCases):
    """The chart data (JSON), over the jurisdiction or narrowed to a town (``?division=``, 404
    outside it); a login without any membership is refused."""

    list_names = ("delegation:assignment-matrix-chart", "delegation:overdue-chart")
    extra_routes = (
        Route("delegation:assignment-matrix-chart", kwargs=None, query=town, label="?division"),
        Route("delegation:overdue-chart", kwargs=None, query=town, label="?division"),
    )
    no_membership_refused = True
    query_budget = 6

    def make(self, division, m):
        return division
