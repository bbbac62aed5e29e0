"""The set-wise year (``entitlements_compute_year``'s one statement for lines and traces) against
the per-month path in the cases its SQL has to get right on its own: an arrangement superseded
in the middle of the year (another base, a 50 % excess share; the advances carried across), a
year outside the term (no excess advance, the trace says why), a recompute after a reversal; and
the tiered arrangement, which the bulk path leaves to Python — each with the same rows both ways."""

from __future__ import annotations

import datetime
from decimal import Decimal

from finance import services
from finance.choices import SettlementMethod
from finance.services import bulk

from .factories import linxi_arrangement, linxi_rules, revenue
from .test_bulk import both_paths, county, town_with_revenue  # noqa: F401 - county is a fixture
from .test_tiers import tiered_rules

D = datetime.date
SQL_STEP = "lines and traces (one statement, temp table)"


def test_a_superseded_arrangement_mid_year_matches(county):  # noqa: F811
    town = town_with_revenue(county, monthly_advance=True, seed=21)
    services.arrangement_create(
        town=town, name="临溪镇财政体制（调整）", document_number="绩政〔2010〕9号", base_year=2009,
        base_amount=Decimal("9000000.00"), term_start=D(2010, 7, 1), term_end=D(2014, 12, 31),
        effective_from=D(2010, 7, 1), settlement_method=SettlementMethod.MONTHLY_ADVANCE,
        rules=linxi_rules(excess_share="50"))
    other = town_with_revenue(county, monthly_advance=True, seed=22)
    per_month, bulk_state, result = both_paths([town, other])
    assert SQL_STEP in bulk.PHASES
    assert per_month == bulk_state
    july = [row for row in bulk_state["entitlements"] if row[0] == town.code and row[2] == D(2010, 7, 1)
            and row[8]["rule"]["kind"] == "excess"]
    assert [row[8]["rule"]["share_percent"] for row in july] == ["50.00"]
    assert july[0][8]["base"]["yearly"] == "9000000.00"
    assert result.created == len(bulk_state["entitlements"])


def test_a_year_outside_the_term_advances_nothing(county):  # noqa: F811
    town = town_with_revenue(county, monthly_advance=True, seed=23)
    for month in range(1, 13):
        revenue(town, f"2014-{month:02d}", "vat", f"{2_000_000 + month}.00")
    per_month, bulk_state, _result = both_paths([town], year=2014)
    assert SQL_STEP in bulk.PHASES
    assert per_month == bulk_state
    excess = [row for row in bulk_state["entitlements"] if row[8]["rule"]["kind"] == "excess"]
    assert len(excess) == 12 and {row[6] for row in excess} == {Decimal("0.00")}
    assert excess[0][8]["steps"] == [{"label": "不在体制期限内，不计超收返还", "amount": "0.00"}]


def test_a_recompute_after_a_reversal_matches(county):  # noqa: F811
    towns = [town_with_revenue(county, monthly_advance=True, seed=24),
             town_with_revenue(county, monthly_advance=True, seed=25)]
    services.entitlements_compute_year(towns=towns, year=2010)
    wrong = revenue(towns[1], "2010-06", "vat", "700000.00")
    services.revenue_record_reverse(record=wrong, reason="重复登记")
    revenue(towns[1], "2010-11", "land_net", "300000.00", body="县国土资源局")
    per_month, bulk_state, result = both_paths(towns)
    assert SQL_STEP in bulk.PHASES
    assert per_month == bulk_state
    # June's revenue netted to nothing: only November of the second town changed (and nothing after it)
    replaced = {(row[0], row[2].month) for row in bulk_state["entitlements"] if row[4] == "replaced"}
    assert replaced == {(towns[1].code, 11)}
    assert result.replaced == 5 and result.kept == 2 * 12 * 5 - 5


def test_a_tiered_arrangement_is_computed_in_python_with_the_same_rows(county):  # noqa: F811
    tiered = town_with_revenue(county, monthly_advance=True, seed=26)
    tiered.refresh_from_db()
    linxi_arrangement(tiered, rules=tiered_rules(), effective_from=D(2010, 1, 1),
                      settlement_method=SettlementMethod.MONTHLY_ADVANCE, name="临溪镇财政体制（分档）")
    plain = town_with_revenue(county, monthly_advance=True, seed=27)
    per_month, bulk_state, _result = both_paths([tiered, plain])
    assert SQL_STEP not in bulk.PHASES
    assert per_month == bulk_state
    assert any("tiers" in row[8]["rule"] for row in bulk_state["entitlements"])
