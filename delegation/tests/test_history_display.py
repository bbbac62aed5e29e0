"""The history tab in words (issue 6 §3): field names, related rows by name, choice labels and
local times, from one implementation (core.history.describe_history) on every detail page.

Before: ``updated_by_id: — → 1``, ``batch_id: — → 3``, ``status: draft → published`` and ISO
timestamps in UTC.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.history import describe_history, history_for
from delegation import services
from delegation.models import Batch, Item
from regions.models import Department

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)


@pytest.fixture
def catalogue(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()


def test_item_history_names_fields_rows_and_labels(client_for, personas, catalogue):
    office = personas["office"]
    office.first_name, office.last_name = "办公室", "王"
    office.save()
    item = Item.objects.get(code="JX-AJJ-001")
    batch = Batch.objects.get(code="JX-2027-01")
    services.item_publish(item=item, batch=batch, actor=office)
    page = client_for(office).get(reverse("delegation:item-detail", args=[item.pk]), {"tab": "history"})
    html = page.content.decode()
    rows = page.context["history"]
    updates = [c for row in rows if row["label"] == "update" for c in row["display"]]
    assert {"label": "批次", "before": "—", "after": batch.name} in [
        {k: c[k] for k in ("label", "before", "after")} for c in updates]
    assert {"label": "状态", "before": "草稿", "after": "已公布"} in [
        {k: c[k] for k in ("label", "before", "after")} for c in updates]
    assert {"label": "最后修改人", "after": office.get_full_name()} in [{k: c[k] for k in ("label", "after")} for c in updates]
    for raw in ("batch_id", "updated_by_id", "draft → published", "published_on"):
        assert raw not in html
    assert "批次" in html and batch.name in html and "草稿" in html


def test_user_and_local_time_in_words(personas, catalogue):
    office = personas["office"]
    department = Department.objects.get(code="341824-FGW")
    moment = datetime.datetime(2026, 12, 1, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 2 Dec in Shanghai
    row = {"label": "update", "changes": {
        "updated_by_id": {"before": None, "after": office.pk},
        "is_active": {"before": True, "after": False},
        "updated_at": {"before": "2026-11-30T01:00:00+00:00", "after": moment.isoformat()},
    }, "data": {}}
    (described,) = describe_history(Department, [row])
    display = {c["field"]: c for c in described["display"]}
    assert display["updated_by_id"]["label"] == "最后修改人"
    assert display["updated_by_id"]["after"] == (office.get_full_name() or office.get_username())
    assert display["updated_by_id"]["before"] == "—"
    assert display["is_active"] == {"field": "is_active", "label": "在用", "before": "是", "after": "否"}
    assert "updated_at" not in display  # the row's own time column says it
    # A timestamp field is shown in Asia/Shanghai, not as ISO UTC.
    from core.importing.models import ImportJob

    job_row = {"label": "update", "changes": {"finished_at": {"before": None, "after": moment.isoformat()}}, "data": {}}
    (job,) = describe_history(ImportJob, [job_row])
    assert job["display"][0]["after"] == "2026-12-02 00:30"
    assert timezone.localtime(moment, ZoneInfo("Asia/Shanghai")).day == 2
    assert history_for(department)  # the raw rows (API) keep their structure


def test_every_detail_page_uses_it(client_for, personas, catalogue):
    c = client_for(personas["office"])
    # Dates before today, the filing within its deadline whatever today is (a fixed 2026-11 date
    # became a late entry needing a receipt once December came).
    today = timezone.localdate()
    received, decided, filed = today - datetime.timedelta(days=6), today - datetime.timedelta(days=5), today
    record = services.exercise_record_create(
        actor=personas["office"], division=Item.objects.get(code="JX-FGW-001").assignments.first().division,
        item=Item.objects.get(code="JX-FGW-001"), applicant="某公司", received_on=received,
        decided_on=decided, outcome="approved", decision_number="临政备〔2026〕88号",
    )
    services.exercise_record_file(record=record, filed_on=filed, actor=personas["office"])
    department = Department.objects.get(code="341824-FGW")
    pages = [
        reverse("delegation:record-detail", args=[record.pk]),
        reverse("delegation:item-detail", args=[record.item_id]),
        reverse("delegation:batch-detail", args=[Batch.objects.get(code="JX-2010-01").pk]),
        reverse("regions:department-detail", args=[department.pk]),
    ]
    for url in pages:
        response = c.get(url, {"tab": "history"})
        assert response.status_code == 200, url
        assert all("display" in row for row in response.context["history"]), url
    html = c.get(pages[0], {"tab": "history"}).content.decode()
    assert "备案日期" in html and filed.isoformat() in html and "filed_on" not in html
    assert "办理结果" in html and "准予" in html  # an insert lists its values, choices by label
