"""An overdue record cannot be back-dated to on time (issue 10): a filing recorded after its due
date but dated on or before it is a late entry (补录). It needs the receiving department's
acknowledgement (回执 number or scan), is marked, and is shown to the office and the auditor —
through the service, so the UI, the API and the importer all follow it.

Data: the demo catalogue; 临城罚〔2026〕7号 was decided 2026-09-02, is due 2026-10-08 and unfiled.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import files
from delegation import services
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord

pytestmark = pytest.mark.usefixtures("demo_module")  # the demo hierarchy, loaded once for the module (conftest.py)

API = "/api/v1/delegation/exercise-records/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def overdue(personas):
    load_demo_delegation()
    record = ExerciseRecord.objects.get(decision_number="临城罚〔2026〕7号")
    assert record.filed_on is None and record.filing_due_on < timezone.localdate()
    return record


def _before_due(record) -> str:
    return (record.filing_due_on - datetime.timedelta(days=35)).isoformat()  # 2026-09-03 in the issue


# --- the rule, in the service ---------------------------------------------------------------------
def test_back_dating_an_overdue_record_without_a_receipt_is_refused(overdue, personas):
    with pytest.raises(ValidationError) as refused:
        services.exercise_record_file(record=overdue, filed_on=overdue.filing_due_on, actor=personas["clerk_linxi"])
    assert "补录" in refused.value.message_dict["filing_receipt_number"][0]
    overdue.refresh_from_db()
    assert overdue.filed_on is None and not overdue.filing_late_entry


def test_back_dated_filing_with_a_receipt_number_is_a_marked_late_entry(overdue, personas):
    record = services.exercise_record_file(record=overdue, filed_on=overdue.filing_due_on, actor=personas["clerk_linxi"],
                                           filing_receipt_number=" 绩城管备〔2026〕3号 ")
    record.refresh_from_db()
    assert record.filing_state(timezone.localdate()) == "on_time"  # the date counts …
    assert record.filing_late_entry is True  # … but it is marked as entered late
    assert record.filing_recorded_on == timezone.localdate()
    assert record.filing_receipt_number == "绩城管备〔2026〕3号"


def test_a_receipt_scan_is_enough_and_is_served_checked(overdue, personas, client_for):
    scan = SimpleUploadedFile("回执.pdf", PDF, content_type="application/pdf")
    record = services.exercise_record_file(record=overdue, filed_on=overdue.filing_due_on,
                                           actor=personas["clerk_linxi"], filing_receipt_scan=scan)
    assert record.filing_late_entry and record.filing_receipt_scan
    url = files.url_for(record, "filing_receipt_scan")
    assert client_for(personas["auditor"]).get(url).status_code == 200
    assert client_for(personas["clerk_other"]).get(url).status_code == 404


def test_filing_late_by_date_needs_no_receipt_and_is_no_late_entry(overdue, personas):
    record = services.exercise_record_file(record=overdue, actor=personas["clerk_linxi"])  # today: 逾期备案
    assert record.filing_state(timezone.localdate()) == "late"
    assert not record.filing_late_entry and record.filing_recorded_on == timezone.localdate()


def test_filing_before_the_due_date_passes_is_no_late_entry(personas):
    load_demo_delegation()
    pending = ExerciseRecord.objects.get(decision_number="临政备〔2026〕45号")  # due in December
    assert pending.filing_due_on >= timezone.localdate()
    record = services.exercise_record_file(record=pending, actor=personas["clerk_linxi"])
    assert record.filing_state(timezone.localdate()) == "on_time" and not record.filing_late_entry


def test_filed_on_at_creation_after_the_due_date_is_a_late_entry_too(overdue, personas):
    fields = dict(division=overdue.division, item=overdue.item, applicant="某公司", received_on=overdue.received_on,
                  decided_on=overdue.decided_on, outcome=overdue.outcome, decision_number="临城罚〔2026〕70号",
                  officer=overdue.officer,
                  filed_on=overdue.decided_on + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.exercise_record_create(actor=personas["clerk_linxi"], **fields)
    assert "filing_receipt_number" in refused.value.message_dict
    record = services.exercise_record_create(actor=personas["clerk_linxi"], filing_receipt_number="回执1", **fields)
    assert record.filing_late_entry


def test_a_later_correction_does_not_ask_for_the_receipt_again(overdue, personas):
    record = services.exercise_record_file(record=overdue, filed_on=overdue.filing_due_on,
                                           actor=personas["clerk_linxi"], filing_receipt_number="回执2")
    record = services.exercise_record_correct(record=record, actor=personas["clerk_linxi"], applicant="更正后的申请人")
    record.refresh_from_db()
    assert record.filing_late_entry and record.filing_recorded_on == timezone.localdate()


# --- the API -----------------------------------------------------------------------------------
def test_api_back_dating_is_400_then_a_late_entry_with_the_receipt(overdue, personas, api_for):
    clerk = api_for(personas["clerk_linxi"])
    url = f"{API}{overdue.pk}/file/"
    refused = clerk.post(url, {"filed_on": _before_due(overdue)}, format="json")
    assert refused.status_code == 400, refused.content
    assert "filing_receipt_number" in refused.json()["error"]["fields"]
    overdue.refresh_from_db()
    assert overdue.filed_on is None

    filed = clerk.post(url, {"filed_on": _before_due(overdue), "filing_receipt_number": "绩城管备〔2026〕3号"},
                       format="json")
    assert filed.status_code == 200, filed.content
    body = filed.json()
    assert (body["filing_state"], body["filing_late_entry"]) == ("on_time", True)
    assert body["filing_receipt_number"] == "绩城管备〔2026〕3号"
    assert body["filing_recorded_on"] == timezone.localdate().isoformat()
    # The auditor sees the mark in the list and can filter by it.
    auditor = api_for(personas["auditor"])
    rows = auditor.get(f"{API}?late_entry=yes").json()["results"]
    # This one, and the demo's 临政备〔2026〕31号 (loaded after its due date with its 回执).
    assert {r["decision_number"] for r in rows} == {overdue.decision_number, "临政备〔2026〕31号"}
    assert all(r["filing_late_entry"] for r in rows)
    assert overdue.pk not in [r["id"] for r in auditor.get(f"{API}?late_entry=no").json()["results"]]


def test_api_create_with_a_back_dated_filing_needs_the_receipt(overdue, personas, api_for):
    payload = {"division": overdue.division_id, "item": overdue.item_id, "applicant": "某公司",
               "received_on": overdue.received_on.isoformat(), "decided_on": overdue.decided_on.isoformat(),
               "outcome": overdue.outcome, "decision_number": "临城罚〔2026〕71号", "officer": overdue.officer_id,
               "filed_on": (overdue.decided_on + datetime.timedelta(days=2)).isoformat()}
    clerk = api_for(personas["clerk_linxi"])
    refused = clerk.post(API, payload, format="json")
    assert refused.status_code == 400 and "filing_receipt_number" in refused.json()["error"]["fields"]
    created = clerk.post(API, {**payload, "filing_receipt_number": "回执3"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["filing_late_entry"] is True


# --- the pages ---------------------------------------------------------------------------------
def test_page_refuses_then_files_with_the_receipt_and_shows_the_badge(overdue, personas, client_for):
    clerk = client_for(personas["clerk_linxi"])
    detail = reverse("delegation:record-detail", args=[overdue.pk])
    assert 'data-testid="late-entry-hint"' in clerk.get(detail).content.decode()
    url = reverse("delegation:record-file", args=[overdue.pk])
    clerk.post(url, {"filed_on": _before_due(overdue)})
    overdue.refresh_from_db()
    assert overdue.filed_on is None
    response = clerk.post(url, {"filed_on": _before_due(overdue), "filing_receipt_number": "",
                                "filing_receipt_scan": SimpleUploadedFile("回执.pdf", PDF)})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.filing_late_entry and overdue.filing_receipt_scan

    for who in ("office", "auditor"):
        c = client_for(personas[who])
        page = c.get(detail).content.decode()
        assert 'data-testid="late-entry"' in page and 'data-testid="filing-receipt"' in page
        assert files.url_for(overdue, "filing_receipt_scan") in page
        listing = c.get(reverse("delegation:record-list") + "?late_entry=yes").content.decode()
        assert 'data-testid="late-entry"' in listing and overdue.decision_number in listing
        report = c.get(reverse("delegation:overdue-list")).content.decode()
        assert 'data-testid="late-entry-count"' in report and "?late_entry=yes" in report


# --- the importer --------------------------------------------------------------------------------
def _import(personas, overdue, **extra):
    from delegation import importing
    from delegation.resources import ExerciseRecordResource

    values = {"division": overdue.division.code, "item": overdue.item.code, "applicant": "某公司",
              "received_on": overdue.received_on.isoformat(), "decided_on": overdue.decided_on.isoformat(),
              "outcome": overdue.outcome, "decision_number": "临城罚〔2026〕72号",
              "officer": overdue.officer.staff_number, "filed_on": overdue.filing_due_on.isoformat(), **extra}
    row = {ExerciseRecordResource.fields[k].column_name: v for k, v in values.items()}
    return importing.import_exercise_records(rows=[row], actor=personas["clerk_linxi"])


def test_import_of_a_back_dated_filing_needs_the_receipt_column(overdue, personas):
    refused = _import(personas, overdue)
    assert not refused.committed and "补录" in refused.errors[0].message
    done = _import(personas, overdue, filing_receipt_number="绩城管备〔2026〕5号")
    assert done.committed and done.created == 1, done.errors
    record = ExerciseRecord.objects.get(decision_number="临城罚〔2026〕72号")
    assert record.filing_late_entry and record.filing_recorded_on == timezone.localdate()
    assert record.filing_receipt_number == "绩城管备〔2026〕5号"
