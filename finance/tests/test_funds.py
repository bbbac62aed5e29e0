"""Funds and incentives (issue 11 §5, §7) with exact figures: the 临溪 start-up fund of
3,000,000.00 granted in 2009 and spent on projects, a spend beyond the balance refused with the
numbers and nothing written, reversals, the incentive threshold, and a tampered entry reported
by ``ledger_verify``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Balance, Entry, Posting, VerificationRun
from finance.choices import FundEntryKind, FundKind, IncentiveKind
from finance.models import Fund, FundEntry, Incentive
from finance.services import funds as sf
from finance.tests.fund_factories import award_policy, fee_policy, startup_fund
from regions.tests.factories import DepartmentFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _counts():
    return (FundEntry.objects.count(), Incentive.objects.count(), Posting.objects.count(), Entry.objects.count())


def test_startup_fund_granted_and_spent_exact_figures(town):
    fund = startup_fund(town)
    grant = sf.fund_grant(fund=fund, amount="3000000.00", document_number="绩政〔2009〕45号",
                          purpose="试点镇发展启动资金", booked_on=D(2009, 7, 1))
    assert grant.amount == Decimal("3000000.00") and grant.kind == FundEntryKind.GRANT
    sf.fund_spend(fund=fund, amount="1200000.00", document_number="临财〔2009〕12号", purpose="集镇道路改造",
                  project="临溪集镇主街道路改造工程", booked_on=D(2009, 9, 15))
    sf.fund_spend(fund=fund, amount="450000.50", document_number="临财〔2009〕18号", purpose="规划编制",
                  project="临溪镇总体规划修编", booked_on=D(2009, 11, 2))
    assert sf.fund_balance(fund) == Decimal("1349999.50")
    # the ledger's two sides: the county's source gave 3,000,000.00, the town spent 1,650,000.50
    source = Balance.objects.get(account__ledger=sf.FUNDS_LEDGER, account__code="source", account__owner=town.parent)
    spent = Balance.objects.get(account__ledger=sf.FUNDS_LEDGER, account__code="spent", account__owner=town)
    assert source.posted == Decimal("-3000000.00") and spent.posted == Decimal("1650000.50")
    posting = grant.posting
    assert posting.kind == "fund_grant" and "绩政〔2009〕45号" in posting.memo and posting.booked_on == D(2009, 7, 1)


def test_overspend_refused_with_the_numbers_and_nothing_written(town):
    fund = startup_fund(town)
    sf.fund_grant(fund=fund, amount="3000000.00", document_number="绩政〔2009〕45号", purpose="启动资金",
                  booked_on=D(2009, 7, 1))
    sf.fund_spend(fund=fund, amount="2500000.00", document_number="临财〔2009〕12号", purpose="道路",
                  project="道路工程", booked_on=D(2009, 9, 1))
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        sf.fund_spend(fund=fund, amount="600000.00", document_number="临财〔2009〕20号", purpose="污水处理",
                      project="污水处理厂", booked_on=D(2009, 10, 1))
    assert refused.value.code == "fund_insufficient"
    assert refused.value.message == ("资金“临溪镇2009年试点镇发展启动资金”余额 500,000.00 元，本次支出 600,000.00 元，"
                                     "超出 100,000.00 元，不能支出。")
    assert refused.value.extra["shortfall"] == "100000.00"
    assert _counts() == before and sf.fund_balance(fund) == Decimal("500000.00")


def test_the_ledger_itself_refuses_an_overspend_that_passes_the_check(town, monkeypatch):
    """Even past the service's own check, the ledger's non-negative invariant refuses it."""
    fund = startup_fund(town)
    sf.fund_grant(fund=fund, amount="100.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    monkeypatch.setattr(sf, "_check_cover", lambda *a, **k: None)
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        sf.fund_spend(fund=fund, amount="100.01", document_number="文2", purpose="超支", project="某项目")
    assert refused.value.code == "ledger_insufficient"
    assert "可用 100.00元" in refused.value.message and "本次需 100.01元" in refused.value.message
    assert _counts() == before


@pytest.mark.parametrize(("amount", "code"), [("12.345", "too_many_decimals"), ("abc", "not_a_number"),
                                              ("-5.00", "amount_not_positive"), ("0", "amount_not_positive"),
                                              (1.5, "float_amount")])
def test_bad_amounts_refused(town, amount, code):
    fund = startup_fund(town)
    with pytest.raises(ApplicationError) as refused:
        sf.fund_grant(fund=fund, amount=amount, document_number="文1", purpose="启动")
    assert refused.value.code == code and "amount" in refused.value.extra
    assert FundEntry.objects.count() == 0


def test_spend_needs_its_basis(town):
    fund = startup_fund(town)
    sf.fund_grant(fund=fund, amount="100.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    for missing in ("document_number", "purpose", "project"):
        basis = {"document_number": "文2", "purpose": "用途", "project": "项目", missing: "  "}
        with pytest.raises(ApplicationError) as refused:
            sf.fund_spend(fund=fund, amount="1.00", **basis)
        assert refused.value.extra == {missing: [refused.value.message]}
    assert FundEntry.objects.count() == 1


def test_reversal_of_a_spend_restores_the_balance(town, django_user_model):
    actor = django_user_model.objects.create(username="finance-officer")
    fund = startup_fund(town)
    sf.fund_grant(fund=fund, amount="3000000.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    spend = sf.fund_spend(fund=fund, amount="800000.00", document_number="文2", purpose="道路", project="道路工程",
                          booked_on=D(2009, 8, 1))
    reversal = sf.fund_entry_reverse(entry=spend, reason="重复记账", actor=actor)
    assert reversal.amount == Decimal("-800000.00") and reversal.reverses == spend
    assert reversal.posting.reverses == spend.posting and sf.fund_balance(fund) == Decimal("3000000.00")
    assert reversal.created_by == actor
    with pytest.raises(ConflictError):
        sf.fund_entry_reverse(entry=spend, reason="再来一次")
    with pytest.raises(ConflictError):
        sf.fund_entry_reverse(entry=reversal, reason="冲销冲销")
    with pytest.raises(ApplicationError) as refused:
        sf.fund_entry_reverse(entry=FundEntry.objects.get(kind="grant"), reason=" ")
    assert refused.value.code == "reason_required"


def test_a_grant_already_spent_cannot_be_reversed(town):
    fund = startup_fund(town)
    grant = sf.fund_grant(fund=fund, amount="3000000.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    sf.fund_spend(fund=fund, amount="2000000.00", document_number="文2", purpose="道路", project="道路工程",
                  booked_on=D(2009, 8, 1))
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        sf.fund_entry_reverse(entry=grant, reason="拨错")
    assert refused.value.message == ("资金“临溪镇2009年试点镇发展启动资金”余额 1,000,000.00 元，本次冲销拨入 3,000,000.00 元，"
                                     "超出 2,000,000.00 元，不能冲销拨入。")
    assert _counts() == before


def test_entries_are_written_once(town):
    fund = startup_fund(town)
    grant = sf.fund_grant(fund=fund, amount="10.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    grant.amount = Decimal("20.00")
    with pytest.raises(ProgrammingError), transaction.atomic():
        grant.save()
    with pytest.raises(ProgrammingError), transaction.atomic():
        FundEntry.objects.filter(pk=grant.pk).delete()
    empty = sf.fund_create(town=town, kind=FundKind.DEVELOPMENT, name="2010年度发展资金", year=2010)
    with pytest.raises(ProgrammingError), transaction.atomic():
        Fund.objects.filter(pk=empty.pk).delete()


def test_special_fund_needs_its_department(town):
    with pytest.raises(ApplicationError):
        sf.fund_create(town=town, kind=FundKind.SPECIAL, name="农业综合开发专项", year=2010)
    department = DepartmentFactory(division=town.parent, name="县农委")
    fund = sf.fund_create(town=town, kind=FundKind.SPECIAL, name="农业综合开发专项", year=2010, department=department)
    entry = sf.fund_grant(fund=fund, amount="500000.00", document_number="绩农〔2010〕3号", purpose="现代农业示范区",
                          booked_on=D(2010, 4, 1))
    assert entry.department == department


def test_one_development_fund_a_year(town):
    sf.fund_create(town=town, kind=FundKind.DEVELOPMENT, name="2010年度发展资金", year=2010)
    with pytest.raises(ConflictError) as refused:
        sf.fund_create(town=town, kind=FundKind.DEVELOPMENT, name="2010年度发展资金（二）", year=2010)
    assert refused.value.message == "临溪镇已设立2010年度发展资金；追加预算请在该资金中拨入。"


def test_fee_preference_above_the_threshold(town):
    policy = fee_policy(town.parent)
    incentive = sf.incentive_grant(
        town=town, policy=policy, enterprise="富凯公司", project="年产5万吨新型建材项目", investment="80000000.00",
        amount="356000.00", document_number="绩政办〔2010〕88号", booked_on=D(2010, 6, 1))
    assert incentive.kind == IncentiveKind.FEE_PREFERENCE and incentive.fund is None
    legs = dict(incentive.posting.entries.values_list("account__code", "amount"))
    assert legs == {"relief": Decimal("-356000.00"), "incentive:fee_preference": Decimal("356000.00")}


def test_project_below_the_threshold_refused_with_the_numbers(town):
    policy = fee_policy(town.parent)  # threshold 50,000,000.00
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        sf.incentive_grant(town=town, policy=policy, enterprise="凯宏公司", project="仓储扩建", investment="49999999.99",
                           amount="10000.00", document_number="文1", booked_on=D(2010, 6, 1))
    assert refused.value.code == "below_threshold"
    assert refused.value.message == ("项目“仓储扩建”投资额 49,999,999.99 元，低于政策“投资额五千万元以上项目县级规费优惠”的门槛 "
                                     "50,000,000.00 元（差 0.01 元），不能享受。")
    assert refused.value.extra["shortfall"] == "0.01"
    assert _counts() == before


def test_award_subsidy_paid_from_a_fund_and_reversed(town):
    fund = startup_fund(town)
    sf.fund_grant(fund=fund, amount="300000.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    policy = award_policy(town.parent)
    subsidy = sf.incentive_grant(town=town, policy=policy, enterprise="向阳纸业", project="污水治理技改",
                                 investment="6000000.00", amount="200000.00", document_number="临政〔2010〕9号",
                                 booked_on=D(2010, 3, 1), fund=fund)
    assert sf.fund_balance(fund) == Decimal("100000.00")
    with pytest.raises(ApplicationError) as refused:
        sf.incentive_grant(town=town, policy=policy, enterprise="富凯公司", project="技改", investment="6000000.00",
                           amount="100000.01", document_number="临政〔2010〕10号", booked_on=D(2010, 3, 2), fund=fund)
    assert refused.value.code == "fund_insufficient" and "余额 100,000.00 元" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        sf.incentive_grant(town=town, policy=policy, enterprise="富凯公司", project="技改", investment="6000000.00",
                           amount="1.00", document_number="临政〔2010〕10号", booked_on=D(2010, 3, 2))
    assert refused.value.code == "fund_required"
    reversal = sf.incentive_reverse(incentive=subsidy, reason="企业未达验收条件")
    assert reversal.amount == Decimal("-200000.00") and sf.fund_balance(fund) == Decimal("300000.00")


def test_policy_of_another_county_refused(town):
    from regions.tests.factories import CountyFactory

    policy = fee_policy(CountyFactory())
    with pytest.raises(ApplicationError) as refused:
        sf.incentive_grant(town=town, policy=policy, enterprise="富凯公司", project="项目", investment="90000000.00",
                           amount="1.00", document_number="文1", booked_on=D(2010, 6, 1))
    assert refused.value.code == "policy_elsewhere"


def test_tampered_fund_entry_reported_by_ledger_verify(town):
    fund = startup_fund(town)
    grant = sf.fund_grant(fund=fund, amount="3000000.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    sf.fund_spend(fund=fund, amount="1.00", document_number="文2", purpose="道路", project="道路工程",
                  booked_on=D(2009, 8, 1))
    call_command("ledger_verify", "--ledger", sf.FUNDS_LEDGER)
    entry = grant.posting.entries.get(account=fund.account)
    # what a database administrator could do: the protecting trigger switched off, the amount raised
    with pgtrigger.ignore("ledger.Entry:protect_updates"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = 3900000 WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify", "--ledger", sf.FUNDS_LEDGER)
    assert f"entry {entry.pk} " in str(exc.value)
    run = VerificationRun.objects.order_by("-id").first()
    assert not run.ok and run.first_bad_entry_id == entry.pk and run.first_bad_account_id == fund.account_id


def test_tamper_through_the_orm_or_sql_refused(town):
    fund = startup_fund(town)
    grant = sf.fund_grant(fund=fund, amount="10.00", document_number="文1", purpose="启动", booked_on=D(2009, 7, 1))
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = 99 WHERE posting_id = %s", [grant.posting_id])
    with pytest.raises(ProgrammingError), transaction.atomic():
        Entry.objects.filter(posting=grant.posting).delete()
