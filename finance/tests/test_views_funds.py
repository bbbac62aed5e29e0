"""What the page matrix cannot know about funds and incentives: the demo's figures on the fund page
(3,000,000.00 granted, 1,349,999.50 left, the balance after every entry), a grant and a spend
through the page's forms, an overspend refused in words with the numbers and nothing written,
the clerk reading her own town's fund without the office's forms (another town's is 404), the
incentives page, and the funds ledger's verification badge where the auditor looks (green after
the demo's run, red once an entry is tampered with in SQL and the chains verified again)."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection
from django.urls import reverse

from core.ledger.chain import verify_and_record
from core.ledger.models import Entry
from finance.demo import load_demo_funds
from finance.models import Fund, FundEntry, Incentive


@pytest.fixture
def funds(demo):
    assert load_demo_funds() is True
    assert load_demo_funds() is False  # idempotent
    return {f.kind: f for f in Fund.objects.filter(town=demo["341824101"])}


def page(client, fund):
    response = client.get(reverse("finance:fund-detail", args=[fund.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_fund_page_shows_the_balance_and_every_entry(funds, personas, client_for):
    text = page(client_for(personas["auditor"]), funds["startup"])
    assert 'data-testid="fund-balance">1,349,999.50<' in text
    assert "3,000,000.00" in text and "2,200,000.00" in text  # granted; after the first spend
    assert "从本资金支付的以奖代补" in text and "临溪竹木制品厂" in text
    assert 'data-testid="grant-form"' not in text  # the auditor reads


def test_the_office_grants_and_spends_through_the_page(funds, personas, client_for):
    office, fund = client_for(personas["office"]), funds["development"]
    assert 'data-testid="spend-form"' in page(office, fund)
    office.post(reverse("finance:fund-grant", args=[fund.pk]),
                {"amount": "50000.00", "document_number": "绩财预〔2010〕9号", "purpose": "追加预算"})
    office.post(reverse("finance:fund-spend", args=[fund.pk]),
                {"amount": "20000.50", "document_number": "临财支〔2010〕40号", "purpose": "路灯",
                 "project": "集镇路灯改造"})
    fund = Fund.objects.get(pk=fund.pk)
    assert fund.account.balance.posted == Decimal("729999.50")  # 1,000,000 − 300,000 + 50,000 − 20,000.50
    assert "729,999.50" in page(office, fund)


def test_an_overspend_is_refused_with_the_numbers_and_writes_nothing(funds, personas, client_for):
    office, fund = client_for(personas["office"]), funds["special"]
    before = FundEntry.objects.count()
    response = office.post(reverse("finance:fund-spend", args=[fund.pk]),
                           {"amount": "30000.01", "document_number": "临财支〔2011〕31号", "purpose": "水厂",
                            "project": "临溪水厂扩建"}, follow=True)
    text = response.content.decode()
    assert "余额 30,000.00 元" in text and "超出 0.01 元" in text
    assert FundEntry.objects.count() == before


def test_a_bad_amount_is_refused_in_words(funds, personas, client_for):
    office, fund = client_for(personas["office"]), funds["startup"]
    before = FundEntry.objects.count()
    response = office.post(reverse("finance:fund-grant", args=[fund.pk]),
                           {"amount": "12.345", "document_number": "X", "purpose": "Y"}, follow=True)
    assert "两位小数" in response.content.decode()
    assert FundEntry.objects.count() == before


def test_a_reversed_spend_is_shown_and_cannot_be_reversed_again(funds, personas, client_for):
    office, fund = client_for(personas["office"]), funds["development"]
    spent = FundEntry.objects.get(fund=fund, project="办公设备", reverses__isnull=True)
    text = page(office, fund)
    assert "非发展资金支出，误记冲销" in text
    assert f'data-testid="reverse-entry-{spent.pk}"' not in text
    response = office.post(reverse("finance:fund-entry-reverse", args=[spent.pk]), {"reason": "再冲"}, follow=True)
    assert "该记录已被冲销" in response.content.decode()


def test_the_clerk_reads_her_own_towns_funds_only(funds, personas, client_for):
    text = page(client_for(personas["clerk_linxi"]), funds["startup"])
    assert "1,349,999.50" in text and 'data-testid="grant-form"' not in text and "reverse-entry-" not in text
    other = client_for(personas["clerk_other"])
    assert other.get(reverse("finance:fund-detail", args=[funds["startup"].pk])).status_code == 404
    listed = other.get(reverse("finance:funds")).context["object_list"]
    assert not [f for f in listed if f.town_id == funds["startup"].town_id]
    assert client_for(personas["clerk_linxi"]).post(reverse("finance:fund-grant", args=[funds["startup"].pk]),
                                                    {"amount": "1.00"}).status_code == 403


def test_the_incentives_page_lists_both_kinds(funds, personas, client_for):
    text = client_for(personas["office"]).get(reverse("finance:incentives")).content.decode()
    assert "绩溪华宇纺织有限公司" in text and "68,000,000.00" in text and "420,000.00" in text
    assert "以奖代补" in text and "县级规费优惠" in text
    assert Incentive.objects.count() == 2
    assert 'data-testid="incentives-create"' in text
    assert 'data-testid="fund-create"' in client_for(personas["office"]).get(reverse("finance:funds")).content.decode()
    clerk = client_for(personas["clerk_linxi"]).get(reverse("finance:incentives")).content.decode()
    assert "绩溪华宇纺织有限公司" in clerk and 'data-testid="incentives-create"' not in clerk and "reverse-incentive-" not in clerk


@pytest.mark.parametrize("name", ["finance:funds", "finance:incentives"])
def test_the_funds_ledger_badge_turns_red_on_a_tampered_entry(funds, personas, client_for, name):
    auditor = client_for(personas["auditor"])
    url = reverse(name)
    assert 'data-testid="ledger-verify" data-ok="true"' in auditor.get(url).content.decode()
    entry = Entry.objects.filter(account=funds["startup"].account).order_by("id").first()
    # what a database administrator could do: the protecting trigger switched off, the amount raised
    with pgtrigger.ignore("ledger.Entry:protect_updates"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = amount + 1 WHERE id = %s", [entry.pk])
    verify_and_record(ledger="finance_funds")
    text = auditor.get(url).content.decode()
    assert 'data-ok="false"' in text and "哈希链校验未通过" in text


def test_the_badges_on_the_entitlements_and_fund_pages(funds, personas, client_for):
    auditor = client_for(personas["auditor"])
    assert 'data-testid="finance-ledger"' in auditor.get(reverse("finance:entitlement-list")).content.decode()
    text = page(auditor, funds["startup"])
    assert 'data-testid="funds-ledger"' in text and 'data-ok="true"' in text


def test_the_funds_api_gives_the_entries_with_their_balance(funds, personas, api_for):
    clerk = api_for(personas["clerk_linxi"])
    rows = clerk.get(f"/api/v1/finance/funds/{funds['startup'].pk}/entries/").json()
    assert [r["balance_after"] for r in rows] == ["3000000.00", "2200000.00", "1549999.50"]
    listed = {r["id"]: r for r in clerk.get("/api/v1/finance/funds/").json()["results"]}
    assert listed[funds["startup"].pk]["balance"] == "1349999.50"
    assert clerk.get("/api/v1/finance/funds/false/entries/").status_code == 404  # found by schemathesis: was a 500
    assert api_for(personas["clerk_other"]).get(f"/api/v1/finance/funds/{funds['startup'].pk}/entries/").status_code == 404


def test_the_town_page_links_its_funds_with_their_balances(funds, personas, client_for):
    text = client_for(personas["clerk_linxi"]).get(reverse("finance:town", args=[funds["startup"].town_id])).content.decode()
    assert 'data-testid="town-funds"' in text and "1,349,999.50" in text
    assert reverse("finance:fund-detail", args=[funds["startup"].pk]) in text
