"""Helpers of delegation's API tests (test_api_*.py): the URLs, reading a cursor-paginated list,
asserting a refusal's JSON, a valid exercise-record payload. The ``catalogue`` fixture (the demo
hierarchy plus the demo catalogue: 绩溪县 → 临溪镇, five published items of which four are taken
over, one cross-town item, one draft, five exercise records) is in conftest.py."""

from __future__ import annotations

import datetime

from django.utils import timezone

from delegation.choices import Outcome

API = "/api/v1/delegation"
RECORDS = f"{API}/exercise-records/"
ITEMS = f"{API}/items/"
ASSIGNMENTS = f"{API}/assignments/"
AGREEMENTS = f"{API}/agreements/"
BATCHES = f"{API}/batches/"
TRAININGS = f"{API}/trainings/"
LISTS = [RECORDS, ITEMS, ASSIGNMENTS, AGREEMENTS, BATCHES, TRAININGS]

LINXI, HUAYANG, JIXI, SHILONG = "341824101", "341824100", "341824", "441900102"


def collect(client, url: str) -> list[dict]:
    """Every row of a cursor-paginated list, following ``next``."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        url = body["next"]
    return rows


def assert_error(response, status, code: str | None = None) -> dict:
    """A refusal: the status and a JSON body {"error": {"code", "message", ...}}; returns the error."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error
    return error


def record_payload(catalogue, *, item="JX-FGW-001", division=None, decided_on=None, **extra) -> dict:
    decided_on = decided_on or timezone.localdate() - datetime.timedelta(days=3)
    return {
        "division": (division or catalogue["linxi"]).pk,
        "item": catalogue["items"][item].pk,
        "applicant": "临溪镇某企业",
        "received_on": (decided_on - datetime.timedelta(days=2)).isoformat(),
        "decided_on": decided_on.isoformat(),
        "outcome": Outcome.APPROVED,
        "decision_number": "临政备〔2026〕99号",
        **extra,
    }


