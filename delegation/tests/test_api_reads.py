"""The catalogue's REST API, reads: what each persona's lists hold exactly on the demo catalogue,
the detail's fields, the UI's filters, the list row against the detail, query counts that do not
grow with the page, the API root and schema. The refusals per persona are the matrix's
(test_matrix_api.py)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delegation.choices import ItemStatus, Outcome
from delegation.filtersets import ExerciseRecordFilterSet
from delegation.models import Agreement, Assignment, ExerciseRecord, Item
from personnel.models import Officer

from .api_helpers import (
    AGREEMENTS,
    API,
    ASSIGNMENTS,
    BATCHES,
    ITEMS,
    LINXI,
    RECORDS,
    TRAININGS,
    assert_error,
    collect,
)

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)


# --- reads: lists scoped per persona ---------------------------------------------------------
@pytest.mark.django_db
def test_lists_are_scoped_per_persona(catalogue, personas, api_for, subtests):
    # One record of 华阳镇 too, written directly (it holds no assignment, the rules would refuse
    # it): the county sees both towns, each clerk only its own.
    huayang_record = ExerciseRecord.objects.create(
        division=catalogue["huayang"], item=catalogue["items"]["JX-FGW-001"], applicant="华阳某企业",
        received_on=datetime.date(2026, 5, 6), decided_on=datetime.date(2026, 5, 8), outcome=Outcome.APPROVED,
        decision_number="华政备〔2026〕1号", filing_due_on=datetime.date(2026, 6, 8),
    ).pk
    linxi_records = set(ExerciseRecord.objects.filter(division=catalogue["linxi"]).values_list("id", flat=True))
    county_records = linxi_records | {huayang_record}
    linxi_assignments = set(Assignment.objects.filter(division=catalogue["linxi"]).values_list("id", flat=True))
    linxi_agreements = set(Agreement.objects.filter(division=catalogue["linxi"]).values_list("id", flat=True))
    assert len(linxi_records) == 5 and len(linxi_assignments) == 4 and len(linxi_agreements) == 4
    published = {code for code, i in catalogue["items"].items() if i.status != ItemStatus.DRAFT}
    expected = {
        # persona: (records, assignments, agreements, item codes)
        "office": (county_records, linxi_assignments, linxi_agreements, set(catalogue["items"])),
        "clerk_linxi": (linxi_records, linxi_assignments, linxi_agreements, published),
        # The county's published catalogue, its own record, and nothing of 临溪.
        "clerk_other": ({huayang_record}, set(), set(), published),
        "superior": (county_records, linxi_assignments, linxi_agreements, published),
        "auditor": (county_records, linxi_assignments, linxi_agreements, published),
    }
    assert "JX-AJJ-001" not in published  # the draft: only the office, which writes it, sees it
    for persona, (records, assignments, agreements, items) in expected.items():
        with subtests.test(persona=persona):
            client = api_for(personas[persona])
            assert {r["id"] for r in collect(client, RECORDS)} == records
            assert {r["id"] for r in collect(client, ASSIGNMENTS)} == assignments
            assert {r["id"] for r in collect(client, AGREEMENTS)} == agreements
            assert {r["code"] for r in collect(client, ITEMS)} == items
            assert {r["code"] for r in collect(client, BATCHES)} == {"JX-2010-01", "JX-2027-01"}  # not 东莞's


@pytest.mark.django_db
def test_detail_in_scope(catalogue, personas, api_for):
    record = ExerciseRecord.objects.get(decision_number="临城罚〔2026〕7号")
    for persona in ("office", "clerk_linxi", "superior", "auditor", "admin"):
        body = api_for(personas[persona]).get(f"{RECORDS}{record.pk}/").json()
        assert body["decision_number"] == "临城罚〔2026〕7号"
        assert body["division_name"] == "临溪镇"
        assert body["item_code"] == "JX-CGJ-001"
        assert body["officer_name"] == "汪明"
        assert body["filing_state"] == "overdue"  # decided 2 Sep 2026, one month to file, not filed



@pytest.mark.django_db
def test_out_of_scope_write_is_404_before_the_input_is_read(catalogue, personas, api_for):
    """The lookup answers first: an invalid body on a row of another town is a 404 too, never a
    400 that would confirm the row exists."""
    unfiled = ExerciseRecord.objects.get(decision_number="临政备〔2026〕45号")
    response = api_for(personas["clerk_other"]).post(f"{RECORDS}{unfiled.pk}/file/", {"filed_on": "not-a-date"},
                                                     format="json")
    assert_error(response, 404, "not_found")
    unfiled.refresh_from_db()
    assert unfiled.filed_on is None


@pytest.mark.django_db
def test_records_have_no_update_route(catalogue, personas, api_for):
    """A record is corrected by the services, not rewritten: PATCH is 405 even for its clerk."""
    record = ExerciseRecord.objects.filter(division=catalogue["linxi"]).first()
    response = api_for(personas["clerk_linxi"]).patch(f"{RECORDS}{record.pk}/", {"applicant": "x"}, format="json")
    assert_error(response, 405)
    record.refresh_from_db()
    assert record.applicant != "x"


# --- filters: the UI's FilterSets --------------------------------------------------------------
@pytest.mark.django_db
def test_record_filters(catalogue, personas, api_for):
    client = api_for(personas["office"])
    today = timezone.localdate()
    overdue = {r.id for r in ExerciseRecord.objects.all() if r.filed_on is None and r.filing_due_on < today}
    assert overdue
    assert {r["id"] for r in collect(client, f"{RECORDS}?filing_state=overdue")} == overdue
    assert all(r["filing_state"] == "overdue" for r in collect(client, f"{RECORDS}?filing_state=overdue"))
    fgw = catalogue["items"]["JX-FGW-001"]
    assert {r["item"] for r in collect(client, f"{RECORDS}?item={fgw.pk}")} == {fgw.pk}
    # The parameter names are the shared FilterSet's (its range widget's suffixes), as in the UI.
    start, end = ExerciseRecordFilterSet().form.fields["decided_on"].widget.suffixes
    in_range = collect(client, f"{RECORDS}?decided_on_{start}=2026-09-01&decided_on_{end}=2026-11-10")
    assert {r["decision_number"] for r in in_range} == {"临城罚〔2026〕7号", "临政备〔2026〕45号"}
    # Filtering by a division outside the scope is refused, not answered with an empty page.
    error = assert_error(api_for(personas["clerk_other"]).get(f"{RECORDS}?division={catalogue['linxi'].pk}"), 400)
    assert "division" in error["fields"]
    # The page's code/name searches are the same FilterSet's, so the API has them too.
    fgw_numbers = {"临政备〔2026〕31号", "临政备〔2026〕45号"}
    assert {r["decision_number"] for r in collect(client, f"{RECORDS}?item_q=fgw-001")} == fgw_numbers
    by_name = collect(client, f"{RECORDS}?{urlencode({'item_q': '企业投资', 'page_size': 1})}")  # follows `next`
    assert {r["decision_number"] for r in by_name} == fgw_numbers
    assert len(collect(client, f"{RECORDS}?division_q={LINXI[:6]}")) == 5
    assert collect(client, f"{RECORDS}?{urlencode({'division_q': '华阳'})}") == []
    # Never wider than the scope: 华阳镇's clerk finds none of 临溪镇's records by its name.
    assert collect(api_for(personas["clerk_other"]), f"{RECORDS}?{urlencode({'division_q': '临溪'})}") == []
    # Pagination and format parameters alone build no FilterSet; a bad filter value among them is still a 400.
    assert len(collect(client, f"{RECORDS}?page_size=2&format=json")) == 5
    error = assert_error(client.get(f"{RECORDS}?page_size=2&filing_state=lost"), 400)
    assert "filing_state" in error["fields"]
    items = collect(client, f"{ITEMS}?status=draft")
    assert [i["code"] for i in items] == ["JX-AJJ-001"]
    assert [i["code"] for i in collect(client, f"{ITEMS}?q=采砂")] == ["JX-SWJ-001"]
    entrusted = collect(client, f"{ASSIGNMENTS}?mode=entrust")
    assert [a["item_code"] for a in entrusted] == ["JX-CGJ-001"]


@pytest.mark.django_db
def test_record_list_row_matches_the_detail(catalogue, personas, api_for):
    client = api_for(personas["clerk_linxi"])
    rows = collect(client, f"{RECORDS}?page_size=2")  # walks three pages by cursor
    assert len(rows) == 5 and [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    for row in rows:
        detail = client.get(f"{RECORDS}{row['id']}/").json()
        assert row == {key: detail[key] for key in row}
    body = client.get(f"{RECORDS}?page_size=2").json()
    assert set(body) == {"next", "previous", "results"}  # no COUNT(*)


# --- query counts -------------------------------------------------------------------------------
def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.fixture
def many_records(catalogue):
    """300 more records of 临溪镇 (bulk: the rules are not what is measured here)."""
    today = timezone.localdate()
    items = [catalogue["items"][code] for code in ("JX-FGW-001", "JX-JW-001", "JX-GTJ-001")]
    officer = Officer.objects.get(staff_number="LX-001")
    ExerciseRecord.objects.bulk_create(
        ExerciseRecord(
            division=catalogue["linxi"], item=items[n % 3], applicant=f"申请人{n}", received_on=today,
            decided_on=today, outcome=Outcome.APPROVED, decision_number=f"临测〔2026〕{n}号",
            officer=officer if n % 2 else None, filing_due_on=today + datetime.timedelta(days=30),
            filed_on=today if n % 5 == 0 else None,
        )
        for n in range(300)
    )


# Queries per list request: token, memberships, the page (+ the prefetch of training items).
MAX_QUERIES = {RECORDS: 3, ITEMS: 3, ASSIGNMENTS: 3, AGREEMENTS: 3, BATCHES: 3, TRAININGS: 4}


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_page_size(many_records, personas, api_for, django_assert_max_num_queries,
                                                 subtests):
    for persona in ("office", "clerk_linxi", "superior"):
        client = api_for(personas[persona])
        client.get(RECORDS)  # warm up: first-request work (caches, sessions) is not what is measured
        for url, allowed in MAX_QUERIES.items():
            for size in (5, 200):
                with subtests.test(persona=persona, url=url, size=size):
                    with django_assert_max_num_queries(allowed):
                        response = client.get(f"{url}?page_size={size}")
                    assert response.status_code == 200
                    if url == RECORDS:
                        assert len(response.json()["results"]) == size
        # Filters add their own fixed lookups (the choice validated against the scope), not per row.
        item = Item.objects.get(code="JX-FGW-001")
        assert _count(client, f"{RECORDS}?page_size=5&item={item.pk}") == _count(
            client, f"{RECORDS}?page_size=200&item={item.pk}")


@pytest.mark.django_db
def test_api_root_and_schema(personas, api_for):
    client = api_for(personas["office"])
    root = client.get(f"{API}/").json()
    assert set(root) == {"batches", "items", "agreements", "assignments", "trainings", "exercise-records",
                         "due-recomputations"}
    paths = api_for(personas["office"]).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("items/{id}/publish/", "items/{id}/suspend/", "items/{id}/resume/", "items/{id}/withdraw/",
                 "items/{id}/status-changes/", "items/{id}/history/", "assignments/{id}/take-over/",
                 "assignments/{id}/revoke/", "assignments/{id}/agreement-pdf/", "assignments/catalogue-pdf/",
                 "exercise-records/{id}/file/"):
        assert f"{API}/{path}" in paths, path
    assert "delete" not in paths[f"{API}/exercise-records/{{id}}/"]
    assert "post" not in paths[f"{API}/items/{{id}}/status-changes/"]
