"""The persona matrix over the funds and incentives pages and endpoints (core.testing.cases): the
office (the finance bureau) writes, the town's clerk and the auditor read their own jurisdiction,
404 outside it, 403 without the role, DELETE 405, lists scoped within a budget."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import ScopedAPICases, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from finance.choices import FundKind, IncentiveKind
from finance.services import funds as sf

D = datetime.date
serial = itertools.count(1)
HISTORY = ({"tab": "history"},)


def fund_in(division, amount="5000.00"):
    n = next(serial)
    fund = sf.fund_create(town=division, kind=FundKind.DEVELOPMENT, name=f"矩阵发展资金{n}", year=2000 + n % 150,
                          document_number=f"绩财预〔2010〕{n}号")
    sf.fund_grant(fund=fund, amount=amount, document_number=f"拨{n}", purpose="预算安排", booked_on=D(2010, 2, 1))
    return fund


def entry_in(division):
    fund = fund_in(division)
    return sf.fund_spend(fund=fund, amount="100.00", document_number="支1", purpose="道路", project="园区道路",
                         booked_on=D(2010, 3, 1))


def policy_in(division, kind=IncentiveKind.FEE_PREFERENCE):
    return sf.incentive_policy_create(county=division, kind=kind, name=f"矩阵激励政策{next(serial)}",
                                      document_number="绩政〔2009〕46号", investment_threshold="50000000.00",
                                      effective_from=D(2009, 7, 1))


def incentive_in(division):
    return sf.incentive_grant(town=division, policy=policy_in(division.parent), enterprise="矩阵企业", project="技改",
                              investment="60000000.00", amount="1000.00", document_number="绩政办〔2010〕1号",
                              booked_on=D(2010, 5, 1))


# --- API -------------------------------------------------------------------------------------


class TestFundAPI(ScopedAPICases):
    basename = "finance-api:fund"
    detail_gets = ("history", "entries")
    actions = {"grant": {"amount": "10.00", "document_number": "拨A", "purpose": "追加", "booked_on": "2010-06-01"},
               "spend": {"amount": "1.00", "document_number": "支A", "purpose": "道路", "project": "园区道路",
                         "booked_on": "2010-06-02"}}
    query_budget = 3

    def make(self, division, m):
        return fund_in(division)

    def create_payload(self, m, division):
        n = next(serial)
        return {"town": division.pk, "kind": "development", "name": f"接口发展资金{n}", "year": 2150 + n % 50,
                "document_number": "绩财预〔2012〕1号"}


class TestFundEntryAPI(ScopedAPICases):
    basename = "finance-api:fund-entry"
    detail_gets = ("history",)
    actions = {"reverse": {"reason": "矩阵冲销"}}
    query_budget = 3

    def make(self, division, m):
        return entry_in(division)


class TestIncentivePolicyAPI(ScopedAPICases):
    basename = "finance-api:incentive-policy"
    detail_gets = ("history",)
    home = COUNTY
    away = ELSEWHERE_CITY
    visible_below = True
    query_budget = 3

    def make(self, division, m):
        return policy_in(division)

    def create_payload(self, m, division):
        return {"county": division.pk, "kind": "award_subsidy", "name": f"接口以奖代补{next(serial)}",
                "document_number": "绩政〔2012〕3号", "investment_threshold": "0.00", "effective_from": "2012-01-01"}


class TestIncentiveAPI(ScopedAPICases):
    basename = "finance-api:incentive"
    detail_gets = ("history",)
    actions = {"reverse": {"reason": "矩阵冲销"}}
    query_budget = 3

    def make(self, division, m):
        return incentive_in(division)

    def create_payload(self, m, division):
        from finance.models import IncentivePolicy

        policy = IncentivePolicy.objects.filter(county=division.parent).first() or policy_in(division.parent)
        return {"town": division.pk, "policy": policy.pk, "enterprise": "接口企业", "project": "接口项目",
                "investment": "70000000.00", "amount": "500.00", "document_number": "绩政办〔2012〕2号",
                "booked_on": "2012-03-01"}


# --- pages -----------------------------------------------------------------------------------


class TestFundPages(ScopedPageCases):
    list_name = "finance:funds"
    create_name = "finance:fund-create"
    detail_name = "finance:fund-detail"
    detail_queries = HISTORY
    actions = {"finance:fund-grant": {"amount": "10.00", "document_number": "拨X", "purpose": "追加"},
               "finance:fund-spend": {"amount": "1.00", "document_number": "支X", "purpose": "道路",
                                      "project": "园区道路"}}
    query_budget = 8

    def make(self, division, m):
        return fund_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "kind": "development", "name": f"新设发展资金{next(serial)}", "year": 2190,
                "document_number": "绩财预〔2012〕1号"}


class TestFundEntryReverse(ScopedPageCases):
    actions = {"finance:fund-entry-reverse": {"reason": "矩阵冲销"}}

    def make(self, division, m):
        return entry_in(division)


class TestIncentivePolicyPages(ScopedPageCases):
    list_name = "finance:incentive-policies"
    create_name = "finance:incentive-policy-create"
    home = COUNTY
    away = ELSEWHERE_CITY
    visible_below = True
    query_budget = 8

    def make(self, division, m):
        return policy_in(division)

    def create_payload(self, m, division):
        return {"county": division.pk, "kind": "award_subsidy", "name": f"新以奖代补{next(serial)}",
                "document_number": "绩政〔2012〕3号", "investment_threshold": "0.00", "effective_from": "2012-01-01"}


class TestIncentivePages(ScopedPageCases):
    list_name = "finance:incentives"
    create_name = "finance:incentive-create"
    actions = {"finance:incentive-reverse": {"reason": "矩阵冲销"}}
    query_budget = 8

    def make(self, division, m):
        return incentive_in(division)

    def create_payload(self, m, division):
        from finance.models import IncentivePolicy

        policy = IncentivePolicy.objects.filter(county=division.parent).first() or policy_in(division.parent)
        return {"town": division.pk, "policy": policy.pk, "enterprise": "新企业", "project": "新项目",
                "investment": "70000000.00", "amount": "500.00", "document_number": "绩政办〔2012〕2号",
                "booked_on": "2012-03-01"}
