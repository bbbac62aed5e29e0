"""The worked examples of issue 11, with exact figures: the excess rebate over the base, a year
under the base with monthly advances (owed back, or carried), the per-mu reclamation subsidy,
land transfer net income passed through and earmarked, a 50 % rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.ledger.models import Account, Balance, Posting
from finance import services
from finance.choices import (
    Earmark,
    EntitlementKind,
    EntitlementStatus,
    RuleKind,
    SettlementMethod,
    ShortfallRule,
)
from finance.models import Entitlement
from regions.tests.factories import TownFactory

from .factories import linxi_arrangement, revenue

D = datetime.date


def balance(town, code) -> Decimal:
    account = Account.objects.get(ledger="finance", owner=town, code=code)
    return Balance.objects.get(account=account).posted


def monthly_revenue(town, year, amounts, category="vat"):
    for month, amount in enumerate(amounts, start=1):
        revenue(town, D(year, month, 1), category, amount)


def test_excess_over_base_is_returned_in_full_at_year_end(town, arrangement):
    # 15,500,000.00 in 2010 over twelve months (the last month takes the cents).
    amounts = ["1291666.66"] * 11 + ["1291666.74"]
    monthly_revenue(town, 2010, amounts)
    assert sum(Decimal(a) for a in amounts) == Decimal("15500000.00")
    settlement = services.settlement_compute(town=town, year=2010)
    assert settlement.amount == Decimal("3500000.00")
    trace = settlement.trace
    assert trace["revenue"] == "15500000.00" and trace["base"]["yearly"] == "12000000.00"
    assert trace["excess"] == "3500000.00" and trace["final"] == "3500000.00" and trace["balance"] == "3500000.00"
    assert trace["base"]["consumed"] == "12000000.00" and trace["base"]["remaining"] == "0.00"
    assert trace["inputs"]["revenue_by_category"] == {"vat": "15500000.00", "cit": "0.00"}
    # posted: the county owes it, the town's owed account holds it
    assert balance(town, "owed") == Decimal("3500000.00")
    assert balance(town.parent, "county") == Decimal("-3500000.00")
    assert settlement.posting.kind == "settlement" and settlement.posting.booked_on == D(2010, 12, 31)
    # under year-end settlement no month advances anything on the excess
    monthly = services.entitlement_compute(town=town, month="2010-06")
    assert all(e.rule.kind != RuleKind.EXCESS for e in monthly)


def test_settlement_twice_is_one_settlement(town, arrangement):
    monthly_revenue(town, 2010, ["1300000.00"] * 12)
    first = services.settlement_compute(town=town, year=2010)
    again = services.settlement_compute(town=town, year=2010)
    assert again.pk == first.pk and first.amount == Decimal("3600000.00")
    assert Posting.objects.filter(ledger="finance", kind="settlement").count() == 1


def test_outside_the_term_no_excess_rebate_is_owed(town, arrangement):
    monthly_revenue(town, 2014, ["1500000.00"] * 12)
    settlement = services.settlement_compute(town=town, year=2014)
    assert settlement.amount == Decimal("0.00") and settlement.posting is None
    assert settlement.trace["in_term"] is False and settlement.trace["revenue"] == "18000000.00"
    assert "不在体制期限内" in settlement.trace["steps"][2]["label"]


# A year under the base, paid in monthly advances on the pro-rated base: strong first half
# (1,500,000.00 a month: 9,000,000.00 by June against 6,000,000.00 of base), weak second half
# (200,000.00 a month): 10,200,000.00 for the year, 1,800,000.00 under the base of 12,000,000.00.
UNDER_BASE = ["1500000.00"] * 6 + ["200000.00"] * 6


def advance_year(town, year):
    monthly_revenue(town, year, UNDER_BASE)
    advances = []
    for month in range(1, 13):
        rows = services.entitlement_compute(town=town, month=D(year, month, 1))
        advances.append(next(e.amount for e in rows if e.rule.kind == RuleKind.EXCESS))
    return advances


def test_year_under_base_advances_owed_back(town, categories):
    linxi_arrangement(town, settlement_method=SettlementMethod.MONTHLY_ADVANCE, shortfall_rule=ShortfallRule.OWED_BACK)
    advances = advance_year(town, 2011)
    assert advances == [Decimal("500000.00")] * 6 + [Decimal("0.00")] * 6
    june = Entitlement.objects.get(town=town, month=D(2011, 6, 1), rule__kind=RuleKind.EXCESS)
    assert june.trace["base"] == {"yearly": "12000000.00", "months": 6, "prorated": "6000000.00",
                                  "consumed": "6000000.00", "remaining_for_year": "3000000.00"}
    assert balance(town, "owed") == Decimal("3000000.00")
    settlement = services.settlement_compute(town=town, year=2011)
    assert settlement.trace["final"] == "0.00"  # a year under the base gives 0.00
    assert settlement.trace["advances"] == "3000000.00" and settlement.trace["balance"] == "-3000000.00"
    assert settlement.trace["treatment"] == "owed_back"
    assert settlement.amount == Decimal("-3000000.00") and settlement.carried_forward == Decimal("0.00")
    assert balance(town, "owed") == Decimal("0.00")  # the advances are taken back on the ledger


def test_year_under_base_advances_carried_to_next_year(town, categories):
    linxi_arrangement(town, settlement_method=SettlementMethod.MONTHLY_ADVANCE, shortfall_rule=ShortfallRule.CARRIED)
    advance_year(town, 2011)
    settlement = services.settlement_compute(town=town, year=2011)
    assert settlement.trace["final"] == "0.00" and settlement.trace["treatment"] == "carried"
    assert settlement.amount == Decimal("0.00") and settlement.carried_forward == Decimal("3000000.00")
    assert settlement.posting is None and balance(town, "owed") == Decimal("3000000.00")
    # 2012 comes in at 16,000,000.00 with no advances (no month computed): 4,000,000.00 over the
    # base, less the 3,000,000.00 carried from 2011.
    monthly_revenue(town, 2012, ["1333333.33"] * 11 + ["1333333.37"])
    next_year = services.settlement_compute(town=town, year=2012)
    assert next_year.trace["final"] == "4000000.00" and next_year.trace["carried_in"] == "3000000.00"
    assert next_year.amount == Decimal("1000000.00")


def test_reclamation_120_mu_gives_600000(town, arrangement):
    services.reclamation_record_create(town=town, month="2010-05", area_mu="80", project="石门村废弃砖厂复垦")
    services.reclamation_record_create(town=town, month="2010-05", area_mu="40.0000", project="荒坡开发")
    rows = services.entitlement_compute(town=town, month="2010-05")
    subsidy = next(e for e in rows if e.rule.kind == RuleKind.PER_MU)
    assert subsidy.amount == Decimal("600000.00")
    assert subsidy.earmark == Earmark.INFRASTRUCTURE_FARMLAND
    assert subsidy.trace["inputs"] == {"area_mu": "120.0000"}
    assert balance(town, "owed:infrastructure_farmland") == Decimal("600000.00")


def test_land_transfer_net_income_passes_through_in_full_earmarked(town, arrangement):
    revenue(town, "2010-03", "land_net", "2345678.91", body="县国土资源局")
    revenue(town, "2010-03", "social_support", "12000.50", body="临溪镇计生办")
    rows = {e.rule.name: e for e in services.entitlement_compute(town=town, month="2010-03")}
    land = rows["土地出让净收益全额返还"]
    assert land.amount == Decimal("2345678.91") and land.earmark == Earmark.INDUSTRIAL_ZONE
    assert land.trace["steps"][-1]["amount"] == "2345678.91"
    assert rows["规费地方留成全部留用"].amount == Decimal("12000.50") and rows["规费地方留成全部留用"].earmark == ""
    assert balance(town, "owed:industrial_zone") == Decimal("2345678.91")
    assert balance(town, "owed") == Decimal("12000.50")
    # one posting for the month, the county's leg the total
    posting = land.posting
    assert {e.posting_id for e in rows.values()} == {posting.pk}
    assert balance(town.parent, "county") == Decimal("-2357679.41")


def test_a_50_percent_rule_returns_half(categories):
    town = TownFactory()
    rules = [{"name": "县级分成税费返还一半", "kind": RuleKind.SHARE, "categories": ["county_share"],
              "share_percent": "50"},
             {"name": "超收返还一半", "kind": RuleKind.EXCESS, "categories": ["vat"], "share_percent": "50.00"}]
    linxi_arrangement(town, rules=rules)
    revenue(town, "2010-07", "county_share", "1000000.01")
    (share,) = services.entitlement_compute(town=town, month="2010-07")
    assert share.amount == Decimal("500000.01")  # 500,000.005 rounded half up to the fen
    monthly_revenue(town, 2012, ["1291666.66"] * 11 + ["1291666.74"])
    assert services.settlement_compute(town=town, year=2012).amount == Decimal("1750000.00")


def test_recompute_reverses_the_old_posting_and_posts_the_new(town, arrangement):
    revenue(town, "2010-03", "land_net", "1000000.00")
    (first,) = [e for e in services.entitlement_compute(town=town, month="2010-03") if e.amount]
    again = services.entitlement_compute(town=town, month="2010-03")
    assert first.pk in {e.pk for e in again}  # nothing changed: nothing written
    revenue(town, "2010-03", "land_net", "250000.00")
    new = next(e for e in services.entitlement_compute(town=town, month="2010-03") if e.amount)
    first.refresh_from_db()
    assert first.status == EntitlementStatus.REPLACED and first.replaced_by == new
    assert first.reversal_posting.reverses_id == first.posting_id
    assert new.amount == Decimal("1250000.00") and new.posting_id != first.posting_id
    assert balance(town, "owed:industrial_zone") == Decimal("1250000.00")
    keys = list(Posting.objects.filter(ledger="finance").order_by("id").values_list("idempotency_key", flat=True))
    assert keys == [f"finance:monthly:{town.code}:2010-03:1", f"finance:monthly:{town.code}:2010-03:1:reverse",
                    f"finance:monthly:{town.code}:2010-03:2"]
    assert Entitlement.objects.filter(town=town, kind=EntitlementKind.MONTHLY, month=D(2010, 3, 1),
                                      status=EntitlementStatus.ACTIVE).count() == 4


@pytest.mark.parametrize("month", ["2008-12", "2009-01"])
def test_superseded_arrangement_stays_readable(town, arrangement, month):
    successor = linxi_arrangement(town, name="临溪镇财政体制（2012年调整）", effective_from=D(2012, 1, 1),
                                  base_amount="15000000.00")
    arrangement.refresh_from_db()
    assert arrangement.superseded_by == successor
    from finance.selectors import arrangement_in_force

    assert arrangement_in_force(town=town, month=D(2011, 12, 1)) == arrangement
    assert arrangement_in_force(town=town, month=D(2012, 1, 1)) == successor
    expected = None if month == "2008-12" else arrangement
    assert arrangement_in_force(town=town, month=datetime.date.fromisoformat(f"{month}-01")) == expected
