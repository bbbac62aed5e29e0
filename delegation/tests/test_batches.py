"""Batches (批次): create, publish draft items into an open batch (they take its effective date),
publish the batch (document number and date; closed afterwards) — services, pages and API.

Before: no page or API step created or published a batch, the only batch offered was the 2010
one, and an item published today was logged as effective 2010-01-01.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.history import history_for
from delegation import services
from delegation.choices import BatchState, ItemStatus
from delegation.models import Batch, Item, ItemStatusChange
from regions.models import Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

API = "/api/v1/delegation/batches/"
COUNTY = "341824"


@pytest.fixture
def catalogue(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    return {
        "county": Division.objects.get(code=COUNTY),
        "old": Batch.objects.get(code="JX-2010-01"),
        "current": Batch.objects.get(code="JX-2027-01"),
        "draft": Item.objects.get(code="JX-AJJ-001"),
    }


def new_draft(code="JX-AJJ-010"):
    department = Item.objects.get(code="JX-AJJ-001").department
    return services.item_create(code=code, name=f"测试事项{code}", category="licensing", department=department,
                                legal_basis="《安全生产法》", route_before_approval="县安监局",
                                route_after_approval="临溪镇人民政府")


def log(item):
    return list(ItemStatusChange.objects.filter(item=item).order_by("id").values_list("to_status", "effective_on"))


# --- demo data --------------------------------------------------------------------------------
def test_demo_has_a_closed_2010_batch_and_an_open_current_one(catalogue):
    today = timezone.localdate()
    assert catalogue["old"].published_on == datetime.date(2009, 12, 28)
    assert catalogue["old"].state(today) == BatchState.IN_FORCE
    assert catalogue["current"].is_open and catalogue["current"].effective_on > today
    assert catalogue["current"].state(today) == BatchState.OPEN


# --- services ---------------------------------------------------------------------------------
def test_an_item_published_today_takes_the_batch_effective_date(catalogue, personas):
    office, current = personas["office"], catalogue["current"]
    item = services.item_publish(item=catalogue["draft"], batch=current, actor=office)
    assert item.status == ItemStatus.PUBLISHED and item.batch == current
    assert log(item) == [(ItemStatus.PUBLISHED, timezone.localdate())]
    # The nightly task brings it into force on the batch's date, not 2010-01-01.
    assert item in services.items_due_in_force(today=current.effective_on)
    assert item not in services.items_due_in_force(today=current.effective_on - datetime.timedelta(days=1))


def test_a_published_batch_takes_no_new_items(catalogue, personas):
    with pytest.raises(ConflictError) as refused:
        services.item_publish(item=catalogue["draft"], batch=catalogue["old"], actor=personas["office"])
    assert refused.value.code == "batch_closed"
    assert "已于2009-12-28公布" in refused.value.message and "新建批次" in refused.value.message
    draft = Item.objects.get(pk=catalogue["draft"].pk)
    assert draft.status == ItemStatus.DRAFT and draft.batch_id is None and log(draft) == []


def test_batch_publish_dates_and_numbers_the_batch_and_closes_it(catalogue, personas):
    office, current = personas["office"], catalogue["current"]
    with pytest.raises(ApplicationError) as empty:
        services.batch_publish(batch=current, actor=office, document_number="绩政〔2026〕30号")
    assert empty.value.code == "batch_empty"

    with pytest.raises(ApplicationError) as no_number:  # all or nothing: the item stays a draft
        services.batch_publish(batch=current, actor=office, items=[catalogue["draft"]])
    assert "document_number" in no_number.value.extra
    assert Item.objects.get(pk=catalogue["draft"].pk).status == ItemStatus.DRAFT

    with pytest.raises(ApplicationError) as future:
        services.batch_publish(batch=current, actor=office, document_number="绩政〔2026〕30号",
                               published_on=timezone.localdate() + datetime.timedelta(days=1), items=[catalogue["draft"]])
    assert "published_on" in future.value.extra

    batch = services.batch_publish(batch=current, actor=office, document_number="绩政〔2026〕30号",
                                   items=[catalogue["draft"]])
    assert batch.published_on == timezone.localdate() and batch.document_number == "绩政〔2026〕30号"
    assert batch.state(timezone.localdate()) == BatchState.PUBLISHED
    assert Item.objects.get(pk=catalogue["draft"].pk).status == ItemStatus.PUBLISHED
    with pytest.raises(ConflictError) as again:
        services.batch_publish(batch=batch, actor=office, document_number="x")
    assert again.value.code == "batch_closed"
    with pytest.raises(ConflictError):
        services.item_publish(item=new_draft(), batch=batch, actor=office)
    # Recorded in the history, by the office.
    assert any(row["user"] == "office" and "published_on" in row["changes"] for row in history_for(batch))


def test_a_batch_entered_after_the_fact_cannot_be_dated_after_its_effective_date(catalogue, personas):
    office = personas["office"]
    batch = services.batch_create(division=catalogue["county"], code="JX-2020-01", name="补录批次",
                                  effective_on=datetime.date(2020, 1, 1), actor=office)
    item = services.item_publish(item=new_draft(), batch=batch, actor=office)
    assert item.status == ItemStatus.IN_FORCE and log(item)[-1] == (ItemStatus.IN_FORCE, datetime.date(2020, 1, 1))
    with pytest.raises(ApplicationError) as late:
        services.batch_publish(batch=batch, actor=office, document_number="绩政〔2019〕1号")  # today > 2020-01-01
    assert "不能晚于施行日期" in late.value.extra["published_on"][0]
    batch = services.batch_publish(batch=batch, actor=office, document_number="绩政〔2019〕1号",
                                   published_on=datetime.date(2019, 12, 20))
    assert batch.published_on == datetime.date(2019, 12, 20)


def test_batch_code_taken_is_a_clear_message(catalogue, personas):
    with pytest.raises(ConflictError) as taken:
        services.batch_create(division=catalogue["county"], code="JX-2010-01", name="重复",
                              effective_on=datetime.date(2027, 6, 1), actor=personas["office"])
    assert "已被使用" in taken.value.message


# --- pages ------------------------------------------------------------------------------------
def test_office_creates_fills_and_publishes_a_batch_in_the_browser_pages(client_for, personas, catalogue):
    c = client_for(personas["office"])
    listing = c.get(reverse("delegation:batch-list"))
    assert listing.status_code == 200 and listing.context["can_create"]
    states = {b.code: b.state_label for b in listing.context["object_list"]}
    assert states == {"JX-2010-01": "已施行", "JX-2027-01": "待公布"}  # not 东莞's batch

    response = c.post(reverse("delegation:batch-create"), {
        "division": catalogue["county"].pk, "code": "JX-2027-02", "name": "绩溪县向临溪镇下放第三批行政管理事项",
        "effective_on": "2027-03-01",
    })
    batch = Batch.objects.get(code="JX-2027-02")
    assert response.status_code == 302 and response["Location"] == reverse("delegation:batch-detail", args=[batch.pk])

    page = c.get(response["Location"])
    assert page.status_code == 200 and page.context["can_change"]
    assert list(page.context["add_form"].fields["items"].queryset) == [catalogue["draft"]]
    c.post(reverse("delegation:batch-add-items", args=[batch.pk]), {"items": [catalogue["draft"].pk]})
    item = Item.objects.get(pk=catalogue["draft"].pk)
    assert item.status == ItemStatus.PUBLISHED and item.batch == batch

    # No document number: refused with the reason, nothing published.
    refused = c.post(reverse("delegation:batch-publish", args=[batch.pk]), {}, follow=True)
    assert "公布批次须填写文号" in refused.content.decode()
    assert Batch.objects.get(pk=batch.pk).is_open
    done = c.post(reverse("delegation:batch-publish", args=[batch.pk]), {"document_number": "绩政〔2026〕31号"},
                  follow=True)
    assert "已公布" in done.content.decode()
    batch.refresh_from_db()
    assert batch.published_on == timezone.localdate() and batch.document_number == "绩政〔2026〕31号"
    page = c.get(reverse("delegation:batch-detail", args=[batch.pk]))
    assert not page.context["can_change"] and [i.code for i in page.context["items"]] == ["JX-AJJ-001"]
    assert c.get(reverse("delegation:batch-detail", args=[batch.pk]), {"tab": "history"}).status_code == 200


def test_item_page_offers_only_open_batches_and_refuses_a_closed_one(client_for, personas, catalogue):
    c = client_for(personas["office"])
    draft = catalogue["draft"]
    page = c.get(reverse("delegation:item-detail", args=[draft.pk]))
    assert list(page.context["publish_form"].fields["batch"].queryset) == [catalogue["current"]]
    html = page.content.decode()
    assert "绩溪县向临溪镇下放第二批行政管理事项（施行 2027-01-01）" in html
    assert f'<option value="{catalogue["old"].pk}"' not in html
    # Posting the closed 2010 batch anyway: a clear message, the item stays a draft.
    response = c.post(reverse("delegation:item-publish", args=[draft.pk]), {"batch": catalogue["old"].pk}, follow=True)
    assert "该批次已公布或不在您的管辖范围内" in response.content.decode()
    assert Item.objects.get(pk=draft.pk).status == ItemStatus.DRAFT


def test_batch_pages_per_persona(client_for, personas, catalogue):
    current = catalogue["current"]
    dongguan = Batch.objects.get(code="DG-2009-01")
    clerk = client_for(personas["clerk_linxi"])
    listing = clerk.get(reverse("delegation:batch-list"))
    assert listing.status_code == 200 and not listing.context["can_create"]  # the county's batches, read only
    assert clerk.get(reverse("delegation:batch-detail", args=[current.pk])).context["can_change"] is False
    assert clerk.get(reverse("delegation:batch-create")).status_code == 403
    assert clerk.post(reverse("delegation:batch-publish", args=[current.pk]), {"document_number": "x"}).status_code == 403
    assert Batch.objects.get(pk=current.pk).is_open
    office = client_for(personas["office"])
    assert office.get(reverse("delegation:batch-detail", args=[dongguan.pk])).status_code == 404
    assert office.post(reverse("delegation:batch-publish", args=[dongguan.pk]), {}).status_code == 404
    nav = office.get(reverse("delegation:item-list")).content.decode()
    assert reverse("delegation:batch-list") in nav


# --- API --------------------------------------------------------------------------------------
def test_batch_workflow_through_the_api(api_for, personas, catalogue):
    office = api_for(personas["office"])
    created = office.post(API, {"division": catalogue["county"].pk, "code": "JX-2027-05", "name": "第五批",
                                "effective_on": "2027-05-01"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "open" and body["state_display"] == "待公布" and body["published_on"] is None
    url = f"{API}{body['id']}/"
    taken = office.post(API, {"division": catalogue["county"].pk, "code": "JX-2027-05", "name": "x",
                              "effective_on": "2027-05-01"}, format="json")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "batch_code_taken"

    # Only drafts the caller writes: an item in force is refused by id, nothing is published.
    in_force = Item.objects.get(code="JX-FGW-001")
    bad = office.post(f"{url}add-items/", {"items": [catalogue["draft"].pk, in_force.pk]}, format="json")
    assert bad.status_code == 400 and "items" in bad.json()["error"]["fields"]
    assert Item.objects.get(pk=catalogue["draft"].pk).status == ItemStatus.DRAFT
    assert office.post(f"{url}add-items/", {"items": [catalogue["draft"].pk]}, format="json").status_code == 200
    assert [i["code"] for i in office.get(f"{url}items/").json()] == ["JX-AJJ-001"]

    published = office.post(f"{url}publish/", {"document_number": "绩政〔2026〕40号"}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "published" and published.json()["published_on"] == str(timezone.localdate())
    again = office.post(f"{url}publish/", {"document_number": "绩政〔2026〕40号"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "batch_closed"

    # The same FilterSet as the page.
    assert {b["code"] for b in office.get(API, {"state": "open"}).json()["results"]} == {"JX-2027-01"}
    assert {b["code"] for b in office.get(API, {"state": "in_force"}).json()["results"]} == {"JX-2010-01"}
    assert office.get(API, {"state": "nonsense"}).status_code == 400


def test_batch_api_refusals(api_for, personas, catalogue):
    current = catalogue["current"]
    clerk = api_for(personas["clerk_linxi"])
    assert clerk.get(f"{API}{current.pk}/").status_code == 200
    assert clerk.post(f"{API}{current.pk}/publish/", {"document_number": "x"}, format="json").status_code == 403
    dongguan = Batch.objects.get(code="DG-2009-01")
    assert api_for(personas["office"]).post(f"{API}{dongguan.pk}/publish/", {}, format="json").status_code == 404
    assert Batch.objects.get(pk=current.pk).is_open
