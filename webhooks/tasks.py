"""Celery tasks of the webhooks app (enqueued by name after commit: events.emit, services).

- ``dispatch_event_task``: an event's first delivery to each subscription in its scope;
- ``send_delivery_task``: one attempt; after a failure the next attempt's row is written and the
  task retries itself with exponential backoff (``delivery.backoff``: 60 s, 120 s, 240 s …) up to
  ``WEBHOOKS_MAX_ATTEMPTS`` attempts, each logged as its own Delivery;
- ``scan_overdue_task``: the daily scan (beat) for overdue filings and entitlements.

Each is idempotent: a run twice finds its delivery taken or its rows there (unique keys).
"""

from __future__ import annotations

import datetime

from celery import shared_task

from . import delivery, services
from .models import Event

EXACTLY_ONCE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**EXACTLY_ONCE)
def dispatch_event_task(event_id: int) -> int:
    """How many deliveries the event got."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:  # not committed after all (the caller's transaction was rolled back)
        return 0
    return len(services.event_dispatch(event=event))


@shared_task(bind=True, max_retries=None, **EXACTLY_ONCE)
def send_delivery_task(self, delivery_id: int) -> str:
    """Send one delivery; after a failure write the next attempt's row and retry with it, after
    ``delivery.backoff(attempt)`` seconds. Run eagerly (tests, a laptop without a broker) the
    next attempt follows at once. The last delivery's status."""
    while True:
        done = delivery.attempt(delivery_id)
        if done is None:
            return "taken"
        scheduled = delivery.schedule_retry(done) if delivery.retry_due(done) else None
        if scheduled is None:
            return done.status
        following, countdown = scheduled
        if not self.request.is_eager:
            raise self.retry(kwargs={"delivery_id": following.pk}, countdown=countdown)
        delivery_id = following.pk


@shared_task(**EXACTLY_ONCE)
def scan_overdue_task(today: str | None = None) -> dict[str, int]:
    """The daily scan (settings.CELERY_BEAT_SCHEDULE "webhooks-overdue-scan")."""
    return services.overdue_scan(today=datetime.date.fromisoformat(today) if today else None)
