"""The persona matrix over every endpoint of /api/v1/finance/ (core.testing.cases): who reads,
who writes, 404 outside the jurisdiction, 403 without the role, DELETE 405, the lists scoped
and within a query budget. What the matrix cannot know (the figures, the refusals of bad
amounts) is in test_api.py and the service tests."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedAPICases
from finance import services
from finance.models import FiscalArrangement

from .factories import linxi_arrangement, linxi_categories, revenue

D = datetime.date
serial = itertools.count(1)
months = itertools.count(0)


def arrangement_of(division):
    return FiscalArrangement.objects.filter(town=division).first() or linxi_arrangement(division)


def next_month() -> str:
    n = next(months)
    return f"{2010 + n // 12}-{n % 12 + 1:02d}"


def entitlement_in(division):
    """A land-transfer entitlement of ``division`` in a month of its own (amount 1,000.00)."""
    arrangement_of(division)
    month = next_month()
    revenue(division, month, "land_net", "1000.00", body="县国土资源局")
    return next(e for e in services.entitlement_compute(town=division, month=month) if e.amount)


def arrangement_body(**overrides) -> dict:
    """A valid arrangement (API input) effective from a year no other case uses."""
    linxi_categories()
    n = next(serial)
    return {"name": f"矩阵体制{n}", "base_year": 2008, "base_amount": "12000000.00", "term_start": "2009-01-01",
            "term_end": "2013-12-31", "effective_from": f"{2040 + n}-01-01",
            "rules": [{"name": "超收分档返还", "kind": "excess", "categories": ["vat"],
                       "tiers": [{"up_to": "3000000", "share_percent": "100"}, {"up_to": None, "share_percent": "50"}]}],
            **overrides}


class TestArrangementAPI(ScopedAPICases):
    basename = "finance-api:arrangement"
    detail_gets = ("history",)
    actions = {"supersede": lambda m: arrangement_body()}
    query_budget = 4  # + the rules and their categories

    def create_payload(self, m, division):
        arrangement_of(division)
        return arrangement_body(town=division.pk)

    def make(self, division, m):
        current = FiscalArrangement.objects.filter(town=division, superseded_by__isnull=True).first()
        if current is None:
            return linxi_arrangement(division)
        return linxi_arrangement(division, name=f"调整{next(serial)}",
                                 effective_from=current.effective_from.replace(year=current.effective_from.year + 1))


class TestRevenueRecordAPI(ScopedAPICases):
    basename = "finance-api:revenue-record"
    write_roles = frozenset({"clerk", "office"})  # the finance bureau (office) or the town's clerk
    detail_gets = ("history",)
    actions = {"reverse": {"reason": "矩阵冲销"}}
    query_budget = 3

    def make(self, division, m):
        arrangement_of(division)
        return revenue(division, "2010-03", "vat", "1000.00")

    def create_payload(self, m, division):
        return {"town": division.pk, "month": "2010-04", "category": "vat", "collecting_body": "临溪税务分局",
                "amount": "1291666.66"}


class TestEntitlementAPI(ScopedAPICases):
    basename = "finance-api:entitlement"
    detail_gets = ("history",)
    extra_routes = (Route("finance-api:entitlement-overdue", kwargs=None),
                    Route("finance-api:entitlement-reconciliation", kwargs=None))
    query_budget = 3

    def make(self, division, m):
        return entitlement_in(division)


class TestDisbursementAPI(ScopedAPICases):
    basename = "finance-api:disbursement"
    detail_gets = ("history",)
    query_budget = 4  # + the lines

    def make(self, division, m):
        e = entitlement_in(division)
        return services.disbursement_create(town=division, paid_on=D(2010, 12, 1), document_number=f"矩拨{next(serial)}",
                                            lines=[(e, "400.00")])

    def create_payload(self, m, division):
        e = entitlement_in(division)
        return {"town": division.pk, "paid_on": "2011-01-05", "document_number": f"矩拨新{next(serial)}",
                "lines": [{"entitlement": e.pk, "amount": "1000.00"}]}
