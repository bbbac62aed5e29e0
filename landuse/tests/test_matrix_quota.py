"""The persona matrix over every page of /landuse/ and endpoint of /api/v1/landuse/ that l1 built
(core.testing.cases): who reads, who writes, 404 outside the jurisdiction, 403 without the role,
DELETE 405, the lists scoped and within a query budget. The figures and the refusals of bad input
are in test_quota_services.py and test_quota_api.py."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedAPICases, ScopedPageCases
from landuse.models import Allocation, QuotaAccount

from .factories import YEAR, fund_town, project

serial = itertools.count(1)
HISTORY = ({"tab": "history"},)


def funded(division, amount="100"):
    if not QuotaAccount.objects.filter(division=division, year=YEAR).exists():
        fund_town(division, amount)
    return division


def allocation_into(division):
    fund_town(division, "100")
    # fund_town hands everything down to the town; the county keeps 10 mu of its own, so that the
    # create cases (allocation_payload: 1 mu from the county to the town) have quota to give.
    fund_town(division.parent, "10")
    return Allocation.objects.filter(target__division=division).order_by("-id").first()


def project_in(division, **fields):
    funded(division)
    return project(division, quota_mu="5", name=f"矩阵项目{next(serial)}", **fields)


def allocation_payload(division):
    """A valid allocation of 1 mu from the town's county (which allocation_into left 10 mu)."""
    return {"kind": "allocate", "year": YEAR, "source": division.parent_id, "source_pool": "general",
            "target": division.pk, "target_pool": "general", "amount_mu": "1", "document_number": f"矩{next(serial)}",
            "allocated_on": datetime.date.today().isoformat(), "memo": ""}


# --- pages -----------------------------------------------------------------------------------------

class TestAllocationScreen(ScopedPageCases):
    """The county's allocation screen lists the towns in scope, each linked to its quota page."""

    list_name = "landuse:index"
    detail_name = "landuse:town"
    query_budget = 30

    def make(self, division, m):
        return funded(division)


class TestAllocationPages(ScopedPageCases):
    list_name = "landuse:allocation-list"
    create_name = "landuse:allocation-create"
    write_roles = frozenset({"office", "superior"})
    actions = {"landuse:allocation-reverse": {"reason": "矩阵冲销"}}
    query_budget = 8

    def make(self, division, m):
        return allocation_into(division)

    def create_payload(self, m, division):
        return allocation_payload(division)


class TestGainPages(ScopedPageCases):
    create_name = "landuse:gain-create"

    def create_payload(self, m, division):
        return {"town": division.pk, "year": YEAR, "kind": "consolidation", "amount_mu": "2.5",
                "accepted_on": f"{YEAR}-01-10", "document_number": f"验{next(serial)}", "basis": "土地整理项目验收"}

    def make(self, division, m):
        from landuse import services

        funded(division)
        return services.quota_gain(town=division, year=YEAR, kind="consolidation", amount_mu="1",
                                   accepted_on=datetime.date(YEAR, 1, 2), basis="矩阵",
                                   source_key=f"matrix:{next(serial)}")


class TestProjectPages(ScopedPageCases):
    list_name = "landuse:project-list"
    list_names = ("landuse:priority-list",)
    create_name = "landuse:project-create"
    detail_name = "landuse:project-detail"
    detail_queries = ({"tab": "ledger"}, *HISTORY)
    edit_names = ("landuse:project-update",)
    write_roles = frozenset({"office", "clerk"})
    actions = {"landuse:project-submit": {"application_document": "报批1"},
               "landuse:project-withdraw": {"reason": "矩阵撤回"}}
    query_budget = 8

    def make(self, division, m):
        return project_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": YEAR, "name": f"新项目{next(serial)}", "kind": "infrastructure",
                "area_mu": "3", "quota_mu": "2", "farmland_mu": "1"}


class TestProjectDecisionPages(ScopedPageCases):
    """The county office's steps: approve, reject, draw (the clerk reads the project, 403 here)."""

    detail_name = "landuse:project-detail"
    write_roles = frozenset({"office"})
    actions = {"landuse:project-approve": {"approval_document": "批1"},
               "landuse:project-reject": {"reason": "矩阵退回"},
               "landuse:project-draw": {"approval_document": "批2"}}

    def make(self, division, m):
        return project_in(division)


# --- API -------------------------------------------------------------------------------------------

class TestQuotaAccountAPI(ScopedAPICases):
    basename = "landuse-api:account"
    detail_gets = ("history",)
    extra_routes = (Route("landuse-api:account-exhausted", kwargs=None),)
    write_roles = frozenset({"office", "superior"})
    query_budget = 4

    def make(self, division, m):
        funded(division)
        return QuotaAccount.objects.get(division=division, year=YEAR, pool="general")


class TestAllocationAPI(ScopedAPICases):
    basename = "landuse-api:allocation"
    detail_gets = ("history",)
    write_roles = frozenset({"office", "superior"})
    actions = {"reverse": {"reason": "矩阵冲销"}}
    query_budget = 4

    def make(self, division, m):
        return allocation_into(division)

    def create_payload(self, m, division):
        return allocation_payload(division)


class TestQuotaGainAPI(ScopedAPICases):
    basename = "landuse-api:gain"
    detail_gets = ("history",)
    query_budget = 4

    def make(self, division, m):
        return TestGainPages().make(division, m)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": YEAR, "kind": "linkage", "amount_mu": "3.2500",
                "accepted_on": f"{YEAR}-01-10", "document_number": f"挂钩{next(serial)}", "basis": "增减挂钩验收"}


class TestProjectAPI(ScopedAPICases):
    basename = "landuse-api:project"
    detail_gets = ("history",)
    write_roles = frozenset({"office", "clerk"})
    actions = {"submit": {"application_document": "报批"}, "withdraw": {"reason": "矩阵撤回"}}
    extra_routes = (Route("landuse-api:project-priority", kwargs=None),
                    Route("landuse-api:project-expiring", kwargs=None))
    query_budget = 3

    def make(self, division, m):
        return project_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": YEAR, "name": f"接口项目{next(serial)}", "kind": "other",
                "area_mu": "4", "quota_mu": "1.5"}


class TestProjectDecisionAPI(ScopedAPICases):
    basename = "landuse-api:project"
    write_roles = frozenset({"office"})
    actions = {"approve": {"approval_document": "批"}, "reject": {"reason": "矩阵退回"},
               "draw": {"approval_document": "批"}}
    query_budget = 3

    def make(self, division, m):
        return project_in(division)

