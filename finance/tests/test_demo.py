"""The demo of 临溪镇 2009–2013 loads through the services, twice without a second copy, and
makes the pages meaningful: every year settled, a late disbursement, one overdue entitlement,
the ledger verifies."""

import datetime
from decimal import Decimal

from core.ledger.chain import verify
from finance import selectors
from finance.choices import EntitlementKind, EntitlementStatus
from finance.demo import load_demo_finance
from finance.models import Disbursement, Entitlement, RevenueRecord


def test_demo_loads_once_and_holds_the_worked_figures(demo):
    assert load_demo_finance() is True
    assert load_demo_finance() is False
    town = demo["341824101"]
    settled = {e.month.year: e for e in Entitlement.objects.filter(town=town, kind=EntitlementKind.SETTLEMENT,
                                                                   status=EntitlementStatus.ACTIVE)}
    assert sorted(settled) == [2009, 2010, 2011, 2012, 2013]
    assert settled[2010].trace["final"] == "5500000.00"  # 17,500,000.00 − 12,000,000.00
    # 2011: 11,400,000.00, under the base; the strong first half drew 1,700,000.00 of advances
    # (April: 5,700,000.00 against 4,000,000.00 of pro-rated base), owed back at the year end
    assert settled[2011].trace["final"] == "0.00" and settled[2011].trace["advances"] == "1700000.00"
    assert settled[2011].amount == Decimal("-1700000.00")
    subsidy = Entitlement.objects.get(town=town, month=datetime.date(2010, 5, 1), rule__kind="per_mu")
    assert subsidy.amount == Decimal("600000.00")
    late = Disbursement.objects.get(town=town, document_number="绩财拨〔2010〕3号")
    assert late.paid_on == datetime.date(2010, 8, 16)
    overdue = list(selectors.entitlement_overdue_list())
    assert {e.month for e in overdue} == {datetime.date(2013, 12, 1)}
    assert RevenueRecord.objects.filter(town=town, month__year=2010, category__code__in=["vat", "cit"]).count() == 24
    assert verify(ledger="finance").ok
