"""Helpers of delegation's API tests (test_api_*.py): the URLs, reading a cursor-paginated list,
asserting a refusal's JSON, a valid exercise-record payload. The ``catalogue`` fixture (the demo
hierarchy plus the demo catalogue: 绩溪县 → 临溪镇, five published items of which four are taken
over, one cross-town item, one draft, five exercise records) is in conftest.py."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.testing.http import assert_error, collect  # noqa: F401  (re-exported to the split test modules)
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


