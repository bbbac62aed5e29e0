"""The persona matrix over every endpoint of /api/v1/delegation/ (core.testing.cases).

Each class declares one endpoint: how to make a row in a division, which roles read and write
it, the routes on the row and a create payload; the base class asks every persona everything.
What the matrix cannot know (field errors, the life cycle, history contents) is in
test_api_*.py.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from core.testing.cases import Route, ScopedAPICases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from delegation.choices import ItemStatus, Outcome
from delegation.models import FilingDueRecomputed
from regions.models import Department

from .factories import (
    AgreementFactory,
    AssignmentFactory,
    BatchFactory,
    ExerciseRecordFactory,
    ItemFactory,
    TrainingFactory,
)

serial = itertools.count(1)


def department_of(division, abbr: str = "FGW") -> Department:
    """The demo's department ``abbr`` of ``division`` (a county or city) or of its parent (a town)."""
    owner = division if division.level != "town" else division.parent
    return Department.objects.get(code=f"{owner.code}-{abbr}")


def in_force_item(division):
    return ItemFactory(status=ItemStatus.IN_FORCE, department=department_of(division))


class TestBatchAPI(ScopedAPICases):
    basename = "delegation-api:batch"
    home, away = COUNTY, ELSEWHERE_CITY
    visible_below = True  # the county's batches are read by its towns
    detail_gets = ("history", "items")
    actions = {"add-items": {"items": [0], "reason": "矩阵"}, "publish": {"document_number": "矩政〔2026〕1号"}}
    query_budget = 3

    def make(self, division, m):
        return BatchFactory(division=division)

    def create_payload(self, m, division):
        n = next(serial)
        return {"division": division.pk, "code": f"MX-B-{n}", "name": f"矩阵批次{n}",
                "document_number": f"矩政〔2026〕{n}号", "effective_on": "2027-01-01"}


class TestItemAPI(ScopedAPICases):
    basename = "delegation-api:item"
    home, away = COUNTY, ELSEWHERE_CITY
    visible_below = True  # a published catalogue is read by the towns below the county
    detail_gets = ("history", "status-changes")
    update = {"name": "矩阵改名"}
    actions = {"suspend": {"reason": "矩阵"}, "resume": {"reason": "矩阵"}, "withdraw": {"reason": "矩阵"},
               "publish": {}}
    query_budget = 3

    def make(self, division, m):
        return ItemFactory(status=ItemStatus.IN_FORCE, department=department_of(division))

    def create_payload(self, m, division):
        n = next(serial)
        return {"code": f"MX-I-{n}", "name": f"矩阵事项{n}", "category": "approval",
                "department": department_of(division).pk, "legal_basis": "《测试条例》",
                "route_before_approval": "县", "route_after_approval": "镇", "filing_deadline": "1M",
                "statutory_limit": 20, "promised_limit": 10}


class TestDraftItemAPI(ScopedAPICases):
    """A draft is read by the bodies that write the catalogue only (the office), not by the towns."""

    basename = "delegation-api:item"
    home, away = COUNTY, ELSEWHERE_CITY
    read_roles = frozenset({"office"})
    detail_gets = ("history", "status-changes")
    update = {"name": "矩阵改名"}
    actions = {"publish": {}}
    query_budget = 3

    def make(self, division, m):
        return ItemFactory(department=department_of(division))


class TestAgreementAPI(ScopedAPICases):
    basename = "delegation-api:agreement"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return AgreementFactory(department=department_of(division), division=division)

    def create_payload(self, m, division):
        return {"number": f"矩委协〔2026〕{next(serial)}号", "department": department_of(division).pk,
                "division": division.pk, "department_signatory": "局长", "receiver_signatory": "镇长",
                "signed_on": "2026-11-02"}


def catalogue_query(assignment) -> dict:
    return {"division": assignment.division_id}


class TestAssignmentAPI(ScopedAPICases):
    basename = "delegation-api:assignment"
    detail_gets = ("history", "agreement-pdf")
    actions = {"take-over": {}, "revoke": {"reason": "矩阵"}}
    # The town's catalogue (公告) PDF: the town as a query parameter, 404 outside the jurisdiction.
    extra_routes = (Route("delegation-api:assignment-catalogue-pdf", kwargs=None, query=catalogue_query),)
    query_budget = 3

    def make(self, division, m):
        return AssignmentFactory(item=in_force_item(division), division=division)

    def create_payload(self, m, division):
        return {"item": in_force_item(division).pk, "division": division.pk, "mode": "devolve"}


class TestTrainingAPI(ScopedAPICases):
    basename = "delegation-api:training"
    detail_gets = ("history",)
    query_budget = 4  # + the prefetch of the items

    def make(self, division, m):
        return TrainingFactory(division=division, department=department_of(division))

    def create_payload(self, m, division):
        return {"division": division.pk, "department": department_of(division).pk, "kind": "topic",
                "title": f"矩阵培训{next(serial)}", "held_on": "2026-11-20", "attendees": 12, "items": []}


class TestExerciseRecordAPI(ScopedAPICases):
    basename = "delegation-api:exercise-record"
    write_roles = frozenset({"clerk", "office"})  # a town's clerk records and files its own town's cases
    detail_gets = ("history",)
    actions = {"file": {}}
    query_budget = 3

    def make(self, division, m):
        return ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(division), division=division),
                                     decided_on=timezone.localdate() - datetime.timedelta(days=3),
                                     received_on=timezone.localdate() - datetime.timedelta(days=5))

    def create_payload(self, m, division):
        record = m.obj if division == m.home else m.away_obj
        decided_on = timezone.localdate() - datetime.timedelta(days=2)
        return {"division": division.pk, "item": record.item_id, "applicant": "矩阵申请人",
                "received_on": (decided_on - datetime.timedelta(days=1)).isoformat(),
                "decided_on": decided_on.isoformat(), "outcome": Outcome.APPROVED,
                "decision_number": f"矩政备〔2026〕{next(serial)}号"}


class TestDueRecomputationAPI(ScopedAPICases):
    """Written by the recompute service only (no role writes it): read only, for the records' readers."""

    basename = "delegation-api:due-recomputation"
    write_roles = frozenset()
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        record = ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(division), division=division))
        return FilingDueRecomputed.objects.create(record=record, year=2027, old_due_on=datetime.date(2027, 1, 5),
                                                  new_due_on=datetime.date(2027, 1, 8))
