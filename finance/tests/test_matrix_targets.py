"""The persona matrix over the targets, debt and inspection endpoints and pages (core.testing.cases):
the office (the finance bureau) writes, the town's clerk and the auditor read within their
jurisdiction, 404 outside it, 403 without the role, DELETE 405, lists scoped within a budget."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedAPICases, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from finance.choices import Severity
from finance.models import ChecklistItem
from finance.services import targets as st

D = datetime.date
serial = itertools.count(1)
HISTORY = ({"tab": "history"},)


def borrowing(division, amount="1000.00"):
    return st.debt_borrow(town=division, lender=f"县农业银行{next(serial)}", occurred_on=D(2011, 3, 1), amount=amount,
                          document_number="临政〔2011〕8号", approved_by="县人民政府")


def checklist_of(county):
    if not ChecklistItem.objects.filter(county=county).exists():
        st.checklist_item_create(county=county, code="C1", text="预算执行", position=1)
        st.checklist_item_create(county=county, code="C2", text="债务举借审批", position=2)


def inspection_in(division):
    checklist_of(division.parent)
    n = next(serial)
    return st.inspection_open(town=division, year=2000 + n // 4 + 1, quarter=n % 4 + 1, inspected_on=D(2011, 7, 1),
                              inspectors="县财政局")


def finding_in(division):
    return st.inspection_finding_add(inspection=inspection_in(division), text="凭证不规范", severity=Severity.MINOR)


def target_in(division):
    return st.growth_target_set(town=division, year=2009 + next(serial) % 50, indicator="industrial_output",
                                target_percent="25.00")


def figure_in(division):
    return st.year_figure_enter(town=division, year=2000 + next(serial) % 20, indicator="industrial_output",
                                amount="1000.00", source="统计年报")


# --- API -------------------------------------------------------------------------------------


class TestGrowthTargetAPI(ScopedAPICases):
    basename = "finance-api:growth-target"
    detail_gets = ("history",)
    extra_routes = (Route("finance-api:growth-target-progress", kwargs=None, query={"year": "2010", "years": "2"}),)
    query_budget = 3

    def make(self, division, m):
        return target_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2012, "indicator": "fiscal_revenue", "target_percent": "25.00"}


class TestYearFigureAPI(ScopedAPICases):
    basename = "finance-api:year-figure"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return figure_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2008, "indicator": "infrastructure_investment",
                "amount": "10000000.00", "source": "统计年报", "reason": "修订"}


class TestDebtEntryAPI(ScopedAPICases):
    basename = "finance-api:debt-entry"
    detail_gets = ("history",)
    actions = {"reverse": {"reason": "矩阵冲销"}}
    extra_routes = (Route("finance-api:debt-entry-balances", kwargs=None),)
    query_budget = 3

    def make(self, division, m):
        return borrowing(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "kind": "borrowing", "lender": "县城投公司", "occurred_on": "2012-05-01",
                "amount": "200000.00", "document_number": "临政〔2012〕1号", "approved_by": "县人民政府"}


class TestChecklistItemAPI(ScopedAPICases):
    basename = "finance-api:checklist-item"
    detail_gets = ("history",)
    home = COUNTY
    away = ELSEWHERE_CITY
    visible_below = True
    query_budget = 3

    def make(self, division, m):
        return st.checklist_item_create(county=division, code=f"M{next(serial)}", text="矩阵检查项目")

    def create_payload(self, m, division):
        return {"county": division.pk, "code": f"N{next(serial)}", "text": "收入及时入库", "position": 3}


class TestInspectionAPI(ScopedAPICases):
    basename = "finance-api:inspection"
    detail_gets = ("history",)
    actions = {"results": {"results": []}, "findings": {"text": "凭证不规范", "severity": "minor"},
               "complete": {"summary": "基本规范"}}
    query_budget = 6  # + results with their items, findings

    def make(self, division, m):
        return inspection_in(division)

    def create_payload(self, m, division):
        checklist_of(division.parent)
        return {"town": division.pk, "year": 2013, "quarter": 4, "inspected_on": "2014-01-10",
                "inspectors": "县财政局 李某"}


class TestInspectionFindingAPI(ScopedAPICases):
    basename = "finance-api:inspection-finding"
    detail_gets = ("history",)
    actions = {"close": {"closure_note": "已整改"}}
    extra_routes = (Route("finance-api:inspection-finding-open", kwargs=None),)
    query_budget = 3

    def make(self, division, m):
        return finding_in(division)


# --- pages -----------------------------------------------------------------------------------


class TestTargetsOverviewPage(ScopedPageCases):
    list_name = "finance:targets-overview"
    query_budget = 14


class TestTownTargetsPage(ScopedPageCases):
    detail_name = "finance:targets"

    def make(self, division, m):
        borrowing(division)
        figure_in(division)
        return division


class TestGrowthTargetForm(ScopedPageCases):
    create_name = "finance:target-set"

    def make(self, division, m):
        return target_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2011, "indicator": "fiscal_revenue", "target_percent": "26.50"}


class TestYearFigureForm(ScopedPageCases):
    create_name = "finance:figure-create"

    def make(self, division, m):
        return figure_in(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2009, "indicator": "infrastructure_investment", "amount": "500.00",
                "source": "统计年报", "reason": "修订"}


class TestDebtPages(ScopedPageCases):
    create_name = "finance:debt-borrow"
    actions = {"finance:debt-reverse": {"reason": "矩阵冲销"}}

    def make(self, division, m):
        return borrowing(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "lender": "县城投公司", "occurred_on": "2012-05-01", "amount": "300.00",
                "document_number": "临政〔2012〕2号", "approved_by": "县人民政府"}


class TestDebtRepayForm(ScopedPageCases):
    create_name = "finance:debt-repay"

    def make(self, division, m):
        return borrowing(division)

    def create_payload(self, m, division):
        from finance.models import DebtEntry

        lender = DebtEntry.objects.filter(town=division, kind="borrowing").values_list("lender", flat=True).first()
        return {"town": division.pk, "lender": lender or "县农业银行", "occurred_on": "2012-06-01", "amount": "1.00",
                "document_number": "还款1"}


class TestChecklistPages(ScopedPageCases):
    list_name = "finance:checklist"
    create_name = "finance:checklist-create"
    home = COUNTY
    away = ELSEWHERE_CITY
    visible_below = True
    query_budget = 8

    def make(self, division, m):
        return st.checklist_item_create(county=division, code=f"P{next(serial)}", text="矩阵检查项目")

    def create_payload(self, m, division):
        return {"county": division.pk, "code": f"Q{next(serial)}", "text": "收入及时入库", "position": 2}


class TestInspectionPages(ScopedPageCases):
    list_name = "finance:inspections"
    create_name = "finance:inspection-create"
    detail_name = "finance:inspection-detail"
    detail_queries = HISTORY
    actions = {"finance:inspection-results": {}, "finance:inspection-finding": {"text": "凭证不规范", "severity": "minor"},
               "finance:inspection-complete": {"summary": "基本规范"}}
    query_budget = 8

    def make(self, division, m):
        return inspection_in(division)

    def create_payload(self, m, division):
        checklist_of(division.parent)
        return {"town": division.pk, "year": 2013, "quarter": 3, "inspected_on": "2013-10-10", "inspectors": "县财政局"}


class TestFindingPages(ScopedPageCases):
    actions = {"finance:finding-close": {"closure_note": "已整改"}}

    def make(self, division, m):
        return finding_in(division)
