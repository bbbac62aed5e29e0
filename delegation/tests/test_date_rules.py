"""Dates that answered 500 or were accepted though impossible (issue 10), refused by the rules
every way in shares (model clean / rules.py): the HTML form, the API and the importer.

- a decision dated 9999-12-31: the due date was counted before the "not later than today"
  check and year 10000 overflowed;
- 受理日期 1900-01-01 (and other implausibly old dates) was accepted;
- a revocation dated before the take-over answered 200.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from delegation import services
from delegation.choices import Outcome
from delegation.demo import load_demo_delegation
from delegation.models import Assignment, ExerciseRecord, Item
from delegation.rules import EARLIEST_DATE
from regions.models import Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

API = "/api/v1/delegation"
LINXI = "341824101"


@pytest.fixture
def catalogue(personas):
    load_demo_delegation()
    return {"linxi": Division.objects.get(code=LINXI), "item": Item.objects.get(code="JX-FGW-001")}


def _fields(catalogue, **changes):
    today = timezone.localdate()
    fields = {"division": catalogue["linxi"], "item": catalogue["item"], "applicant": "临溪某公司",
              "received_on": today - datetime.timedelta(days=5), "decided_on": today - datetime.timedelta(days=3),
              "outcome": Outcome.APPROVED, "decision_number": "临政备〔2026〕901号"}
    return {**fields, **changes}


def _payload(catalogue, **changes) -> dict:
    data = _fields(catalogue, **changes)
    return {k: (v.pk if hasattr(v, "pk") else v.isoformat() if isinstance(v, datetime.date) else v)
            for k, v in data.items()}


# --- a decision in year 9999 ------------------------------------------------------------------
def test_service_refuses_a_decision_in_9999_before_counting_its_due_date(catalogue, personas):
    with pytest.raises(ValidationError) as refused:
        services.exercise_record_create(actor=personas["clerk_linxi"],
                                        **_fields(catalogue, decided_on=datetime.date(9999, 12, 31)))
    assert refused.value.message_dict["decided_on"] == ["办结日期不能晚于今天。"]


def test_api_answers_400_for_a_decision_in_9999(catalogue, personas, api_for):
    response = api_for(personas["clerk_linxi"]).post(
        f"{API}/exercise-records/", _payload(catalogue, decided_on=datetime.date(9999, 12, 31)), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["decided_on"] == ["办结日期不能晚于今天。"]


def test_form_shows_the_error_for_a_decision_in_9999(catalogue, personas, client_for):
    data = _payload(catalogue, decided_on=datetime.date(9999, 12, 31))
    response = client_for(personas["clerk_linxi"]).post(reverse("delegation:record-create"), data)
    assert response.status_code == 200  # the form again, not a 500
    assert "办结日期不能晚于今天" in response.content.decode()
    assert not ExerciseRecord.objects.filter(decision_number=data["decision_number"]).exists()


def test_correcting_a_decision_to_9999_is_refused(catalogue, personas):
    record = services.exercise_record_create(actor=personas["clerk_linxi"], **_fields(catalogue))
    with pytest.raises(ValidationError) as refused:
        services.exercise_record_correct(record=record, actor=personas["clerk_linxi"],
                                         decided_on=datetime.date(9999, 12, 31))
    assert "decided_on" in refused.value.message_dict


def test_no_due_date_is_counted_from_a_refused_decision_date(catalogue):
    """Every way in (the importer too) runs full_clean: a ValidationError, never an OverflowError."""
    record = ExerciseRecord(**_fields(catalogue, decided_on=datetime.date(9999, 12, 31)))
    record.rules().prepare(record)
    assert record.filing_due_on is None
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert refused.value.message_dict["decided_on"] == ["办结日期不能晚于今天。"]
    assert "filing_due_on" not in refused.value.message_dict


# --- implausibly old dates --------------------------------------------------------------------
@pytest.mark.parametrize("field", ["received_on", "decided_on"])
def test_dates_before_2000_are_refused(catalogue, personas, field):
    with pytest.raises(ValidationError) as refused:
        services.exercise_record_create(actor=personas["clerk_linxi"],
                                        **_fields(catalogue, **{field: datetime.date(1900, 1, 1)}))
    assert any("1900-01-01" in message for message in refused.value.message_dict[field])


def test_api_refuses_received_on_1900(catalogue, personas, api_for):
    response = api_for(personas["clerk_linxi"]).post(
        f"{API}/exercise-records/", _payload(catalogue, received_on=datetime.date(1900, 1, 1)), format="json")
    assert response.status_code == 400
    assert "received_on" in response.json()["error"]["fields"]


def test_the_earliest_plausible_date_is_accepted_by_the_date_rule(catalogue, personas):
    record = ExerciseRecord(**_fields(catalogue, received_on=EARLIEST_DATE))
    record.full_clean(exclude=["decision_number"])  # no date error (the decision is recent)


def test_filing_before_the_decision_is_refused(catalogue, personas, api_for):
    record = services.exercise_record_create(actor=personas["clerk_linxi"], **_fields(catalogue))
    response = api_for(personas["clerk_linxi"]).post(
        f"{API}/exercise-records/{record.pk}/file/",
        {"filed_on": (record.decided_on - datetime.timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["filed_on"] == ["备案日期不能早于办结日期。"]


# --- a revocation before the take-over --------------------------------------------------------
@pytest.fixture
def taken_over(catalogue):
    assignment = Assignment.objects.filter(division=catalogue["linxi"], takeover_status="taken_over").first()
    assert assignment.taken_over_on == datetime.date(2010, 1, 1)
    return assignment


def test_service_refuses_a_revocation_before_the_take_over(taken_over, personas):
    with pytest.raises(ValidationError) as refused:
        services.assignment_revoke(assignment=taken_over, actor=personas["office"], reason="测试",
                                   on=datetime.date(2000, 1, 1))
    assert "2010-01-01" in refused.value.message_dict["revoked_on"][0]
    taken_over.refresh_from_db()
    assert taken_over.takeover_status == "taken_over" and taken_over.revoked_on is None


def test_api_revocation_before_the_take_over_is_400(taken_over, personas, api_for):
    response = api_for(personas["office"]).post(f"{API}/assignments/{taken_over.pk}/revoke/",
                                                {"on": "2000-01-01", "reason": "测试"}, format="json")
    assert response.status_code == 400, response.content
    assert "revoked_on" in response.json()["error"]["fields"]
    taken_over.refresh_from_db()
    assert taken_over.revoked_on is None


def test_form_revocation_before_the_take_over_is_refused(taken_over, personas, client_for):
    client_for(personas["office"]).post(reverse("delegation:assignment-revoke", args=[taken_over.pk]),
                                        {"on": "2000-01-01", "reason": "测试"})
    taken_over.refresh_from_db()
    assert taken_over.revoked_on is None


def test_revocation_on_the_take_over_day_or_later_is_fine(taken_over, personas):
    revoked = services.assignment_revoke(assignment=taken_over, actor=personas["office"], reason="测试",
                                         on=taken_over.taken_over_on)
    assert revoked.revoked_on == datetime.date(2010, 1, 1)


# --- the importer: the same rules, as row errors ----------------------------------------------
def _import_row(personas, catalogue, **changes):
    from delegation import importing
    from delegation.resources import ExerciseRecordResource

    values = _payload(catalogue, **changes)
    values["division"], values["item"] = catalogue["linxi"].code, catalogue["item"].code
    row = {ExerciseRecordResource.fields[k].column_name: v for k, v in values.items()}
    return importing.import_exercise_records(rows=[row], actor=personas["clerk_linxi"])


def test_import_of_a_decision_in_9999_is_a_row_error_not_a_system_error(catalogue, personas):
    result = _import_row(personas, catalogue, decided_on=datetime.date(9999, 12, 31))
    assert not result.committed
    assert [e.message for e in result.errors] == ["办结日期不能晚于今天。"]


def test_import_of_received_on_1900_is_a_row_error(catalogue, personas):
    result = _import_row(personas, catalogue, received_on=datetime.date(1900, 1, 1))
    assert not result.committed and len(result.errors) == 1 and "1900-01-01" in result.errors[0].message
