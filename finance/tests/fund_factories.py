"""Factories of funds and incentives (issue 11 §5, §7), through the services: the 临溪 start-up
fund, a county fee-preference policy (threshold 50,000,000.00) and a 以奖代补 policy."""

from __future__ import annotations

import datetime

from finance.choices import FundKind, IncentiveKind
from finance.models import Fund, IncentivePolicy
from finance.services import funds as sf


def startup_fund(town, actor=None) -> Fund:
    return Fund.objects.filter(town=town, kind=FundKind.STARTUP).first() or sf.fund_create(
        town=town, kind=FundKind.STARTUP, name=f"{town.name}2009年试点镇发展启动资金", year=2009,
        document_number="绩政〔2009〕45号", purpose="试点镇发展启动", actor=actor)


def fee_policy(county, actor=None) -> IncentivePolicy:
    return IncentivePolicy.objects.filter(county=county, kind=IncentiveKind.FEE_PREFERENCE).first() or \
        sf.incentive_policy_create(
            county=county, kind=IncentiveKind.FEE_PREFERENCE, name="投资额五千万元以上项目县级规费优惠",
            document_number="绩政〔2009〕46号", investment_threshold="50000000.00",
            effective_from=datetime.date(2009, 7, 1), actor=actor)


def award_policy(county, actor=None) -> IncentivePolicy:
    return IncentivePolicy.objects.filter(county=county, kind=IncentiveKind.AWARD_SUBSIDY).first() or \
        sf.incentive_policy_create(
            county=county, kind=IncentiveKind.AWARD_SUBSIDY, name="试点镇企业以奖代补",
            document_number="绩政〔2009〕47号", investment_threshold="5000000.00",
            effective_from=datetime.date(2009, 7, 1), actor=actor)
