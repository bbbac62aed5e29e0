"""The write actions of the funds and incentives API (issue 11 §9: postings only through
actions) with exact figures: a fund set up, granted and spent; an overspend refused with the
balance, the amount asked and the shortfall in the JSON error, nothing written; reversals;
an incentive below its policy's threshold refused; the town's clerk refused (403) on every
write, nothing written. Who may reach which row is the persona matrix's (test_matrix_funds)."""

from __future__ import annotations

import pytest

from core.ledger.models import Entry, Posting
from core.testing.http import assert_error
from finance.models import Fund, FundEntry, Incentive, IncentivePolicy
from finance.services import funds as sf

API = "/api/v1/finance"


@pytest.fixture
def linxi(demo):
    return demo["341824101"]


@pytest.fixture
def office(personas, api_for):
    return api_for(personas["office"])


def _counts():
    return (Fund.objects.count(), FundEntry.objects.count(), Incentive.objects.count(), IncentivePolicy.objects.count(),
            Posting.objects.count(), Entry.objects.count())


def _fund(office, linxi) -> dict:
    created = office.post(f"{API}/funds/", {"town": linxi.pk, "kind": "startup", "name": "临溪镇试点镇发展启动资金",
                                            "year": 2009, "document_number": "绩政〔2009〕45号"}, format="json")
    assert created.status_code == 201, created.content
    return created.json()


def test_fund_created_granted_spent_and_an_overspend_refused_with_the_numbers(linxi, office):
    fund = _fund(office, linxi)
    assert (fund["town_name"], fund["kind"], fund["balance"]) == ("临溪镇", "startup", "0.00")
    granted = office.post(f"{API}/funds/{fund['id']}/grant/", {
        "amount": "3,000,000.00", "document_number": "绩政〔2009〕45号", "purpose": "试点镇发展启动资金",
        "booked_on": "2009-07-01"}, format="json")
    assert granted.status_code == 200, granted.content
    assert (granted.json()["granted"], granted.json()["balance"]) == ("3000000.00", "3000000.00")
    spent = office.post(f"{API}/funds/{fund['id']}/spend/", {
        "amount": "2500000.00", "document_number": "临财〔2009〕12号", "purpose": "集镇道路", "project": "主街改造",
        "booked_on": "2009-09-15"}, format="json")
    assert spent.status_code == 200 and spent.json()["balance"] == "500000.00" and spent.json()["spent"] == "2500000.00"

    before = _counts()
    error = assert_error(office.post(f"{API}/funds/{fund['id']}/spend/", {
        "amount": "600000.00", "document_number": "临财〔2009〕20号", "purpose": "污水处理", "project": "污水处理厂",
        "booked_on": "2009-10-01"}, format="json"), 400, "fund_insufficient")
    assert error["message"] == ("资金“临溪镇试点镇发展启动资金”余额 500,000.00 元，本次支出 600,000.00 元，"
                                "超出 100,000.00 元，不能支出。")
    assert error["fields"]["amount"] == [error["message"]]
    assert (error["fields"]["balance"], error["fields"]["requested"], error["fields"]["shortfall"]) == (
        "500000.00", "600000.00", "100000.00")
    assert _counts() == before
    entries = office.get(f"{API}/funds/{fund['id']}/entries/").json()
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in entries] == [
        ("grant", "3000000.00", "3000000.00"), ("spend", "2500000.00", "500000.00")]


@pytest.mark.parametrize(("amount", "code"), [("12.345", "too_many_decimals"), ("一百元", "not_a_number"),
                                               ("-5.00", "amount_not_positive")])
def test_a_bad_grant_amount_is_a_json_error_and_writes_nothing(linxi, office, amount, code):
    fund = _fund(office, linxi)
    before = _counts()
    error = assert_error(office.post(f"{API}/funds/{fund['id']}/grant/", {
        "amount": amount, "document_number": "文1", "purpose": "启动"}, format="json"), 400, code)
    assert "amount" in error["fields"]
    assert _counts() == before


def test_entry_reversed_once_and_a_spent_grant_not_at_all(linxi, office):
    fund = Fund.objects.get(pk=_fund(office, linxi)["id"])
    grant = sf.fund_grant(fund=fund, amount="1000.00", document_number="文1", purpose="启动")
    spend = sf.fund_spend(fund=fund, amount="400.00", document_number="支1", purpose="道路", project="道路")
    before = _counts()
    error = assert_error(office.post(f"{API}/fund-entries/{grant.pk}/reverse/", {"reason": "文号有误"}, format="json"),
                         400, "fund_insufficient")
    assert (error["fields"]["balance"], error["fields"]["requested"], error["fields"]["shortfall"]) == (
        "600.00", "1000.00", "400.00")
    assert _counts() == before
    assert_error(office.post(f"{API}/fund-entries/{spend.pk}/reverse/", {"reason": " "}, format="json"), 400,
                 "reason_required")
    reversed_ = office.post(f"{API}/fund-entries/{spend.pk}/reverse/", {"reason": "项目有误"}, format="json")
    assert reversed_.status_code == 200, reversed_.content
    reversal = FundEntry.objects.get(reverses=spend)
    assert reversed_.json()["reversed_by"] == reversal.pk and reversal.amount == -spend.amount
    assert sf.fund_balance(fund) == grant.amount
    assert_error(office.post(f"{API}/fund-entries/{spend.pk}/reverse/", {"reason": "再次"}, format="json"), 409,
                 "already_reversed")


def test_incentive_policy_grant_below_threshold_and_reverse(linxi, office, demo):
    policy = office.post(f"{API}/incentive-policies/", {
        "county": linxi.parent_id, "kind": "fee_preference", "name": "投资额五千万元以上项目县级规费优惠",
        "document_number": "绩政〔2009〕46号", "investment_threshold": "50000000.00", "effective_from": "2009-07-01"},
        format="json")
    assert policy.status_code == 201, policy.content
    body = {"town": linxi.pk, "policy": policy.json()["id"], "enterprise": "凯宏公司", "project": "仓储扩建",
            "investment": "49999999.99", "amount": "10000.00", "document_number": "绩政办〔2010〕1号",
            "booked_on": "2010-06-01"}
    before = _counts()
    error = assert_error(office.post(f"{API}/incentives/", body, format="json"), 400, "below_threshold")
    assert (error["fields"]["threshold"], error["fields"]["shortfall"]) == ("50000000.00", "0.01")
    assert _counts() == before
    created = office.post(f"{API}/incentives/", {**body, "investment": "60000000.00"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["amount"], created.json()["kind"], created.json()["fund"]) == (
        "10000.00", "fee_preference", None)
    reversed_ = office.post(f"{API}/incentives/{created.json()['id']}/reverse/", {"reason": "重复登记"}, format="json")
    assert reversed_.status_code == 200 and reversed_.json()["reversed_by"]
    assert Incentive.objects.get(reverses_id=created.json()["id"]).amount == -10000


def test_an_award_subsidy_beyond_its_fund_is_refused(linxi, office):
    fund = Fund.objects.get(pk=_fund(office, linxi)["id"])
    sf.fund_grant(fund=fund, amount="100000.00", document_number="文1", purpose="启动")
    policy = sf.incentive_policy_create(county=linxi.parent, kind="award_subsidy", name="试点镇企业以奖代补",
                                        document_number="绩政〔2009〕47号", investment_threshold="0.00",
                                        effective_from="2009-07-01")
    body = {"town": linxi.pk, "policy": policy.pk, "enterprise": "向阳纸业", "project": "污水治理技改",
            "investment": "6000000.00", "amount": "100000.01", "document_number": "临政〔2010〕9号"}
    before = _counts()
    assert_error(office.post(f"{API}/incentives/", body, format="json"), 400, "fund_required")
    error = assert_error(office.post(f"{API}/incentives/", {**body, "fund": fund.pk}, format="json"), 400,
                         "fund_insufficient")
    assert error["fields"]["shortfall"] == "0.01"
    assert _counts() == before


def test_the_clerk_reads_and_is_refused_every_write(linxi, office, personas, api_for):
    fund = Fund.objects.get(pk=_fund(office, linxi)["id"])
    entry = sf.fund_grant(fund=fund, amount="1000.00", document_number="文1", purpose="启动")
    clerk = api_for(personas["clerk_linxi"])
    assert clerk.get(f"{API}/funds/{fund.pk}/").json()["balance"] == "1000.00"
    before = _counts()
    for url, body in [
        (f"{API}/funds/", {"town": linxi.pk, "kind": "development", "name": "x", "year": 2010}),
        (f"{API}/funds/{fund.pk}/grant/", {"amount": "1.00", "document_number": "x", "purpose": "x"}),
        (f"{API}/funds/{fund.pk}/spend/", {"amount": "1.00", "document_number": "x", "purpose": "x", "project": "x"}),
        (f"{API}/fund-entries/{entry.pk}/reverse/", {"reason": "x"}),
        (f"{API}/incentive-policies/", {}),
        (f"{API}/incentives/", {}),
    ]:
        assert_error(clerk.post(url, body, format="json"), 403, "permission_denied")
    assert _counts() == before
    other = api_for(personas["clerk_other"])
    assert_error(other.get(f"{API}/fund-entries/{entry.pk}/"), 404, "not_found")
