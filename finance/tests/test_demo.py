"""The demo of 临溪镇 2009–2013 loads through the services, twice without a second copy, and
makes the pages meaningful: every year settled, a late disbursement, one overdue entitlement,
a superseded arrangement beside the one in force, years over their growth target, the ledger
verifies."""

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


def test_demo_has_a_superseded_arrangement_and_years_over_target(demo):
    from finance.choices import Indicator
    from finance.demo import load_demo_targets
    from finance.models import FiscalArrangement

    load_demo_finance()
    load_demo_targets()
    town = demo["341824101"]
    first, second = FiscalArrangement.objects.filter(town=town).order_by("effective_from")
    assert first.superseded_by == second and second.superseded_by is None
    assert (second.base_year, second.base_amount, second.effective_from) == (2013, Decimal("19000000.00"),
                                                                            datetime.date(2014, 1, 1))
    assert selectors.arrangement_in_force(town=town, month=datetime.date(2013, 12, 1)) == first
    assert selectors.arrangement_in_force(town=town, month=datetime.date(2014, 1, 1)) == second
    excess = second.rules.get(kind="excess")
    assert [t["up_to"] for t in excess.tiers] == ["3000000.00", None]
    assert [Decimal(t["share_percent"]) for t in excess.tiers] == [100, 50]
    years = selectors.town_targets(town=town, years=range(2009, 2014))
    by = {(y, r.indicator): r for y, rows in years.items() for r in rows}
    over = by[(2011, Indicator.INDUSTRIAL_OUTPUT)]  # 1,600,000,000.00 over 1,249,900,000.00
    assert over.growth == Decimal("28.01") and over.growth > over.target_percent and over.met is True
    infra = by[(2010, Indicator.INFRASTRUCTURE_INVESTMENT)]  # 75,000,000.00 over 60,000,000.00
    assert (infra.growth, infra.target_percent, infra.met) == (Decimal("25.00"), Decimal("20.00"), True)
