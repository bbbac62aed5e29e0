"""Targets, debt and quarterly inspection (issue 11 §6, §8) with exact figures: growth from the
previous year (25.00 % met, 24.99 % not met, a year without the previous figure says so), the
debt register (a repayment over the balance refused with the numbers, bad amounts refused,
writing nothing; the new-debt warning once), the checklist and the selector oversight reads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from core.errors import ApplicationError, ConflictError
from core.ledger.chain import verify
from core.notifications.models import Notification
from finance import selectors
from finance.choices import CheckResult, Indicator, Severity
from finance.models import DebtEntry, InspectionFinding, YearFigure
from finance.services import targets as st

from .factories import linxi_arrangement, revenue

D = datetime.date
IO = Indicator.INDUSTRIAL_OUTPUT
MARCH_2011, MARCH_2012 = D(2011, 3, 1), D(2012, 3, 1)


@pytest.fixture
def linxi(demo):
    return demo["341824101"]


@pytest.fixture
def office(demo):
    return get_user_model().objects.get(username="office")


def figures(town, year, **amounts):
    for indicator, amount in amounts.items():
        st.year_figure_enter(town=town, year=year, indicator=indicator, amount=amount, source="统计年报")


def row_of(town, year, indicator):
    return next(r for r in selectors.town_targets(town=town, years=[year])[year] if r.indicator == indicator)


def test_growth_of_exactly_25_percent_is_met_and_24_99_is_not(linxi):
    figures(linxi, 2009, industrial_output="80000000.00", infrastructure_investment="10000000.00")
    figures(linxi, 2010, industrial_output="100000000.00", infrastructure_investment="11999000.00")
    met = row_of(linxi, 2010, IO)
    assert (met.previous.amount, met.actual.amount) == (Decimal("80000000.00"), Decimal("100000000.00"))
    assert met.growth == Decimal("25.00") and met.target_percent == Decimal("25.00") and met.met is True
    assert met.required == Decimal("100000000.00") and met.gap == Decimal("0.00") and not met.target_set
    # 11,999,000.00 over 10,000,000.00 is 19.99 %: under the default 20 %
    infra = row_of(linxi, 2010, Indicator.INFRASTRUCTURE_INVESTMENT)
    assert infra.growth == Decimal("19.99") and infra.met is False and infra.gap == Decimal("-1000.00")

    figures(linxi, 2011, industrial_output="124990000.00")  # 24.99 %
    under = row_of(linxi, 2011, IO)
    assert under.growth == Decimal("24.99") and under.met is False
    assert under.required == Decimal("125000000.00") and under.gap == Decimal("-10000.00")


def test_growth_shown_rounded_down_so_a_shown_25_00_is_always_met(linxi):
    # 24.996 % would round half up to 25.00 and read as met; it is shown as 24.99, not met
    figures(linxi, 2009, industrial_output="100000.00")
    figures(linxi, 2010, industrial_output="124996.00")
    row = row_of(linxi, 2010, IO)
    assert row.growth == Decimal("24.99") and row.met is False


def test_target_percent_is_data_of_the_office_per_town_and_year(linxi, office):
    figures(linxi, 2009, industrial_output="100000.00")
    figures(linxi, 2010, industrial_output="122000.00")
    assert row_of(linxi, 2010, IO).met is False
    st.growth_target_set(town=linxi, year=2010, indicator=IO, target_percent="22.00", document_number="临政〔2010〕3号",
                         actor=office)
    row = row_of(linxi, 2010, IO)
    assert row.target_set and row.target_percent == Decimal("22.00") and row.met is True and row.growth == Decimal("22.00")


def test_a_year_without_the_previous_figure_says_so(linxi):
    figures(linxi, 2012, industrial_output="150000000.00")
    row = row_of(linxi, 2012, IO)
    assert row.growth is None and row.met is None and "2011" in row.note
    zero = row_of(linxi, 2013, IO)  # neither year
    assert zero.growth is None and zero.previous is not None and "2013" in zero.note


def test_fiscal_revenue_from_the_revenue_records_and_the_base_year(linxi, categories):
    linxi_arrangement(linxi)  # base 2008 = 12,000,000.00
    revenue(linxi, "2009-03", "vat", "9000000.00")
    revenue(linxi, "2009-07", "cit", "6000000.00")
    row = row_of(linxi, 2009, Indicator.FISCAL_REVENUE)
    assert row.previous.source == "base" and row.previous.amount == Decimal("12000000.00")
    assert row.actual.source == "records" and row.actual.amount == Decimal("15000000.00")
    assert row.growth == Decimal("25.00") and row.met is True


def test_a_figure_is_corrected_by_a_replacing_row_with_its_reason(linxi, office):
    figures(linxi, 2010, industrial_output="100.00")
    with pytest.raises(ApplicationError) as no_reason:
        st.year_figure_enter(town=linxi, year=2010, indicator=IO, amount="120.00", source="统计年报", actor=office)
    assert no_reason.value.code == "reason_required"
    new = st.year_figure_enter(town=linxi, year=2010, indicator=IO, amount="120.00", source="统计年报（修订）",
                               reason="统计局修订", actor=office)
    assert new.replaces.amount == Decimal("100.00") and YearFigure.objects.count() == 2
    assert row_of(linxi, 2010, IO).actual.amount == Decimal("120.00")


@pytest.mark.parametrize(("amount", "code"), [
    ("12.345", "too_many_decimals"), ("一百万", "not_a_number"), ("-5.00", "negative_figure"), (1.5, "float_amount"),
])
def test_bad_figures_are_refused_and_write_nothing(linxi, amount, code):
    with pytest.raises(ApplicationError) as err:
        st.year_figure_enter(town=linxi, year=2010, indicator=IO, amount=amount, source="统计年报")
    assert err.value.code == code and "amount" in err.value.extra
    assert not YearFigure.objects.exists()


def borrow(town, amount, *, lender="县农业银行", day=MARCH_2011, actor=None):
    return st.debt_borrow(town=town, lender=lender, occurred_on=day, amount=amount, document_number="临政〔2011〕8号",
                          approved_by="县人民政府", purpose="工业集中区道路", actor=actor)


def repay(town, amount, *, lender="县农业银行", day=MARCH_2012):
    return st.debt_repay(town=town, lender=lender, occurred_on=day, amount=amount, document_number="还款凭证1")


def test_debt_register_by_lender_and_a_repayment_over_the_balance_refused_with_the_numbers(linxi, office):
    borrow(linxi, "5000000.00", actor=office)
    borrow(linxi, "1000000.00", lender="县城投公司", actor=office)
    repay(linxi, "2000000.00")
    with pytest.raises(ApplicationError) as err:
        repay(linxi, "3000000.01")
    assert err.value.code == "repayment_over_balance"
    assert "3,000,000.01" in err.value.message and "3,000,000.00" in err.value.message and "县农业银行" in err.value.message
    with pytest.raises(ApplicationError) as other:  # nothing borrowed from this lender
        repay(linxi, "1.00", lender="省信用社")
    assert "0.00" in other.value.message
    assert DebtEntry.objects.count() == 3
    debt = {d.lender: d for d in selectors.debt_by_lender(town_ids=[linxi.pk])[linxi.pk]}
    assert (debt["县农业银行"].borrowed, debt["县农业银行"].repaid, debt["县农业银行"].balance) == (
        Decimal("5000000.00"), Decimal("2000000.00"), Decimal("3000000.00"))
    assert debt["县城投公司"].balance == Decimal("1000000.00")
    assert st.debt_balance(town=linxi, lender="县农业银行") == Decimal("3000000.00")  # the ledger agrees
    assert repay(linxi, "3000000.00").amount == Decimal("3000000.00")
    assert st.debt_balance(town=linxi, lender="县农业银行") == Decimal("0.00")
    assert verify(ledger="finance_debt").ok


@pytest.mark.parametrize(("amount", "code"), [
    ("100.001", "too_many_decimals"), ("abc", "not_a_number"), ("-100.00", "amount_not_positive"),
    ("0", "amount_not_positive"),
])
def test_bad_debt_amounts_are_refused_and_write_nothing(linxi, amount, code):
    with pytest.raises(ApplicationError) as err:
        borrow(linxi, amount)
    assert err.value.code == code
    assert not DebtEntry.objects.exists() and not Notification.objects.exists()


def test_borrowing_needs_its_approval(linxi):
    with pytest.raises(ApplicationError) as err:
        st.debt_borrow(town=linxi, lender="县农业银行", occurred_on=D(2011, 3, 1), amount="1.00",
                       document_number="x", approved_by="")
    assert err.value.code == "required" and "approved_by" in err.value.extra


def test_new_borrowing_warns_the_office_once(linxi, office):
    entry = borrow(linxi, "5000000.00", actor=office)
    notes = list(Notification.objects.filter(kind="finance.new_debt"))
    assert [n.addressee_id for n in notes] == [office.pk]  # the office, not the town's clerk
    assert "5,000,000.00" in notes[0].title and "县农业银行" in notes[0].title and "严控新增债务" in notes[0].title
    assert st._warn_new_debt(entry, office) == []  # asked again: nothing new
    assert Notification.objects.filter(kind="finance.new_debt").count() == 1
    repay(linxi, "1.00")  # a repayment is no new debt
    assert Notification.objects.filter(kind="finance.new_debt").count() == 1
    assert [e.pk for e in selectors.new_debt_list(town_ids=[linxi.pk], year=2011)] == [entry.pk]


def test_reversal_corrects_an_entry_and_a_borrowing_repaid_since_cannot_be_reversed(linxi, office):
    entry = borrow(linxi, "1000.00")
    repay(linxi, "600.00")
    with pytest.raises(ApplicationError) as err:
        st.debt_entry_reverse(entry=entry, reason="录错", actor=office)
    assert err.value.code == "reversal_over_balance" and "400.00" in err.value.message
    wrong = DebtEntry.objects.get(kind="repayment")
    undone = st.debt_entry_reverse(entry=wrong, reason="金额录错", actor=office)
    assert undone.amount == Decimal("-600.00") and undone.reverses == wrong
    assert st.debt_balance(town=linxi, lender="县农业银行") == Decimal("1000.00")
    with pytest.raises(ConflictError):
        st.debt_entry_reverse(entry=wrong, reason="再来", actor=office)
    st.debt_entry_reverse(entry=entry, reason="录错", actor=office)
    assert st.debt_balance(town=linxi, lender="县农业银行") == Decimal("0.00")
    assert selectors.new_debt_list(town_ids=[linxi.pk], year=2011).count() == 0
    assert verify(ledger="finance_debt").ok


@pytest.fixture
def inspection(linxi, office):
    county = linxi.parent
    for n, text in enumerate(["预算执行", "收入及时足额入库", "债务举借审批"], start=1):
        st.checklist_item_create(county=county, code=f"C{n}", text=text, position=n, actor=office)
    return st.inspection_open(town=linxi, year=2011, quarter=2, inspected_on=D(2011, 7, 10), inspectors="县财政局 张某",
                              actor=office)


def test_quarterly_inspection_results_findings_and_the_open_findings_selector(inspection, linxi, office):
    results = {r.item.code: r for r in inspection.results.select_related("item")}
    assert sorted(results) == ["C1", "C2", "C3"]
    with pytest.raises(ApplicationError) as pending:
        st.inspection_complete(inspection=inspection, summary="基本规范", actor=office)
    assert pending.value.code == "items_pending" and "C1" in pending.value.message
    with pytest.raises(ApplicationError) as no_note:
        st.inspection_results_record(inspection=inspection, results=[
            {"item": results["C3"].item_id, "result": CheckResult.FAIL, "note": ""}], actor=office)
    assert no_note.value.code == "fail_needs_note"
    st.inspection_results_record(inspection=inspection, actor=office, results=[
        {"item": results["C1"].item_id, "result": CheckResult.PASS},
        {"item": results["C2"].item_id, "result": CheckResult.PASS},
        {"item": results["C3"].item_id, "result": CheckResult.FAIL, "note": "一笔借款未经县政府批准"}])
    finding = st.inspection_finding_add(inspection=inspection, text="新增借款 500 万元未报批", severity=Severity.SERIOUS,
                                        item=results["C3"].item_id, actor=office)
    minor = st.inspection_finding_add(inspection=inspection, text="凭证装订不规范", severity=Severity.MINOR, actor=office)
    st.inspection_complete(inspection=inspection, summary="债务管理存在问题，限期整改", actor=office)
    with pytest.raises(ConflictError):
        st.inspection_finding_add(inspection=inspection, text="x", severity=Severity.MINOR, actor=office)

    rows = selectors.inspection_findings_open()
    assert [f.finding_id for f in rows] == [finding.pk, minor.pk]
    assert rows[0].town == "临溪镇" and (rows[0].year, rows[0].quarter) == (2011, 2) and rows[0].item == "债务举借审批"
    assert [f.finding_id for f in selectors.inspection_findings_open(severity_at_least=Severity.MAJOR)] == [finding.pk]
    assert selectors.inspection_findings_open(town_ids=[linxi.parent_id]) == []
    assert selectors.inspection_findings_open(since=D(2011, 8, 1)) == []
    st.inspection_finding_close(finding=minor, closure_note="已重新装订", actor=office)
    assert [f.finding_id for f in selectors.inspection_findings_open(town_ids=[linxi.pk])] == [finding.pk]
    assert InspectionFinding.objects.get(pk=minor.pk).closed_on is not None


def test_one_inspection_per_town_and_quarter(inspection, linxi, office):
    with pytest.raises(ConflictError):
        st.inspection_open(town=linxi, year=2011, quarter=2, inspected_on=D(2011, 7, 11), inspectors="x", actor=office)
    with pytest.raises(ApplicationError) as err:
        st.inspection_open(town=linxi, year=2011, quarter=5, inspected_on=D(2011, 7, 11), inspectors="x", actor=office)
    assert err.value.code == "invalid_quarter"


def test_demo_of_linxi_targets_debt_and_inspection(linxi):
    from finance.demo import load_demo_finance, load_demo_targets

    load_demo_finance()
    assert load_demo_targets() is True and load_demo_targets() is False
    years = selectors.town_targets(town=linxi, years=range(2009, 2014))
    by = {(y, r.indicator): r for y, rows in years.items() for r in rows}
    fiscal = by[(2009, Indicator.FISCAL_REVENUE)]
    assert (fiscal.previous.amount, fiscal.actual.amount) == (Decimal("12000000.00"), Decimal("15000000.00"))
    assert fiscal.growth == Decimal("25.00") and fiscal.met is True
    assert by[(2011, Indicator.FISCAL_REVENUE)].met is False
    assert by[(2009, IO)].growth == Decimal("25.00") and by[(2009, IO)].met is True
    assert by[(2010, IO)].growth == Decimal("24.99") and by[(2010, IO)].met is False
    debt = selectors.debt_by_lender(town_ids=[linxi.pk], year=2013)[linxi.pk]
    assert [(d.lender, d.borrowed, d.repaid, d.balance) for d in debt] == [
        ("县农业银行", Decimal("8000000.00"), Decimal("6000000.00"), Decimal("2000000.00"))]
    assert Notification.objects.filter(kind="finance.new_debt").count() == 1
    [open_finding] = selectors.inspection_findings_open(town_ids=[linxi.pk])
    assert (open_finding.year, open_finding.quarter, open_finding.severity) == (2012, 2, "major")
    assert verify(ledger="finance_debt").ok
