"""What the persona matrix cannot know about the finance API: bad amounts answered with a
structured JSON error and nothing written, the reversal action, the trace in the entitlement,
the overdue list and the reconciliation figures."""

from __future__ import annotations

import datetime

import pytest

from core.testing.http import assert_error, collect
from finance import services
from finance.models import RevenueRecord

from .factories import linxi_arrangement, revenue

D = datetime.date


@pytest.fixture
def linxi(demo):
    town = demo["341824101"]
    linxi_arrangement(town)
    return town


@pytest.fixture
def clerk(personas, api_for):
    return api_for(personas["clerk_linxi"])


URL = "/api/v1/finance/revenue-records/"


@pytest.mark.parametrize(("amount", "code"), [("12.345", "too_many_decimals"), ("一百元", "not_a_number"),
                                               ("-5.00", "revenue_not_positive"), ("NaN", "not_a_number")])
def test_bad_amount_is_a_json_error_on_its_field(linxi, clerk, amount, code):
    body = {"town": linxi.pk, "month": "2010-03", "category": "vat", "collecting_body": "临溪税务分局", "amount": amount}
    error = assert_error(clerk.post(URL, body, format="json"), 400, code)
    assert "amount" in error["fields"] or "amount" in str(error)
    assert not RevenueRecord.objects.exists()


def test_unknown_category_and_closed_month_refused(linxi, clerk):
    from core.ledger.services import period_close

    body = {"town": linxi.pk, "month": "2010-03", "category": "deed_tax", "collecting_body": "x", "amount": "1.00"}
    error = assert_error(clerk.post(URL, body, format="json"), 400, "category_not_in_arrangement")
    assert "契税" in error["message"]
    period_close(ledger="finance", owner=linxi, month=D(2010, 3, 1))
    assert_error(clerk.post(URL, {**body, "category": "vat"}, format="json"), 400, "period_closed")
    assert not RevenueRecord.objects.exists()


def test_record_and_reverse(linxi, clerk):
    body = {"town": linxi.pk, "month": "2010-03", "category": "vat", "collecting_body": "临溪税务分局",
            "amount": "1,291,666.66"}
    created = clerk.post(URL, body, format="json")
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["amount"] == "1291666.66" and row["month"] == "2010-03" and row["category_name"] == "增值税"
    reversed_ = clerk.post(f"{URL}{row['id']}/reverse/", {"reason": "填报有误"}, format="json")
    assert reversed_.status_code == 200 and reversed_.json()["reversed_by"]
    assert_error(clerk.post(f"{URL}{row['id']}/reverse/", {"reason": "再次"}, format="json"), 409, "already_reversed")
    amounts = sorted(r["amount"] for r in collect(clerk, URL))
    assert amounts == ["-1291666.66", "1291666.66"]


def test_entitlement_trace_overdue_and_reconciliation(linxi, personas, api_for):
    revenue(linxi, "2010-01", "land_net", "1000000.00", body="县国土资源局")
    (land,) = [e for e in services.entitlement_compute(town=linxi, month="2010-01") if e.amount]
    services.disbursement_create(town=linxi, paid_on=D(2010, 2, 1), document_number="绩财拨1",
                                 lines=[(land, "250000.00")])
    for persona in ("office", "clerk_linxi", "auditor", "superior"):
        api = api_for(personas[persona])
        detail = api.get(f"/api/v1/finance/entitlements/{land.pk}/").json()
        assert detail["amount"] == "1000000.00" and detail["trace"]["rule"]["earmark"] == "industrial_zone"
        overdue = api.get("/api/v1/finance/entitlements/overdue/").json()
        assert [(r["id"], r["outstanding"]) for r in overdue] == [(land.pk, "750000.00")]
        (row,) = api.get("/api/v1/finance/entitlements/reconciliation/", {"start": "2010-01", "end": "2010-12"}).json()
        assert row == {"town": linxi.pk, "town_name": "临溪镇", "owed": "1000000.00", "paid": "250000.00",
                       "outstanding": "750000.00", "overdue": "750000.00"}
    other = api_for(personas["clerk_other"])
    assert other.get("/api/v1/finance/entitlements/overdue/").json() == []
    assert other.get("/api/v1/finance/entitlements/reconciliation/", {"start": "2010-01"}).json() == []
    assert_error(other.get("/api/v1/finance/entitlements/reconciliation/", {"start": "2010-13"}), 400)


def test_disbursement_over_outstanding_is_refused(linxi, personas, api_for):
    revenue(linxi, "2010-01", "land_net", "1000.00")
    (land,) = [e for e in services.entitlement_compute(town=linxi, month="2010-01") if e.amount]
    office = api_for(personas["office"])
    body = {"town": linxi.pk, "paid_on": "2010-02-01", "document_number": "绩财拨2",
            "lines": [{"entitlement": land.pk, "amount": "1000.01"}]}
    error = assert_error(office.post("/api/v1/finance/disbursements/", body, format="json"), 400, "over_outstanding")
    assert "未拨余额为 1,000.00 元" in error["message"]
    ok = office.post("/api/v1/finance/disbursements/", {**body, "lines": [{"entitlement": land.pk, "amount": "1000"}]},
                     format="json")
    assert ok.status_code == 201 and ok.json()["amount"] == "1000.00"


@pytest.mark.parametrize(("url", "query"), [
    ("/api/v1/finance/debt-entries/balances/", {"year": "9223372036854775807"}),
    ("/api/v1/finance/debt-entries/balances/", {"year": "0"}),
    ("/api/v1/finance/growth-targets/progress/", {"year": "100000"}),
    ("/api/v1/finance/growth-targets/progress/", {"town": "99999999999"}),
])
def test_a_parameter_out_of_range_is_a_400_in_words(linxi, clerk, url, query):
    """Found by schemathesis: a year beyond the calendar overflowed the date arithmetic (500)."""
    error = assert_error(clerk.get(url, query), 400, "invalid")
    assert next(iter(query)) in str(error)


def test_debt_balances_of_a_year_in_range(linxi, clerk):
    assert clerk.get("/api/v1/finance/debt-entries/balances/", {"year": "2011"}).status_code == 200


def test_a_category_code_with_a_nul_character_is_a_400(linxi, personas, api_for):
    """Found by schemathesis: PostgreSQL refuses NUL in text, the lookup was a 500."""
    office = api_for(personas["office"])
    body = {"town": linxi.pk, "name": "新体制", "base_year": 2008, "base_amount": "12000000.00",
            "term_start": "2014-01-01", "term_end": "2018-12-31", "effective_from": "2014-01-01",
            "rules": [{"kind": "share", "name": "税收", "categories": ["va\x00t"]}]}
    assert_error(office.post("/api/v1/finance/arrangements/", body, format="json"), 400, "invalid")
    record = {"town": linxi.pk, "month": "2010-03", "category": "v\x00at", "collecting_body": "临溪税务分局",
              "amount": "1.00"}
    assert_error(office.post(URL, record, format="json"), 400, "invalid")
    assert not RevenueRecord.objects.exists()
