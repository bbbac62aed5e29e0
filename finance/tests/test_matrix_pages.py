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
    query_budget = 11  # one more: the latest month with data, for the default period


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


def arrangement_row(division):
    from finance.models import FiscalArrangement

    current = FiscalArrangement.objects.filter(town=division, superseded_by__isnull=True).first()
    return current or arrangement_of(division)


def arrangement_payload(division, *, town=True, when=None):
    """A valid arrangement form (one excess rule, tiered), for ``division``."""
    from finance.models import RevenueCategory

    from .factories import linxi_categories

    linxi_categories()
    n = next(serial)
    data = {
        "name": f"矩阵体制{n}", "document_number": "", "base_year": "2008", "base_amount": "12000000.00",
        "term_start": "2009-01-01", "term_end": "2013-12-31", "effective_from": when or f"{2030 + n}-01-01",
        "settlement_method": "year_end", "shortfall_rule": "owed_back", "disbursement_limit": "3M",
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "1", "rules-MAX_NUM_FORMS": "20",
        "rules-0-name": "超收返还", "rules-0-kind": "excess", "rules-0-share_percent": "",
        "rules-0-categories": [str(RevenueCategory.objects.get(code="vat").pk)], "rules-0-tiers": "3000000 100\n50",
        "rules-0-per_mu_amount": "", "rules-0-earmark": "",
    }
    if town:
        data["town"] = str(division.pk)
    return data


class TestArrangementPages(ScopedPageCases):
    list_name = "finance:arrangement-list"
    detail_name = "finance:arrangement-detail"
    detail_queries = HISTORY
    create_name = "finance:arrangement-create"
    edit_names = ("finance:arrangement-supersede",)
    query_budget = 8

    def make(self, division, m):
        return arrangement_row(division)

    def create_payload(self, m, division):
        arrangement_row(division)
        return arrangement_payload(division)

    edit_payload = staticmethod(lambda m: arrangement_payload(None, town=False))


class TestEntitlementListPage(ScopedPageCases):
    list_name = "finance:entitlement-list"
    query_budget = 8

    def make(self, division, m):
        return entitlement_in(division)


class TestTownCharts(ScopedPageCases):
    detail_name = "finance:town-chart"
    extra_routes = ()

    def make(self, division, m):
        entitlement_in(division)
        return division


class TestTownYearsChart(ScopedPageCases):
    detail_name = "finance:town-years-chart"

    def make(self, division, m):
        entitlement_in(division)
        return division
