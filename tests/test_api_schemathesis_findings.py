"""What tests/test_schemathesis.py found over the whole API, each fixed where it belongs and
pinned here: every answer is one the schema documents, in the API's JSON.

- a broken cursor on any list answered 404, which no list documents: now 400 ``invalid_cursor``;
- an id the router does not take (``1.5``, ``abc.x``) answered the site's HTML 404 page: now
  the API's JSON 404;
- the catalogue PDF (``?division=``) and the period close (``owner`` in the body) answer 404 for
  a division outside the caller's jurisdiction without documenting it: now documented;
- finance's overdue list and reconciliation answer a plain array, which the schema described as
  the paginated envelope (``[] is not of type "object"``): now documented as arrays, with the
  reconciliation's row declared.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

RECORDS = "/api/v1/delegation/exercise-records/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [RECORDS, "/api/v1/regions/divisions/", "/api/v1/notifications/"])
def test_a_broken_cursor_is_a_400_on_every_list(personas, api_for, path):
    client = api_for(personas["office"])
    wrong_type = base64.b64encode(b"p=not-a-number").decode()  # decodes; the position is no id
    for cursor in ("%F2%80%AB", "garbage", wrong_type):
        error = error_of(client.get(path, {"cursor": cursor}), 400)
        assert error["code"] == "invalid_cursor" and "cursor" in error["fields"], (path, cursor)


@pytest.mark.django_db
def test_the_next_link_still_pages(personas, api_for):
    client = api_for(personas["admin"])
    first = client.get("/api/v1/regions/divisions/", {"page_size": 2}).json()
    assert first["next"]
    second = client.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 2


@pytest.mark.django_db
def test_an_id_no_route_takes_is_the_api_json_404(personas, api_for, client):
    api = api_for(personas["office"])
    for path in ("/api/v1/delegation/items/1.5/", "/api/v1/delegation/due-recomputations/abc.x/history/",
                 "/api/v1/no-such-app/"):
        assert error_of(api.get(path), 404)["code"] == "not_found", path
    page = client.get("/no-such-page/")  # the site keeps its HTML page
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_404_of_a_division_outside_the_jurisdiction_is_documented(personas, api_for, client):
    from regions.models import Division

    schema = client.get("/api/schema/?format=json").json()["paths"]
    assert "404" in schema["/api/v1/delegation/assignments/catalogue-pdf/"]["get"]["responses"]
    assert "404" in schema["/api/v1/ledger/periods/close/"]["post"]["responses"]

    other_town = Division.objects.get(code="341824101")  # 临溪镇: not clerk_other's
    api = api_for(personas["clerk_other"])
    response = api.get("/api/v1/delegation/assignments/catalogue-pdf/", {"division": other_town.pk})
    assert error_of(response, 404)["code"] == "not_found"
    response = api_for(personas["office"]).post(
        "/api/v1/ledger/periods/close/", {"ledger": "finance", "owner": 10**9, "month": "2026-01"}, format="json")
    assert error_of(response, 404)["code"] == "not_found"


@pytest.mark.django_db
def test_finance_overdue_and_reconciliation_are_documented_as_the_arrays_they_answer(personas, api_for, client):
    import jsonschema_rs

    schema = client.get("/api/schema/?format=json").json()
    office = api_for(personas["office"])
    for path in ("/api/v1/finance/entitlements/overdue/", "/api/v1/finance/entitlements/reconciliation/"):
        body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert body["type"] == "array", (path, body)
        response = office.get(path)
        assert response.status_code == 200
        jsonschema_rs.validate({**body, "components": schema["components"]}, response.json())
    row = schema["components"]["schemas"]["Reconciliation"]["properties"]
    assert set(row) == {"town", "town_name", "owed", "paid", "outstanding", "overdue"}
