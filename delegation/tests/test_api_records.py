"""The catalogue's REST API, exercise records: created and filed through the services, their rules
as field errors, a user whose write role does not reach a division it sees."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from delegation.choices import Outcome
from delegation.models import ExerciseRecord
from personnel.models import Officer
from regions.models import Division

from .api_helpers import JIXI, RECORDS, assert_error, record_payload

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)


# --- exercise records: create and file --------------------------------------------------------
@pytest.mark.django_db
def test_clerk_files_a_record_for_own_town(catalogue, personas, api_for):
    client = api_for(personas["clerk_linxi"])
    response = client.post(RECORDS, record_payload(catalogue), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    record = ExerciseRecord.objects.get(pk=body["id"])
    assert record.created_by == personas["clerk_linxi"]
    assert body["filing_due_on"] == record.filing_due_on.isoformat()
    assert record.filing_due_on > record.decided_on  # one month, counted by core.deadlines
    assert body["filing_state"] == "pending"

    history = client.get(f"{RECORDS}{record.pk}/history/").json()
    assert history[0]["label"] == "insert" and history[0]["user"] == "clerk_linxi"

    filed = client.post(f"{RECORDS}{record.pk}/file/", {"filed_on": timezone.localdate().isoformat()}, format="json")
    assert filed.status_code == 200, filed.content
    assert filed.json()["filed_on"] == timezone.localdate().isoformat()
    assert filed.json()["filing_state"] == "on_time"
    history = client.get(f"{RECORDS}{record.pk}/history/").json()
    assert history[0]["user"] == "clerk_linxi"
    assert history[0]["changes"]["filed_on"]["before"] is None

    again = client.post(f"{RECORDS}{record.pk}/file/", {}, format="json")
    assert_error(again, 409, "already_filed")


@pytest.mark.django_db
def test_filing_in_the_future_is_400(catalogue, personas, api_for):
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕45号")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api_for(personas["clerk_linxi"]).post(f"{RECORDS}{record.pk}/file/", {"filed_on": tomorrow.isoformat()},
                                                     format="json")
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["filed_on"] == ["备案日期不能晚于今天。"]
    record.refresh_from_db()
    assert record.filed_on is None


@pytest.mark.django_db
def test_record_in_a_visible_division_without_write_role_is_403(catalogue, personas, api_for):
    """A user who sees 华阳镇 as auditor but writes only in 临溪镇 as clerk: 403, no row."""
    from regions.services import membership_grant

    user = personas["clerk_linxi"]
    membership_grant(user=user, division=Division.objects.get(code=JIXI), role="auditor")
    response = api_for(user).post(RECORDS, record_payload(catalogue, division=catalogue["huayang"]), format="json")
    assert_error(response, 403, "permission_denied")
    assert not ExerciseRecord.objects.filter(division=catalogue["huayang"]).exists()


@pytest.mark.django_db
def test_record_rules_come_back_as_field_errors(catalogue, personas, api_for, subtests):
    client = api_for(personas["clerk_linxi"])
    huli = Officer.objects.get(staff_number="LX-002")  # no enforcement certificate
    cases = [
        # (what, payload, field, words the message must contain)
        ("item not assigned to the town", record_payload(catalogue, item="JX-SWJ-001"), "item", "未承接"),
        ("item not in force on the decision date",
         record_payload(catalogue, decided_on=datetime.date(2009, 12, 15)), "item", "不在施行期内"),
        ("委托 item without an officer", record_payload(catalogue, item="JX-CGJ-001"), "officer", "行政执法证"),
        ("委托 item, officer without a valid certificate",
         record_payload(catalogue, item="JX-CGJ-001", officer=huli.pk), "officer", "城管局核发的有效行政执法证"),
    ]
    for what, payload, field, words in cases:
        with subtests.test(what):
            error = assert_error(client.post(RECORDS, payload, format="json"), 400, "invalid")
            assert field in error["fields"], error
            assert any(words in message for message in error["fields"][field]), error
    assert ExerciseRecord.objects.count() == 5


@pytest.mark.django_db
def test_entrusted_record_with_certified_officer_is_created(catalogue, personas, api_for):
    wang = Officer.objects.get(staff_number="LX-001")  # certificate of 县城管局, 2024–2028
    payload = record_payload(catalogue, item="JX-CGJ-001", officer=wang.pk, outcome=Outcome.PENALISED)
    response = api_for(personas["clerk_linxi"]).post(RECORDS, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["officer_name"] == "汪明"
