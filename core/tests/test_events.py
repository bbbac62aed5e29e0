"""The domain-event registry: explicit publication, handlers in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import transaction

from core import events


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test: the apps' own subscribers (webhooks) left out."""
    monkeypatch.setattr(events, "_handlers", defaultdict(list))


@pytest.fixture
def handler(registry):
    calls = []

    def record(**data):
        calls.append(data)

    record.calls = calls
    return record


def test_publish_calls_subscribers_with_the_data(handler):
    events.subscribe(events.FINDING_OPENED, handler)
    events.subscribe(events.FINDING_OPENED, handler)  # ready() run twice: still one
    events.publish(events.FINDING_OPENED, finding="f1")
    events.publish(events.FINDING_CLOSED, finding="f1")  # another event: not this handler
    assert handler.calls == [{"finding": "f1"}]
    assert events.subscribers(events.FINDING_OPENED).count(handler) == 1


def test_unknown_names_refused(handler):
    with pytest.raises(ValueError, match="unknown domain event"):
        events.publish("item.publishd")
    with pytest.raises(ValueError):
        events.subscribe("nothing", handler)


@pytest.mark.django_db
def test_handler_failure_rolls_back_the_callers_write(registry):
    """Synchronous, in the caller's transaction: a handler that fails undoes the service's write."""
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def boom(**data):
        raise RuntimeError("handler failed")

    events.subscribe(events.ITEM_WITHDRAWN, boom)
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create(username="evt-rolled-back")
        events.publish(events.ITEM_WITHDRAWN, item=None)
    assert not User.objects.filter(username="evt-rolled-back").exists()
