"""API rows name what they refer to (issue 6 §3: records showed bare ids for division and item):
a superior reading the JSON sees codes and names next to every id, in the lean record list too,
still in one query for the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delegation.demo import load_demo_delegation
from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

API = "/api/v1/delegation"


@pytest.fixture
def catalogue(personas):
    load_demo_delegation()


def test_record_list_rows_carry_division_and_item_code_and_name(api_for, personas, catalogue):
    client = api_for(personas["superior"])
    client.get(f"{API}/exercise-records/")  # token and memberships warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/exercise-records/", {"page_size": 500})
    assert response.status_code == 200
    page_queries = [q["sql"] for q in ctx.captured_queries if "delegation_exerciserecord" in q["sql"]]
    assert len(page_queries) == 1  # the names are joined into the page's own query
    rows = response.json()["results"]
    assert rows
    records = {r.pk: r for r in ExerciseRecord.objects.select_related("division", "item")}
    for row in rows:
        record = records[row["id"]]
        assert (row["division"], row["division_code"], row["division_name"]) == (
            record.division_id, record.division.code, record.division.name)
        assert (row["item"], row["item_code"], row["item_name"]) == (record.item_id, record.item.code, record.item.name)
    detail = client.get(f"{API}/exercise-records/{rows[0]['id']}/").json()
    for key in ("division_code", "division_name", "item_code", "item_name"):
        assert detail[key] == rows[0][key]


def test_other_rows_name_their_references(api_for, personas, catalogue):
    client = api_for(personas["office"])
    item = client.get(f"{API}/items/{Item.objects.filter(batch__isnull=False).first().pk}/").json()
    stored = Item.objects.select_related("department", "batch").get(pk=item["id"])
    assert (item["department_code"], item["department_name"]) == (stored.department.code, stored.department.name)
    assert (item["batch_code"], item["batch_name"]) == (stored.batch.code, stored.batch.name)
    assignment = Assignment.objects.exclude(agreement=None).select_related("division", "agreement").first()
    row = client.get(f"{API}/assignments/{assignment.pk}/").json()
    assert (row["division_code"], row["agreement_number"]) == (assignment.division.code, assignment.agreement.number)
    agreement = Agreement.objects.select_related("department", "division").first()
    row = client.get(f"{API}/agreements/{agreement.pk}/").json()
    assert (row["department_code"], row["division_code"]) == (agreement.department.code, agreement.division.code)
    batch = Batch.objects.select_related("division").first()
    assert client.get(f"{API}/batches/{batch.pk}/").json()["division_code"] == batch.division.code
