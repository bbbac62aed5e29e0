"""What the API refuses instead of guessing (issue 10's findings), on the real endpoints.

Each of these answered otherwise before: an invalid page size was ignored, ``1.5`` was the
reference 1, ``2026-11-3`` a date, a PATCH of read-only fields wrote a history event, a JSON
body nested 100,000 deep was a 500, a 10 MB body a 400 in HTML, and the schema called the
reason of suspend/resume/withdraw/revoke optional and documented no 400/403/404/409.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core.api.exceptions import bad_request
from core.history import history_for
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord, Item
from regions.models import Department, Division
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

API = "/api/v1/delegation"
RECORDS = f"{API}/exercise-records/"
DEPARTMENTS = "/api/v1/regions/departments/"


@pytest.fixture
def catalogue(personas):
    load_demo_delegation()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["error"]


@pytest.mark.django_db
def test_an_invalid_page_size_is_refused(catalogue, personas, api_for):
    client = api_for(personas["clerk_linxi"])
    for size in ("abc", "0", "-1", "1.5", "501", ""):
        error = error_of(client.get(RECORDS, {"page_size": size}), 400)
        assert error["code"] == "invalid_page_size" and "page_size" in error["fields"], size
    assert len(client.get(RECORDS, {"page_size": "2"}).json()["results"]) == 2
    assert client.get(f"{API}/items/", {"page_size": "500"}).status_code == 200


def record_payload(**extra) -> dict:
    decided_on = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "division": Division.objects.get(code="341824101").pk, "item": Item.objects.get(code="JX-FGW-001").pk,
        "applicant": "临溪镇某企业", "received_on": (decided_on - datetime.timedelta(days=2)).isoformat(),
        "decided_on": decided_on.isoformat(), "outcome": "approved", "decision_number": "临政备〔2026〕99号",
        **extra,
    }


@pytest.mark.django_db
def test_a_reference_is_a_whole_number_and_a_date_is_yyyy_mm_dd(catalogue, personas, api_for):
    client = api_for(personas["clerk_linxi"])
    item = Item.objects.get(code="JX-FGW-001")
    for field, value in (("item", item.pk + 0.5), ("item", float(item.pk)), ("decided_on", "2026-11-3"),
                         ("received_on", "20261103")):
        error = error_of(client.post(RECORDS, record_payload(**{field: value}), format="json"), 400)
        assert list(error["fields"]) == [field], (field, value, error)
    assert not ExerciseRecord.objects.filter(decision_number="临政备〔2026〕99号").exists()
    assert client.post(RECORDS, record_payload(), format="json").status_code == 201


@pytest.mark.django_db
def test_a_date_filter_is_yyyy_mm_dd(catalogue, personas, api_for):
    client = api_for(personas["office"])
    error = error_of(client.get(RECORDS, {"decided_on_after": "2026-9-1"}), 400)
    assert error["code"] == "invalid_filter" and list(error["fields"]) == ["decided_on_after"]
    assert client.get(RECORDS, {"decided_on_after": "2026-09-01"}).status_code == 200
    error = error_of(client.get(RECORDS, {"item": "1.5"}), 400)
    assert list(error["fields"]) == ["item"]


@pytest.mark.django_db
def test_a_patch_of_read_only_fields_writes_no_history(personas, api_for):
    department = Department.objects.get(code="341824-FGW")
    before = len(history_for(department))
    response = api_for(personas["office"]).patch(
        f"{DEPARTMENTS}{department.pk}/", {"code": "X-1", "updated_at": "2000-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 200 and response.json()["code"] == "341824-FGW"
    assert len(history_for(department)) == before
    api_for(personas["office"]).patch(f"{DEPARTMENTS}{department.pk}/", {"name": "发展改革委"}, format="json")
    assert len(history_for(department)) == before + 1  # a real change still is recorded


@pytest.mark.django_db
def test_deeply_nested_json_is_a_400(personas, api_for):
    department = Department.objects.get(code="341824-FGW")
    client = api_for(personas["office"])
    for body in ("[" * 100_000 + "]" * 100_000, '{"name": ' + "[" * 40 + "]" * 40 + "}"):
        error = error_of(client.patch(f"{DEPARTMENTS}{department.pk}/", body, content_type="application/json"), 400)
        assert error["code"] == "parse_error"
    department.refresh_from_db()
    assert department.name == "发改委"


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_400_in_json(personas, api_for, settings):
    department = Department.objects.get(code="341824-FGW")
    body = '{"name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = api_for(personas["office"]).patch(f"{DEPARTMENTS}{department.pk}/", body,
                                                 content_type="application/json")
    assert error_of(response, 400)["code"] == "request_too_large"
    # What Django refuses outside a view (handler400): JSON under /api/, Django's page elsewhere.
    from django.core.exceptions import RequestDataTooBig

    request = RequestFactory().post("/api/v1/regions/departments/")
    assert error_of(bad_request(request, RequestDataTooBig()), 400)["code"] == "request_too_large"
    page = bad_request(RequestFactory().post("/regions/"), RequestDataTooBig())
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_schema_requires_the_reason_the_services_require_and_lists_the_errors(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for path in ("items/{id}/suspend/", "items/{id}/resume/", "items/{id}/withdraw/", "assignments/{id}/revoke/"):
        operation = schema["paths"][f"{API}/{path}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "reason" in components[ref]["required"], path
        assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"]), path
    publish = schema["paths"][f"{API}/items/{{id}}/publish/"]["post"]
    ref = publish["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "reason" not in components[ref].get("required", [])  # publishing takes an optional note
    assert {"400", "401", "403"} <= set(schema["paths"][RECORDS]["get"]["responses"])
    assert "404" in schema["paths"][f"{RECORDS}{{id}}/"]["get"]["responses"]
    # Each viewset's create has its own summary (the generated methods are not shared).
    assert schema["paths"][f"{API}/items/"]["post"]["summary"] == "新增事项（草稿）"
    assert schema["paths"][RECORDS]["post"]["summary"] == "登记办件"
