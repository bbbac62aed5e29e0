"""Factories of finance: the revenue catalogue and 临溪's arrangement (DOMAIN.md §3), built through
the services, so a factory-made arrangement has been through the same rules as one the office sets.

    linxi_categories()                     # the categories of the seed's plan, by code
    linxi_arrangement(town)                # base 2008 = 12,000,000.00, 2009–2013, year-end settlement
    linxi_arrangement(town, settlement_method=SettlementMethod.MONTHLY_ADVANCE,
                      shortfall_rule=ShortfallRule.CARRIED)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from finance import services
from finance.choices import CategoryKind, Earmark, RuleKind, SettlementMethod, ShortfallRule
from finance.models import RevenueCategory

D = datetime.date

# code → (name, kind): the taxes collected by 临溪税务分局, the county-level share of the taxes and
# fees arising in the town, land transfer net income, the retained fees, and one category that
# no rule of 临溪's arrangement covers.
CATEGORIES = {
    "vat": ("增值税", CategoryKind.TAX),
    "cit": ("企业所得税", CategoryKind.TAX),
    "county_share": ("县级分成税费", CategoryKind.TAX),
    "land_net": ("土地出让净收益", CategoryKind.LAND),
    "social_support": ("社会扶养费", CategoryKind.FEE),
    "infrastructure_fee": ("基础设施建设配套费", CategoryKind.FEE),
    "mineral": ("矿产资源有偿使用收入", CategoryKind.FEE),
    "mining_right": ("采矿权价款", CategoryKind.FEE),
    "deed_tax": ("契税", CategoryKind.TAX),
}
BASE = Decimal("12000000.00")


def linxi_categories() -> dict[str, RevenueCategory]:
    out = {}
    for code, (name, kind) in CATEGORIES.items():
        out[code] = RevenueCategory.objects.filter(code=code).first() or services.revenue_category_create(
            code=code, name=name, kind=kind)
    return out


def linxi_rules(*, excess_share: str = "100") -> list[dict]:
    return [
        {"name": "超收部分全额返还", "kind": RuleKind.EXCESS, "categories": ["vat", "cit"], "share_percent": excess_share},
        {"name": "划归县本级的税费全额返还", "kind": RuleKind.SHARE, "categories": ["county_share"]},
        {"name": "土地出让净收益全额返还", "kind": RuleKind.SHARE, "categories": ["land_net"],
         "earmark": Earmark.INDUSTRIAL_ZONE},
        {"name": "规费地方留成全部留用", "kind": RuleKind.SHARE,
         "categories": ["social_support", "infrastructure_fee", "mineral", "mining_right"]},
        {"name": "开发未利用地和复垦废弃地每亩补助", "kind": RuleKind.PER_MU, "per_mu_amount": "5000.00",
         "earmark": Earmark.INFRASTRUCTURE_FARMLAND},
    ]


def linxi_arrangement(town, *, rules=None, actor=None, **overrides):
    linxi_categories()
    kwargs = {
        "name": "临溪镇财政体制（2009—2013）", "document_number": "绩政〔2009〕58号", "base_year": 2008,
        "base_amount": BASE, "term_start": D(2009, 1, 1), "term_end": D(2013, 12, 31),
        "effective_from": D(2009, 1, 1), "settlement_method": SettlementMethod.YEAR_END,
        "shortfall_rule": ShortfallRule.OWED_BACK, **overrides,
    }
    return services.arrangement_create(town=town, rules=rules or linxi_rules(), actor=actor, **kwargs)


def revenue(town, month, category, amount, *, body="临溪税务分局", actor=None):
    return services.revenue_record_create(town=town, month=month, category=category, collecting_body=body,
                                          amount=amount, actor=actor)
