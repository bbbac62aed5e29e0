"""Tiered shares (分档返还) with exact figures: other counties return the excess over the base in
bands (e.g. up to 3,000,000.00 in full, above it 50 %); the settlement and the monthly advances
compute band by band and show every band in the calculation trace."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from finance import rules, services
from finance.choices import RuleKind, SettlementMethod
from finance.models import ArrangementRule

from .factories import linxi_arrangement, linxi_rules, revenue

D = datetime.date
TIERS = [{"up_to": "3000000.00", "share_percent": "100"}, {"up_to": None, "share_percent": "50"}]


def tiered_rules(tiers=TIERS):
    out = linxi_rules()
    out[0] = {**out[0], "tiers": tiers}
    return out


def year_of(town, total: str, year=2010):
    """``total`` of 增值税 in ``year``, spread over twelve months (the last takes the cents)."""
    part = (Decimal(total) / 12).quantize(Decimal("0.01"))
    for month in range(1, 13):
        revenue(town, D(year, month, 1), "vat", part if month < 12 else Decimal(total) - 11 * part)


def test_tiers_pure_arithmetic():
    assert rules.tiered_share(Decimal("5500000.00"), TIERS)[0] == Decimal("4250000.00")
    assert rules.tiered_share(Decimal("2000000.00"), TIERS)[0] == Decimal("2000000.00")
    assert rules.tiered_share(Decimal("3000000.00"), TIERS)[0] == Decimal("3000000.00")
    assert rules.tiered_share(Decimal("0.00"), TIERS) == (Decimal("0.00"), [])
    three = [{"up_to": "1000000.00", "share_percent": "100"}, {"up_to": "2000000.00", "share_percent": "60"},
             {"up_to": None, "share_percent": "30"}]
    # 1,000,000 + 600,000 + 0.3 × 1,000,000.01 = 1,900,000.00 (300,000.003 rounds to the fen)
    total, bands = rules.tiered_share(Decimal("3000000.01"), three)
    assert total == Decimal("1900000.00") and [b["amount"] for b in bands] == ["1000000.00", "600000.00", "300000.00"]


def test_tiered_settlement_with_exact_figures_and_trace(town, categories):
    linxi_arrangement(town, rules=tiered_rules())
    year_of(town, "17500000.00")
    settlement = services.settlement_compute(town=town, year=2010)
    # excess 5,500,000.00: 3,000,000.00 × 100 % + 2,500,000.00 × 50 % = 4,250,000.00
    assert settlement.amount == Decimal("4250000.00")
    trace = settlement.trace
    assert trace["excess"] == "5500000.00" and trace["final"] == "4250000.00"
    assert trace["tiers"] == [
        {"from": "0.00", "up_to": "3000000.00", "part": "3000000.00", "share_percent": "100.00", "amount": "3000000.00"},
        {"from": "3000000.00", "up_to": None, "part": "2500000.00", "share_percent": "50.00", "amount": "1250000.00"},
    ]
    labels = [s["label"] for s in trace["steps"]]
    assert any("分档" in label and "3,000,000.00 元以上" in label for label in labels)
    assert trace["rule"]["tiers"][0]["up_to"] == "3000000.00"


def test_tiered_excess_within_the_first_band_is_returned_in_full(town, categories):
    linxi_arrangement(town, rules=tiered_rules())
    year_of(town, "14000000.00")
    assert services.settlement_compute(town=town, year=2010).amount == Decimal("2000000.00")


def test_tiered_monthly_advances_and_true_up(town, categories):
    linxi_arrangement(town, rules=tiered_rules(), settlement_method=SettlementMethod.MONTHLY_ADVANCE)
    year_of(town, "17500000.00")
    advances = Decimal("0.00")
    for month in range(1, 13):
        for e in services.entitlement_compute(town=town, month=D(2010, month, 1)):
            if e.rule.kind == RuleKind.EXCESS:
                advances += e.amount
                if month == 12:
                    assert e.trace["tiers"][-1]["up_to"] is None  # the cumulative excess reached the top band
    # cumulative by December: 17,500,000.00 − 12,000,000.00 → the same 4,250,000.00, paid in advances
    assert advances == Decimal("4250000.00")
    settlement = services.settlement_compute(town=town, year=2010)
    assert settlement.trace["advances"] == "4250000.00" and settlement.amount == Decimal("0.00")


@pytest.mark.parametrize("tiers, message", [
    ([{"up_to": "3000000", "share_percent": "100"}], "至少要有两档"),
    ([{"up_to": "3000000", "share_percent": "100"}, {"up_to": "1000000", "share_percent": "50"}], "末档不设上限"),
    ([{"up_to": "3000000", "share_percent": "100"}, {"up_to": "2000000", "share_percent": "50"},
      {"up_to": None, "share_percent": "10"}], "应高于上一档"),
    ([{"up_to": "3000000", "share_percent": "120"}, {"up_to": None, "share_percent": "50"}], "0 到 100"),
])
def test_bad_tiers_are_refused_and_nothing_is_written(town, categories, tiers, message):
    with pytest.raises((ValidationError, ApplicationError)) as caught:
        linxi_arrangement(town, rules=tiered_rules(tiers))
    assert message in str(caught.value)
    assert not ArrangementRule.objects.exists() or not ArrangementRule.objects.filter(arrangement__town=town).exists()


def test_tiers_only_on_the_excess_rule(town, categories):
    bad = linxi_rules()
    bad[1] = {**bad[1], "tiers": TIERS}
    with pytest.raises(ValidationError, match="只有超收返还规则可以分档"):
        linxi_arrangement(town, rules=bad)


def test_tiers_typed_on_a_page_read_as_stored():
    assert rules.parse_tiers("3000000 100\n50") == [{"up_to": "3000000.00", "share_percent": "100.00"},
                                                    {"up_to": None, "share_percent": "50.00"}]
    assert rules.parse_tiers("3,000,000：100%；50%") == rules.parse_tiers("3000000 100\n50")
    assert rules.tiers_text(rules.parse_tiers("3000000 100\n50")) == "3000000.00 100.00\n50.00"
    with pytest.raises(ApplicationError, match="第 1 行"):
        rules.parse_tiers("3000000 100 7\n50")
    with pytest.raises(ApplicationError, match="最多2位小数"):
        rules.parse_tiers("3000000.123 100\n50")
