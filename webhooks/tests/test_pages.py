"""The pages as the superior department uses them: create a subscription (a bad URL refused on
the form, nothing written), read its secret, see a delivery's answer and re-send it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Event, Subscription


@pytest.mark.django_db
def test_create_read_secret_and_resend(personas, demo, client_for, django_capture_on_commit_callbacks, receiver):
    superior = client_for(personas["superior"])
    form = {"name": "县级订阅", "url": "ftp://hooks.example.org/x", "division": demo["341824"].pk,
            "event_types": [EventType.FINDING_OPENED, EventType.ITEM_PUBLISHED]}
    refused = superior.post(reverse("webhooks:subscription-create"), form)
    assert refused.status_code == 200 and "http:// 或 https://" in refused.content.decode()
    assert not Subscription.objects.exists()
    outside = superior.post(reverse("webhooks:subscription-create"), {**form, "division": demo["441900"].pk,
                                                                      "url": receiver.url("/p")})
    assert outside.status_code == 200 and not Subscription.objects.exists()

    created = superior.post(reverse("webhooks:subscription-create"), {**form, "url": receiver.url("/p")})
    sub = Subscription.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("webhooks:subscription-detail", args=[sub.pk])
    page = superior.get(created["Location"]).content.decode()
    assert sub.secret in page
    assert sub.secret not in client_for(personas["admin"]).get(created["Location"]).content.decode()

    event = Event.objects.create(type=EventType.FINDING_OPENED, key="page-test", object_kind="oversight.finding",
                                 object_id=1, division=demo["341824101"], payload={}, occurred_at=timezone.now())
    failed = Delivery.objects.create(subscription=sub, event=event, attempt=1, status=DeliveryStatus.FAILED,
                                     response_code=500, response_body="内部错误")
    tab = superior.get(created["Location"] + "?tab=deliveries").content.decode()
    assert "内部错误" in tab and f'data-testid="redeliver-{failed.pk}"' in tab
    with django_capture_on_commit_callbacks(execute=True):
        resent = superior.post(reverse("webhooks:delivery-redeliver", args=[failed.pk]))
    assert resent.status_code == 302
    again = Delivery.objects.exclude(pk=failed.pk).get()
    assert (again.attempt, again.manual, again.status, again.response_code) == (2, True, DeliveryStatus.SUCCEEDED, 200)
    assert len(receiver.on("/p")) == 1
    # the clerk of 临溪镇 sees none of it
    assert client_for(personas["clerk_linxi"]).get(created["Location"]).status_code == 404
    assert client_for(personas["clerk_linxi"]).post(reverse("webhooks:delivery-redeliver", args=[failed.pk])).status_code == 404
