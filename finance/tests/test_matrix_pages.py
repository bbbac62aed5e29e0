"""The persona matrix over every HTML page of /finance/ (core.testing.cases)."""

from __future__ import annotations

import itertools

from core.testing.cases import ScopedPageCases

from .factories import revenue
from .test_matrix_api import arrangement_of, entitlement_in

serial = itertools.count(1)
HISTORY = ({"tab": "history"},)


class TestReconciliationPage(ScopedPageCases):
    list_name = "finance:reconciliation"
    query_budget = 10


class TestTownFinancePage(ScopedPageCases):
    detail_name = "finance:town"

    def make(self, division, m):
        entitlement_in(division)
        return division


class TestRevenuePages(ScopedPageCases):
    list_name = "finance:revenue-list"
    create_name = "finance:revenue-create"
    actions = {"finance:revenue-reverse": {"reason": "矩阵冲销"}}
    write_roles = frozenset({"clerk", "office"})
    query_budget = 8

    def make(self, division, m):
        arrangement_of(division)
        return revenue(division, "2010-03", "vat", "1000.00")

    def create_payload(self, m, division):
        from finance.models import RevenueCategory

        arrangement_of(division)
        return {"town": division.pk, "month": "2010-05", "category": RevenueCategory.objects.get(code="vat").pk,
                "collecting_body": "临溪税务分局", "amount": f"{next(serial)}.50"}


class TestEntitlementPages(ScopedPageCases):
    detail_name = "finance:entitlement-detail"
    detail_queries = HISTORY

    def make(self, division, m):
        return entitlement_in(division)
