"""Which saves are events, and the daily scan: an item published / withdrawn (the county's
catalogue), overdue filings emitted once by the scan (as each owner sees them), the demo."""

from __future__ import annotations

import datetime

import pytest

from delegation import services as delegation_services
from delegation.tests.factories import ExerciseRecordFactory, ItemFactory, future_batch
from regions.tests.factories import DepartmentFactory
from webhooks import services
from webhooks.choices import DeliveryStatus, EventType
from webhooks.demo import load_demo_webhooks
from webhooks.models import Delivery, Event, Subscription

from .factories import subscription

D = datetime.date


@pytest.mark.django_db
def test_item_published_and_withdrawn(personas, demo, receiver, django_capture_on_commit_callbacks):
    county = demo["341824"]
    sub = subscription(personas["superior"], demo["341800"], receiver.url("/items"),
                       types=[EventType.ITEM_PUBLISHED, EventType.ITEM_WITHDRAWN])
    item = ItemFactory(department=DepartmentFactory(division=county))  # a draft: no event
    assert not Event.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        item = delegation_services.item_publish(item=item, batch=future_batch(division=county), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        delegation_services.item_update(item=item, actor=None, name=item.name + "（修订）")  # no second publication
    with django_capture_on_commit_callbacks(execute=True):
        delegation_services.item_withdraw(item=item, actor=None, reason="调整下放")
    assert list(Event.objects.order_by("id").values_list("type", "division__code")) == [
        ("item.published", "341824"), ("item.withdrawn", "341824")]
    assert [receiver.json(r)["type"] for r in receiver.on("/items")] == ["item.published", "item.withdrawn"]
    assert Delivery.objects.filter(subscription=sub, status=DeliveryStatus.SUCCEEDED).count() == 2


def test_subscribed_to_every_domain_event():
    from core import events as domain_events
    from webhooks import events

    assert events.item_published in domain_events.subscribers(domain_events.ITEM_PUBLISHED)
    assert events.finding_closed in domain_events.subscribers(domain_events.FINDING_CLOSED)
    assert all(domain_events.subscribers(name) for name in domain_events.NAMES)


@pytest.mark.django_db
def test_only_the_services_emit(demo, django_capture_on_commit_callbacks):
    """A row saved outside the services (admin, shell, a migration) is no event: the services
    publish their domain events explicitly (core/events.py), there is no post_save behind them."""
    from delegation.choices import ItemStatus
    from delegation.models import Item
    from oversight.choices import FindingState

    from .factories import finding

    county = demo["341824"]
    with django_capture_on_commit_callbacks(execute=True):
        item = ItemFactory(department=DepartmentFactory(division=county))
        item.status = ItemStatus.PUBLISHED
        item.save()  # published by hand
        Item.objects.filter(pk=item.pk).update(status=ItemStatus.WITHDRAWN)
        item.refresh_from_db()
        item.save()  # withdrawn by hand
    assert not Event.objects.exists()
    other = ItemFactory(department=DepartmentFactory(division=county))
    with django_capture_on_commit_callbacks(execute=True):
        delegation_services.item_publish(item=other, batch=future_batch(division=county), actor=None)
    assert list(Event.objects.values_list("type", "object_id")) == [("item.published", other.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        f = finding(demo["341824101"])  # through the service: opened
        f.state, f.accepted_on, f.closed_on = FindingState.CLOSED, D(2026, 1, 25), D(2026, 1, 28)
        f.save()  # closed by hand: no close-out event
    assert sorted(Event.objects.values_list("type", flat=True)) == ["finding.opened", "item.published"]


@pytest.mark.django_db
def test_overdue_scan_emits_each_record_once(personas, receiver, django_capture_on_commit_callbacks):
    record = ExerciseRecordFactory()  # decided 2025-03-10, filing due a month later, unfiled
    old = ExerciseRecordFactory(division=record.division, item=record.item, decided_on=D(2024, 6, 3),
                                received_on=D(2024, 6, 1))
    county = record.division.parent
    sub = subscription(personas["admin"], county, receiver.url("/overdue"), types=[EventType.RECORD_OVERDUE])
    today = record.filing_due_on + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.overdue_scan(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.overdue_scan(today=today + datetime.timedelta(days=1))
    assert first["record.overdue"] == 1 and second["record.overdue"] == 0  # the old one is past the lookback
    event = Event.objects.get(type=EventType.RECORD_OVERDUE)
    assert event.key == f"record.overdue:{record.pk}" and event.division == record.division
    assert event.payload["days_overdue"] == 10 and event.payload["decision_number"] == record.decision_number
    assert not Event.objects.filter(key=f"record.overdue:{old.pk}").exists()
    assert len(receiver.on("/overdue")) == 1 and Delivery.objects.get(subscription=sub).succeeded


@pytest.mark.django_db
def test_demo_subscription_once(personas):
    assert load_demo_webhooks() is True
    assert load_demo_webhooks() is False
    sub = Subscription.objects.get()
    assert sub.owner.username == "superior" and sub.division.code == "341824"
    assert set(sub.event_types) == set(EventType.values) and sub.is_active


@pytest.mark.django_db
def test_overdue_entitlement_emitted_once(personas, demo, receiver, django_capture_on_commit_callbacks):
    """The finance demo's 2013 settlement of 临溪镇 is owed and unpaid past its due date."""
    from finance.demo import load_demo_finance
    from finance.selectors import entitlement_overdue_list

    load_demo_finance()
    owed = {e.pk for e in entitlement_overdue_list()}
    assert owed
    mine = subscription(personas["superior"], demo["341824"], receiver.url("/money"),
                        types=[EventType.ENTITLEMENT_OVERDUE])
    elsewhere = subscription(personas["superior"], demo["341824100"], receiver.url("/huayang"),
                             types=[EventType.ENTITLEMENT_OVERDUE])  # 华阳镇: not the town owed
    with django_capture_on_commit_callbacks(execute=True):
        first = services.overdue_scan()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.overdue_scan()
    assert first["entitlement.overdue"] == len(owed) and second["entitlement.overdue"] == 0
    events = Event.objects.filter(type=EventType.ENTITLEMENT_OVERDUE)
    assert {e.object_id for e in events} == owed
    assert {(e.division.code, e.payload["month"]) for e in events} == {("341824101", "2013-12-01")}
    assert len(receiver.on("/money")) == len(owed) and not receiver.on("/huayang")
    assert Delivery.objects.filter(subscription=mine, status=DeliveryStatus.SUCCEEDED).count() == len(owed)
    assert not Delivery.objects.filter(subscription=elsewhere).exists()


@pytest.mark.django_db
def test_finding_closed_once(personas, demo, receiver, django_capture_on_commit_callbacks):
    """Opened when recorded, closed when closed out (销号); a reply or an acceptance is no event."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight import services as oversight_services

    from .factories import finding

    sub = subscription(personas["superior"], demo["341824"], receiver.url("/f"),
                       types=[EventType.FINDING_OPENED, EventType.FINDING_CLOSED])
    pdf = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        f = finding(demo["341824101"])
        oversight_services.finding_reply(finding=f, text="已补报备案", submitted_on=D(2026, 1, 20), evidence=[pdf],
                                         actor=None)
        f = oversight_services.finding_accept(finding=f, on=D(2026, 1, 25), actor=None)
        f = oversight_services.finding_close(finding=f, on=D(2026, 1, 28), actor=None)
        f.save()  # saved again when closed: still one close-out
    assert [receiver.json(r)["type"] for r in receiver.on("/f")] == ["finding.opened", "finding.closed"]
    closed = Event.objects.get(type=EventType.FINDING_CLOSED)
    assert closed.payload["closed_on"] == "2026-01-28" and closed.payload["state"] == "closed"
    assert Delivery.objects.filter(subscription=sub).count() == 2


@pytest.mark.django_db
def test_supervision_report_published_once(personas, demo, receiver, django_capture_on_commit_callbacks):
    """oversight's written report is published when its PDF is generated (state "done")."""
    from django.utils import timezone

    from oversight.models import Supervision, SupervisionReport
    from oversight.services_supervision import report_complete

    from .factories import group_of

    sub = subscription(personas["superior"], demo["341800"], receiver.url("/r"), types=[EventType.REPORT_PUBLISHED])
    supervision = Supervision.objects.create(group=group_of(demo["341824"]), year=2026, half=1,
                                             title="2026年上半年综合督查", opened_on=D(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        report = SupervisionReport.objects.create(supervision=supervision, version=1, as_of=D(2026, 6, 30))
        assert not Event.objects.exists()  # pending: not published yet
        by_hand = SupervisionReport.objects.create(supervision=supervision, version=2, as_of=D(2026, 6, 30))
        by_hand.state, by_hand.pdf, by_hand.generated_at, by_hand.pages = "done", "oversight/y.pdf", timezone.now(), 4
        by_hand.save()  # a row saved outside the service is no event (no post_save control flow)
        assert not Event.objects.exists()
        report_complete(report=report, pdf=b"%PDF-1.4 test", figures={}, pages=4)
    with django_capture_on_commit_callbacks(execute=True):
        report_complete(report=SupervisionReport.objects.get(pk=report.pk), pdf=b"%PDF-1.4 test", figures={}, pages=4)
    event = Event.objects.get()
    assert (event.type, event.division.code, event.payload["version"], event.payload["pages"]) == (
        "report.published", "341824", 1, 4)
    assert [receiver.json(r)["type"] for r in receiver.on("/r")] == ["report.published"]
    assert Delivery.objects.get(subscription=sub).succeeded
