"""The persona matrix over the webhooks pages (core.testing ScopedPageCases): the list of the
user's subscriptions, a subscription with its deliveries and history, create / edit /
deactivate / new secret for its owner (the superior department), re-send of a delivery; 404 for
everyone else who is signed in, 403 on the create form for roles that subscribe to nothing."""

from __future__ import annotations

import itertools

from core.testing.cases import ScopedPageCases
from webhooks.choices import EventType

from .test_matrix_api import _Owned, make_delivery, make_subscription

serial = itertools.count(1)


class TestSubscriptionPages(_Owned, ScopedPageCases):
    list_name = "webhooks:index"
    detail_name = "webhooks:subscription-detail"
    detail_queries = ({"tab": "deliveries"}, {"tab": "history"})
    edit_names = ("webhooks:subscription-edit",)
    edit_payload = staticmethod(lambda m: {"name": f"改名{next(serial)}", "url": "https://hooks.example.org/kq2",
                                           "division": m.home.pk, "event_types": [EventType.FINDING_CLOSED]})
    actions = {"webhooks:subscription-deactivate": {}, "webhooks:subscription-rotate-secret": {}}
    create_name = "webhooks:subscription-create"
    query_budget = 10  # 7, and the header's calendar on a first request

    def make(self, division, m):
        return make_subscription(division, m)

    def create_payload(self, m, division):
        return {"name": f"新订阅{next(serial)}", "url": "https://hooks.example.org/new", "division": division.pk,
                "event_types": [EventType.ITEM_PUBLISHED]}


class TestDeliveryPages(_Owned, ScopedPageCases):
    actions = {"webhooks:delivery-redeliver": {}}

    def make(self, division, m):
        return make_delivery(division, m)
