"""Lines of issue 11's "Done when" that no other file proves on its own: an entitlement left
undisbursed past its quarter shows as overdue on the town page, the overdue list and the
entitlement's page (the API and the notice: test_api, test_disbursements); the finance rows and
their ledger entries cannot be edited or deleted through the admin, the API or the importer; the
open inspection findings oversight reads are scoped to the reader."""

from __future__ import annotations

import datetime

import pytest

from core.importing import services as jobs
from core.ledger.models import Entry, Posting
from core.testing.http import assert_error
from finance import selectors, services
from finance.choices import Severity
from finance.models import Entitlement, RevenueRecord
from finance.services import targets as st

from .factories import linxi_arrangement, revenue

D = datetime.date
API = "/api/v1/finance"


@pytest.fixture
def land(demo):
    """临溪镇's land transfer entitlement of January 2010 (1,000,000.00), 250,000.00 transferred:
    750,000.00 overdue since its quarter ended (due 2010-04-30)."""
    town = demo["341824101"]
    linxi_arrangement(town)
    revenue(town, "2010-01", "land_net", "1000000.00", body="县国土资源局")
    (entitlement,) = [e for e in services.entitlement_compute(town=town, month="2010-01") if e.amount]
    services.disbursement_create(town=town, paid_on=D(2010, 2, 1), document_number="绩财拨1",
                                 lines=[(entitlement, "250000.00")])
    return entitlement


def test_overdue_shows_on_the_town_page_the_overdue_list_and_the_entitlement(land, personas, client_for):
    for persona in ("office", "clerk_linxi"):
        client = client_for(personas[persona])
        town_page = client.get(f"/finance/towns/{land.town_id}/", {"year": 2010}).content.decode()
        assert 'data-testid="overdue"' in town_page and "本年有逾期未拨的应返款项 750000.00 元" in town_page
        listed = client.get("/finance/entitlements/", {"overdue": "1"}).content.decode()
        assert f"/finance/entitlements/{land.pk}/" in listed
        detail = client.get(f"/finance/entitlements/{land.pk}/").content.decode()
        assert "逾期" in detail
    other = client_for(personas["clerk_other"]).get("/finance/entitlements/", {"overdue": "1"}).content.decode()
    assert f"/finance/entitlements/{land.pk}/" not in other


def test_fully_disbursed_is_not_overdue(land, personas, client_for):
    services.disbursement_create(town=land.town, paid_on=D(2010, 3, 1), document_number="绩财拨2",
                                 lines=[(land, "750000.00")])
    page = client_for(personas["office"]).get(f"/finance/towns/{land.town_id}/", {"year": 2010}).content.decode()
    assert 'data-testid="overdue"' not in page


def _ledger_state():
    return list(Entry.objects.order_by("id").values_list("id", "amount", "account_id", "hash"))


def test_the_admin_edits_and_deletes_no_ledger_entry(land, personas, client_for):
    admin = client_for(personas["admin"])
    entry = Entry.objects.filter(posting=land.posting).first()
    before = _ledger_state()
    assert admin.get(f"/admin/ledger/entry/{entry.pk}/change/").status_code == 200  # readable
    assert admin.post(f"/admin/ledger/entry/{entry.pk}/change/", {"amount": "1.00"}).status_code == 403
    assert admin.post(f"/admin/ledger/entry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post(f"/admin/ledger/posting/{land.posting_id}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post("/admin/ledger/entry/add/", {}).status_code == 403
    assert admin.get("/admin/finance/").status_code == 404  # finance's rows are not in the admin at all
    assert _ledger_state() == before and Posting.objects.filter(pk=land.posting_id).exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_edits_and_deletes_nothing(land, personas, api_for, method):
    office, admin = api_for(personas["office"]), api_for(personas["admin"])
    record = RevenueRecord.objects.get(town=land.town)
    before = (_ledger_state(), list(Entitlement.objects.values_list("id", "amount", "status")),
              list(RevenueRecord.objects.values_list("id", "amount")))
    for client in (office, admin):
        for url in (f"{API}/revenue-records/{record.pk}/", f"{API}/entitlements/{land.pk}/",
                    f"{API}/disbursements/{land.lines.first().disbursement_id}/"):
            assert_error(getattr(client, method)(url, {"amount": "1.00"}, format="json"), 405, "method_not_allowed")
    assert (_ledger_state(), list(Entitlement.objects.values_list("id", "amount", "status")),
            list(RevenueRecord.objects.values_list("id", "amount"))) == before


def test_the_importer_adds_records_and_edits_none(land, personas):
    """A file naming an existing record's id with another amount: a new record through the
    service (the resource has no id column), the old one untouched."""
    record = RevenueRecord.objects.get(town=land.town)
    header = "id,镇,所属月份,收入科目,征收机关,金额（元）\n"
    text = f"{record.pk},341824101,2010-02,land_net,县国土资源局,5.00\n"
    jobs.import_file(key="finance.revenue_record", file_bytes=("\ufeff" + header + text).encode(), fmt="csv",
                     actor=personas["office"])
    record.refresh_from_db()
    assert record.amount == 1000000 and record.month == D(2010, 1, 1)
    assert sorted(RevenueRecord.objects.values_list("amount", flat=True)) == [5, 1000000]


def test_open_inspection_findings_are_scoped_to_the_reader(demo, personas, api_for):
    linxi, office = demo["341824101"], personas["office"]
    st.checklist_item_create(county=linxi.parent, code="C1", text="债务举借审批", position=1, actor=office)
    inspection = st.inspection_open(town=linxi, year=2011, quarter=2, inspected_on=D(2011, 7, 10), inspectors="张某",
                                    actor=office)
    finding = st.inspection_finding_add(inspection=inspection, text="新增借款未报批", severity=Severity.SERIOUS,
                                        actor=office)
    for persona in ("office", "clerk_linxi", "auditor", "superior"):
        assert [f.finding_id for f in selectors.inspection_findings_open(user=personas[persona])] == [finding.pk]
        rows = api_for(personas[persona]).get(f"{API}/inspection-findings/open/").json()
        assert [r["finding_id"] for r in rows] == [finding.pk]
    assert selectors.inspection_findings_open(user=personas["clerk_other"]) == []
    assert api_for(personas["clerk_other"]).get(f"{API}/inspection-findings/open/").json() == []


def test_the_new_debt_warning_where_the_office_records_borrowing_and_on_the_targets_pages(demo, personas,
                                                                                         client_for):
    """§6 严控新增债务: the borrowing form warns before, the town's targets page and the overview
    warn after a new borrowing of the year; a year without one shows no warning."""
    linxi, office = demo["341824101"], client_for(personas["office"])
    form = office.get("/finance/debt/borrow/").content.decode()
    assert 'data-testid="debt-warning"' in form and "严控新增债务：新增举借须经审批" in form
    assert 'data-testid="new-debt-warning"' not in office.get(f"/finance/towns/{linxi.pk}/targets/",
                                                              {"year": 2011}).content.decode()
    st.debt_borrow(town=linxi, lender="县农业银行", occurred_on=D(2011, 3, 1), amount="5000000.00",
                   document_number="临政〔2011〕3号", approved_by="绩溪县人民政府", purpose="园区道路",
                   actor=personas["office"])
    town_page = office.get(f"/finance/towns/{linxi.pk}/targets/", {"year": 2011}).content.decode()
    assert 'data-testid="new-debt-warning"' in town_page and "2011年新增举借 1 笔" in town_page
    overview = office.get("/finance/targets/", {"year": 2011}).content.decode()
    assert 'data-testid="new-debt-warning"' in overview and "临溪镇新增举借 1 笔" in overview
