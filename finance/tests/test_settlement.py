"""The yearly settlement statement (年度结算单, finance.settlement): the figures printed in the PDF
(read back with pdftotext) are the ledger's and the entitlements' own, the calculation trace is
in it, a ledger entry changed behind the services' back is reported, and the view refuses whom
it must (the persona matrix of the route is in test_matrix_settlement.py)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.ledger.models import Account, Balance, Entry
from core.tests.test_pdf import pdftotext
from finance import rules, services, settlement
from finance.choices import EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod, ShortfallRule
from finance.models import DisbursementLine, Entitlement, RevenueRecord
from regions.tests.factories import TownFactory

from .factories import linxi_arrangement, revenue

D = datetime.date
VAT = ["1291666.66"] * 11 + ["1291666.74"]  # 15,500,000.00 in the year
MONTH_ROW = re.compile(r"^\s*(\d{1,2})月((?:\s+[\d,]+\.\d\d|\s+—){6})\s*$", re.M)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fmt(amount: Decimal) -> str:
    return rules.fmt(amount)


@pytest.fixture
def advancing(town, categories):
    """临溪's arrangement with monthly advances on a pro-rated base and a year-end true-up."""
    return linxi_arrangement(town, settlement_method=SettlementMethod.MONTHLY_ADVANCE,
                             shortfall_rule=ShortfallRule.OWED_BACK)


@pytest.fixture
def year_2010(town, advancing):
    """2010 under monthly advances: VAT every month, land transfer net income in March, 120 mu
    reclaimed in May, a transfer in April covering March partly, the year settled."""
    for month, amount in enumerate(VAT, start=1):
        revenue(town, D(2010, month, 1), "vat", amount)
    revenue(town, "2010-03", "land_net", "2000000.00", body="县国土资源局")
    revenue(town, "2010-03", "county_share", "123456.78")
    services.reclamation_record_create(town=town, month="2010-05", area_mu="120", project="废弃砖厂复垦")
    for month in range(1, 13):
        services.entitlement_compute(town=town, month=D(2010, month, 1))
    march = [e for e in Entitlement.objects.filter(town=town, month=D(2010, 3, 1), status=EntitlementStatus.ACTIVE)
             if e.amount]
    services.disbursement_create(town=town, paid_on=D(2010, 4, 20), document_number="绩财拨〔2010〕17号",
                                 lines=[(march[0], march[0].amount), (march[1], Decimal("1000.01"))])
    services.settlement_compute(town=town, year=2010)
    return town


def statement_text(town, year, tmp_path) -> str:
    return pdftotext(settlement.settlement_pdf(town=town, year=year), tmp_path)


def test_the_months_table_is_the_entitlements_and_transfers_of_each_month(year_2010, tmp_path):
    town = year_2010
    text = statement_text(town, 2010, tmp_path)
    rows = {int(m): [c for c in cols.split()] for m, cols in MONTH_ROW.findall(text)}
    assert sorted(rows) == list(range(1, 13)), text
    active = Entitlement.objects.filter(town=town, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE)
    for month, (revenue_month, owed, advance, consumed, paid, outstanding) in rows.items():
        mine = active.filter(month=D(2010, month, 1))
        want_owed = mine.aggregate(s=Sum("amount"))["s"]
        excess = mine.get(rule__kind=RuleKind.EXCESS)
        want_paid = DisbursementLine.objects.filter(entitlement__in=mine).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert revenue_month == fmt(RevenueRecord.objects.filter(town=town, month=D(2010, month, 1))
                                    .aggregate(s=Sum("amount"))["s"]), month
        assert owed == fmt(want_owed), month
        assert advance == fmt(excess.amount), month
        assert consumed == fmt(Decimal(excess.trace["base"]["consumed"])), month
        assert paid == fmt(want_paid) and outstanding == fmt(want_owed - want_paid), month
    assert rows[3][0] == "3,415,123.44"  # 1,291,666.66 + 2,000,000.00 + 123,456.78
    assert rows[12][3] == "12,000,000.00"  # the whole base consumed by December
    assert rows[5][1] == fmt(active.filter(month=D(2010, 5, 1)).aggregate(s=Sum("amount"))["s"])
    assert "600,000.00" in text  # 120 mu × 5,000.00


def test_the_settlement_and_the_balances_are_the_ledgers(year_2010, tmp_path):
    town = year_2010
    flat = squeeze(statement_text(town, 2010, tmp_path))
    final = Entitlement.objects.get(town=town, kind=EntitlementKind.SETTLEMENT, status=EntitlementStatus.ACTIVE)
    advances = Entitlement.objects.filter(town=town, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE,
                                          rule__kind=RuleKind.EXCESS).aggregate(s=Sum("amount"))["s"]
    assert final.trace["final"] == "3500000.00"
    assert f"全年应返（最终应返）{fmt(Decimal('3500000.00'))}元" in flat
    assert f"减本年已预拨{fmt(advances)}元" in flat
    assert f"结算差额{fmt(Decimal('3500000.00') - advances)}元" in flat
    assert f"年终结算应返{fmt(final.amount)}元" in flat
    # every account of the town on the ledger, with its posted balance
    for account in Account.objects.filter(ledger="finance", owner=town):
        posted = Balance.objects.get(account=account).posted
        assert f"{account.name}{fmt(posted)}" in flat
    everything = Entitlement.objects.filter(town=town, status=EntitlementStatus.ACTIVE, month__year=2010)
    owed = everything.aggregate(s=Sum("amount"))["s"]
    paid = DisbursementLine.objects.filter(entitlement__in=everything).aggregate(s=Sum("amount"))["s"]
    owed_accounts = sum(Balance.objects.get(account=a).posted for a in
                        Account.objects.filter(ledger="finance", owner=town, kind="owed"))
    assert owed - paid == owed_accounts  # the statement's outstanding is what the owed accounts hold
    assert f"合计{fmt(owed)}元，已调拨{fmt(paid)}元，未调拨{fmt(owed - paid)}元" in flat
    assert "绩财拨〔2010〕17号" in flat
    accounts = Account.objects.filter(ledger="finance", owner=town)
    entries = Entry.objects.filter(account__in=accounts).count()
    assert f"账本校验通过：本镇{accounts.count()}个账户、{entries}笔分录" in flat
    county = Account.objects.get(ledger="finance", owner=town.parent, code="county")
    county_balance = Balance.objects.get(account=county).posted
    assert county_balance < 0 and fmt(county_balance) not in flat  # it holds other towns' postings too


def test_the_trace_of_every_entitlement_is_printed(year_2010, tmp_path):
    town = year_2010
    flat = squeeze(statement_text(town, 2010, tmp_path))
    june = Entitlement.objects.get(town=town, month=D(2010, 6, 1), rule__kind=RuleKind.EXCESS,
                                   status=EntitlementStatus.ACTIVE)
    for step in june.trace["steps"]:
        assert squeeze(f"{step['label']}{fmt(Decimal(step['amount']))}") in flat
    assert squeeze("按月均摊至第6月 6,000,000.00 元") in flat
    assert squeeze("本年累计收入：增值税（vat） 7,749,999.96 元") in flat
    assert squeeze("新增耕地：120 亩") in flat
    assert "附件1" in flat and "附件2" in flat


def test_a_ledger_entry_changed_behind_the_services_back_is_reported(year_2010, tmp_path):
    town = year_2010
    entry = Entry.objects.filter(account__owner=town, account__code="owed:industrial_zone").first()
    with pgtrigger.ignore("ledger.Entry:protect_updates"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = amount + 0.01 WHERE id = %s", [entry.pk])
    flat = squeeze(statement_text(town, 2010, tmp_path))
    assert "账本校验未通过" in flat and "账本校验通过" not in flat
    assert f"分录号{entry.pk}" in flat


def test_a_year_not_settled_and_a_year_outside_the_term_say_so(town, arrangement, tmp_path):
    revenue(town, "2011-02", "vat", "500.00")
    assert "2011年度尚未进行年终结算" in squeeze(statement_text(town, 2011, tmp_path))
    revenue(town, "2014-02", "vat", "13000000.00")
    services.settlement_compute(town=town, year=2014)
    flat = squeeze(statement_text(town, 2014, tmp_path))
    assert "不在体制期限内，不计超收返还" in flat and "全年应返超收返还0.00元" in flat


def test_a_town_without_arrangement_gets_a_statement_saying_so(db, tmp_path):
    town = TownFactory(name="无体制镇")
    assert "无施行中的财政体制" in squeeze(statement_text(town, 2010, tmp_path))


# --- the view ----------------------------------------------------------------------------------


def _member(django_user_model, town, role, name):
    from regions.models import Membership

    user = django_user_model.objects.create_user(name, password="x")
    Membership.objects.create(user=user, division=town, role=role)
    return user


def test_the_clerk_reads_the_own_towns_statement_and_no_other(client, django_user_model, year_2010):
    town = year_2010
    other = TownFactory(name="华阳镇", parent=town.parent)
    clerk = _member(django_user_model, town, "clerk", "clerk-s")
    client.force_login(clerk)
    url = reverse("finance:town-settlement", kwargs={"pk": town.pk})
    response = client.get(url, {"year": "2010"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and f"settlement-{town.code}-2010.pdf" in response["Content-Disposition"]
    assert client.get(reverse("finance:town-settlement", kwargs={"pk": other.pk}), {"year": "2010"}).status_code == 404
    assert client.get(url, {"year": "20x0"}).status_code == 400
    assert client.get(url, {"year": "1999"}).status_code == 400


def test_a_superior_department_in_scope_and_anonymous_are_refused(client, django_user_model, year_2010):
    town = year_2010
    superior = _member(django_user_model, town.parent, "superior", "superior-s")
    url = reverse("finance:town-settlement", kwargs={"pk": town.pk})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(superior)
    assert client.get(url).status_code == 404
    auditor = _member(django_user_model, town.parent, "auditor", "auditor-s")
    client.force_login(auditor)
    assert client.get(url, {"year": "2010"}).status_code == 200


def test_the_town_page_links_the_statement_for_its_readers_only(client, django_user_model, year_2010):
    town = year_2010
    page = reverse("finance:town", kwargs={"pk": town.pk})
    pdf = reverse("finance:town-settlement", kwargs={"pk": town.pk})
    client.force_login(_member(django_user_model, town.parent, "office", "office-s"))
    assert f'href="{pdf}?year=2010"' in client.get(page, {"year": "2010"}).content.decode()
    client.force_login(_member(django_user_model, town.parent, "superior", "superior-s2"))
    response = client.get(page, {"year": "2010"})
    assert response.status_code == 200 and pdf not in response.content.decode()


def test_the_statement_reads_in_a_fixed_number_of_queries(year_2010):
    town = year_2010
    revenue(town, "2011-02", "vat", "500.00")
    services.entitlement_compute(town=town, month="2011-02")
    counts = []
    for year in (2010, 2011):  # twelve months, a transfer and a settlement; one month only
        with CaptureQueriesContext(connection) as ctx:
            settlement.statement_context(town=town, year=year)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 15, counts
