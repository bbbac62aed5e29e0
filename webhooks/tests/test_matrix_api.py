"""The persona matrix over the webhooks API (core.testing ScopedAPICases). A subscription is its
owner's: the superior department (宣城市) reads and writes its own, within its jurisdiction; the
other personas get 404 on it (and 403 on any write: their roles subscribe to nothing); the row
of 东莞市 belongs to a superior of 东莞 that no persona is. DELETE is 405: deactivate instead."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.testing.cases import ScopedAPICases
from core.testing.personas import CITY, ELSEWHERE_CITY
from regions import services as region_services
from regions.models import Membership
from webhooks import services
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Event

serial = itertools.count(1)


def owner_for(m, division):
    """The persona ``superior`` in 宣城市; elsewhere a superior department of that city."""
    if division.code == CITY:
        return m.users["superior"]
    user, _ = get_user_model().objects.get_or_create(username=f"superior-{division.code}")
    if not Membership.objects.filter(user=user, division=division, is_active=True).exists():
        region_services.membership_grant(user=user, division=division, role="superior")
    return user


def make_subscription(division, m):
    owner = owner_for(m, division)
    return services.subscription_create(actor=owner, name=f"订阅{next(serial)}", url="https://hooks.example.org/kq",
                                        division=division, event_types=[EventType.FINDING_OPENED])


def make_delivery(division, m):
    sub = make_subscription(division, m)
    n = next(serial)
    event = Event.objects.create(type=EventType.FINDING_OPENED, key=f"test:{n}", object_kind="oversight.finding",
                                 object_id=n, division=division, payload={"n": n}, occurred_at=timezone.now())
    return Delivery.objects.create(subscription=sub, event=event, attempt=1, status=DeliveryStatus.FAILED,
                                   response_code=500, response_body="oops")


class _Owned:
    home, away = CITY, ELSEWHERE_CITY
    read_roles = write_roles = frozenset({"superior"})


class TestSubscriptionAPI(_Owned, ScopedAPICases):
    basename = "webhooks-api:subscription"
    detail_gets = ("history",)
    update = {"name": "改名后的订阅"}
    actions = {"deactivate": {}, "rotate-secret": {}}
    query_budget = 4

    def make(self, division, m):
        return make_subscription(division, m)

    def create_payload(self, m, division):
        return {"name": f"新订阅{next(serial)}", "url": "https://hooks.example.org/new", "division": division.pk,
                "event_types": [EventType.ITEM_PUBLISHED, EventType.RECORD_OVERDUE]}


class TestDeliveryAPI(_Owned, ScopedAPICases):
    basename = "webhooks-api:delivery"
    detail_gets = ("history",)
    actions = {"redeliver": {}}
    query_budget = 4

    def make(self, division, m):
        return make_delivery(division, m)
