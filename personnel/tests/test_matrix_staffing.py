"""The persona matrix over the establishment pages (core.testing.cases): the staffing table, its
chart and PDF, people and their steps, institutions, posts, plans, approvals, payroll and the
cross-check. The office writes everything; the town's clerk writes its people, posts and plans;
the auditor and the superior read within their jurisdiction; 404 outside it, 403 without the role."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedPageCases
from personnel import services_staffing as s
from personnel.choices_staffing import EstablishmentKind

from .staffing_factories import approve, person_in, staffed_town

D = datetime.date
serial = itertools.count(1)
TOWN_WRITERS = frozenset({"office", "clerk"})


class TestStaffingTablePages(ScopedPageCases):
    list_name = "personnel:staffing"
    list_names = ("personnel:cross-check",)
    detail_name = "personnel:town-staffing"
    extra_routes = (Route("personnel:town-staffing-chart"), Route("personnel:town-staffing-pdf"))
    query_budget = 16

    def make(self, division, m):
        _, staff, _ = staffed_town(division, admin=3)
        person_in(staff)
        return division

    def listed(self, response, obj):
        return Route(self.detail_name).url(obj) in response.content.decode()


class TestPersonPages(ScopedPageCases):
    list_name = "personnel:person-list"
    create_name = "personnel:person-create"
    detail_name = "personnel:person-detail"
    detail_queries = ({"tab": "history"},)
    actions = {"personnel:person-exit": {}, "personnel:person-move": {}, "personnel:person-rank-up": {}}
    write_roles = TOWN_WRITERS
    query_budget = 12

    def make(self, division, m):
        _, staff, _ = staffed_town(division, admin=3)
        return person_in(staff)


class TestInstitutionList(ScopedPageCases):
    list_name = "personnel:institution-list"
    query_budget = 8

    def make(self, division, m):
        return staffed_town(division, admin=1)[0]


class TestPostPages(ScopedPageCases):
    list_name = "personnel:post-list"
    create_name = "personnel:post-create"
    write_roles = TOWN_WRITERS
    query_budget = 8

    def make(self, division, m):
        return staffed_town(division, admin=1)[1]

    def create_payload(self, m, division):
        from personnel.models import Institution

        inst = Institution.objects.filter(town=division).order_by("id").first()
        return {"institution": inst.pk if inst else "", "title": f"矩阵岗位{next(serial)}",
                "kind": EstablishmentKind.ADMIN, "role": "staff", "leader_level": ""}


class TestPlanPages(ScopedPageCases):
    list_name = "personnel:plan-list"
    create_name = "personnel:plan-create"
    detail_name = "personnel:plan-detail"
    actions = {"personnel:plan-line-add": {}, "personnel:plan-submit": {}, "personnel:plan-approve": {},
               "personnel:plan-reject": {"reason": "矩阵退回"}}
    write_roles = TOWN_WRITERS
    query_budget = 8

    def make(self, division, m):
        return s.plan_create(town=division, title=f"矩阵方案{next(serial)}")

    def create_payload(self, m, division):
        return {"town": division.pk, "title": f"矩阵新方案{next(serial)}"}


class TestApprovalPages(ScopedPageCases):
    list_name = "personnel:approval-list"
    create_name = "personnel:approval-create"
    query_budget = 8

    def make(self, division, m):
        return approve(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "quota_kind": "admin", "delta": 2, "document_kind": "office_decision",
                "document_number": f"绩编〔2011〕{next(serial)}号", "document_date": "2011-03-01",
                "issued_by": "绩溪县编办", "funding_form": "", "note": ""}


class TestPayrollPages(ScopedPageCases):
    list_name = "personnel:payroll-list"
    create_name = "personnel:payroll-create"
    query_budget = 8

    def make(self, division, m):
        return s.payroll_count_record(town=division, month=D(2010, 1 + next(serial) % 12, 1),
                                      kind=EstablishmentKind.ADMIN, count=3)

    def create_payload(self, m, division):
        return {"town": division.pk, "month": "2012-05", "kind": EstablishmentKind.ADMIN, "count": 4, "note": ""}
