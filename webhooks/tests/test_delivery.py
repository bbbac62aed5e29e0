"""Deliveries to a real receiver on 127.0.0.1 (issue 15 §4 done-when): the signature over the
exact body, a retry after a 500 (two Delivery rows, the second succeeded), no delivery outside
the jurisdiction, events emitted once and only after commit, a re-send."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import socket

import pytest
from django.db import transaction

from regions import services as region_services
from regions.models import Membership
from regions.tests.factories import CountyFactory, TownFactory
from webhooks import services, tasks
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Event

from .factories import finding, subscription

D = datetime.date
COUNTY, LINXI, CITY, DONGGUAN = "341824", "341824101", "341800", "441900"


def verify(secret: str, request: dict) -> bool:
    """What a receiver does: recompute the HMAC-SHA256 of the raw body with the shared secret."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Kuoquan-Signature"])


@pytest.fixture
def world(personas, demo):
    superior = personas["superior"]
    other_county = CountyFactory(parent=demo[CITY], name="宣州区")
    dongguan_user = personas["nobody"]
    region_services.membership_grant(user=dongguan_user, division=demo[DONGGUAN], role="superior")
    return {"superior": superior, "demo": demo, "other_county": other_county, "other_town": TownFactory(parent=other_county),
            "dongguan_user": dongguan_user}


@pytest.mark.django_db
def test_signed_delivery_retried_after_500_and_scoped(world, receiver, django_capture_on_commit_callbacks):
    demo, superior = world["demo"], world["superior"]
    mine = subscription(superior, demo[COUNTY], receiver.url("/county"))
    other_county = subscription(superior, world["other_county"], receiver.url("/other-county"))
    other_city = subscription(world["dongguan_user"], demo[DONGGUAN], receiver.url("/dongguan"))
    not_this_type = subscription(superior, demo[CITY], receiver.url("/items"), types=[EventType.ITEM_PUBLISHED])
    receiver.answers = [500]  # the first answer; then 200

    with django_capture_on_commit_callbacks(execute=True):
        f = finding(demo[LINXI])

    event = Event.objects.get()
    assert (event.type, event.key, event.division.code) == ("finding.opened", f"finding.opened:{f.pk}", LINXI)
    hits = receiver.on("/county")
    assert len(hits) == 2, receiver.requests
    assert not receiver.on("/other-county") and not receiver.on("/dongguan") and not receiver.on("/items")
    assert not Delivery.objects.filter(subscription__in=[other_county, other_city, not_this_type]).exists()

    first, second = Delivery.objects.filter(subscription=mine).order_by("attempt")
    assert (first.attempt, first.status, first.response_code) == (1, DeliveryStatus.FAILED, 500)
    assert first.next_retry_at is not None and '"code": 500' in first.response_body
    assert (second.attempt, second.status, second.response_code) == (2, DeliveryStatus.SUCCEEDED, 200)
    assert second.duration_ms is not None and second.sent_at is not None

    for request, delivery in zip(hits, (first, second), strict=True):
        assert verify(mine.secret, request)
        assert not verify(other_county.secret, request)
        assert request["headers"]["X-Kuoquan-Event"] == "finding.opened"
        assert request["headers"]["X-Kuoquan-Delivery"] == str(delivery.pk)
        assert request["headers"]["X-Kuoquan-Signature"] == delivery.signature
    body = receiver.json(hits[0])
    assert body["id"] == str(event.uuid) and body["division"]["code"] == LINXI
    assert body["data"]["description"] == "行权记录未按期备案" and body["object"] == {"kind": "oversight.finding", "id": f.pk}
    assert hits[0]["body"] == hits[1]["body"]  # the same bytes every attempt: one signature to check

    # a re-send is a new delivery of the same event, one attempt, signed the same way
    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_resend(delivery=first, actor=superior)
    again.refresh_from_db()
    assert (again.attempt, again.manual, again.status, again.requested_by) == (3, True, DeliveryStatus.SUCCEEDED, superior)
    assert len(receiver.on("/county")) == 3 and verify(mine.secret, receiver.on("/county")[2])
    assert receiver.on("/county")[2]["headers"]["X-Kuoquan-Delivery"] == str(again.pk)


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(world, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    mine = subscription(world["superior"], world["demo"][COUNTY], receiver.url("/down"))
    receiver.answers = [503, 502, 500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        finding(world["demo"][LINXI])
    rows = list(Delivery.objects.filter(subscription=mine).order_by("attempt").values_list("attempt", "status", "response_code"))
    assert rows == [(1, "failed", 503), (2, "failed", 502), (3, "failed", 500)]
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_rolled_back_transaction_emits_nothing(world, receiver, django_capture_on_commit_callbacks):
    subscription(world["superior"], world["demo"][COUNTY], receiver.url("/county"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            finding(world["demo"][LINXI])
            assert Event.objects.count() == 1  # recorded inside the transaction …
            raise RuntimeError("the service fails after the finding")
    assert Event.objects.count() == 0  # … and gone with it
    assert callbacks == [] and receiver.requests == [] and not Delivery.objects.exists()


@pytest.mark.django_db
def test_not_sent_before_commit(world, receiver, django_capture_on_commit_callbacks):
    subscription(world["superior"], world["demo"][COUNTY], receiver.url("/county"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        finding(world["demo"][LINXI])
    assert receiver.requests == [] and not Delivery.objects.exists() and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the commit
    assert len(receiver.requests) == 1 and Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


@pytest.mark.django_db
def test_each_event_emitted_once(world, receiver, django_capture_on_commit_callbacks):
    mine = subscription(world["superior"], world["demo"][COUNTY], receiver.url("/county"))
    with django_capture_on_commit_callbacks(execute=True):
        f = finding(world["demo"][LINXI])
    with django_capture_on_commit_callbacks(execute=True):
        f.save()  # saved again: the same finding was opened once
        tasks.dispatch_event_task(Event.objects.get().pk)  # a dispatch run twice adds no delivery
        tasks.send_delivery_task.apply(kwargs={"delivery_id": Delivery.objects.get().pk})  # a send run twice
    assert Event.objects.count() == 1
    assert Delivery.objects.filter(subscription=mine).count() == 1 and len(receiver.requests) == 1


@pytest.mark.django_db
def test_owner_who_no_longer_sees_the_town_gets_nothing(world, receiver, django_capture_on_commit_callbacks):
    user = world["dongguan_user"]
    region_services.membership_grant(user=user, division=world["demo"][CITY], role="superior")
    sub = subscription(user, world["demo"][COUNTY], receiver.url("/gone"))
    membership = Membership.objects.get(user=user, division=world["demo"][CITY], is_active=True)
    region_services.membership_revoke(membership=membership, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        finding(world["demo"][LINXI])
    assert receiver.requests == [] and not Delivery.objects.filter(subscription=sub).exists()


@pytest.mark.django_db
def test_deactivated_subscription_is_skipped(world, receiver, django_capture_on_commit_callbacks):
    sub = subscription(world["superior"], world["demo"][COUNTY], receiver.url("/county"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        finding(world["demo"][LINXI])
    for callback in callbacks:  # dispatched: the delivery is pending …
        with django_capture_on_commit_callbacks(execute=False) as sends:
            callback()
    services.subscription_deactivate(subscription=sub, actor=world["superior"])
    for send in sends:  # … and the subscription is stopped before it goes out
        send()
    delivery = Delivery.objects.get(subscription=sub)
    assert delivery.status == DeliveryStatus.SKIPPED and receiver.requests == []


@pytest.mark.django_db
def test_resolved_private_address_refused_at_send_time(world, receiver, settings, django_capture_on_commit_callbacks):
    """A host name is not checked when saved (it may point anywhere later): every address it
    resolves to is checked before each attempt (here it resolves to 10.1.2.3, a private address)."""
    from unittest import mock

    sub = subscription(world["superior"], world["demo"][COUNTY], "http://hooks.intranet.example/x")
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False  # production: nothing inside the machine's networks
    private = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80))]
    with mock.patch("socket.getaddrinfo", return_value=private) as resolve, \
            django_capture_on_commit_callbacks(execute=True):
        finding(world["demo"][LINXI])
    assert resolve.call_args.args[0] == "hooks.intranet.example"
    rows = list(Delivery.objects.filter(subscription=sub).values_list("status", "response_code", "error"))
    assert len(rows) == 5  # every attempt refused (and retried: the name may be fixed meanwhile)
    assert all(status == "failed" and code is None and "内部网络" in error for status, code, error in rows)
    assert receiver.requests == []


@pytest.mark.django_db
def test_worker_retries_with_exponential_backoff(world, receiver, django_capture_on_commit_callbacks):
    """On a worker (not eager) a failure schedules the next attempt's row and retries the task
    with it, 60 s, then 120 s later (Celery's retry with a countdown)."""
    from unittest import mock

    from celery.exceptions import Retry

    mine = subscription(world["superior"], world["demo"][COUNTY], receiver.url("/county"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        finding(world["demo"][LINXI])
    with django_capture_on_commit_callbacks(execute=False):
        callbacks[0]()  # dispatched: attempt 1 pending
    receiver.answers = [500, 500]
    first = Delivery.objects.get(subscription=mine)
    with mock.patch.object(tasks.send_delivery_task, "retry", side_effect=Retry("retry")) as retry:
        with pytest.raises(Retry):
            tasks.send_delivery_task.run(first.pk)  # as a worker runs it: not eager
        second = Delivery.objects.get(subscription=mine, attempt=2)
        retry.assert_called_once_with(kwargs={"delivery_id": second.pk}, countdown=60)
        with pytest.raises(Retry):
            tasks.send_delivery_task.run(second.pk)
        third = Delivery.objects.get(subscription=mine, attempt=3)
        assert retry.call_args == mock.call(kwargs={"delivery_id": third.pk}, countdown=120)
    assert third.status == DeliveryStatus.PENDING and third.next_retry_at > second.created_at
    assert list(Delivery.objects.filter(subscription=mine).order_by("attempt").values_list("status", flat=True)) == [
        "failed", "failed", "pending"]
