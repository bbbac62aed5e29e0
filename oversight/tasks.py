"""Oversight's scheduled work (settings.CELERY_BEAT_SCHEDULE). Exactly once in effect: the unique
key of the monthly meeting makes a second run (beat firing twice, a retry, a worker killed and
the message redelivered through acks_late/reject_on_worker_lost) a no-op."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import selectors, services

EXACTLY_ONCE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(bind=True, **EXACTLY_ONCE)
def create_monthly_meetings_task(self, month: str | None = None) -> int:
    """On the 1st: enqueue the preparation of this month's meeting for every active leading group
    (after commit: nothing is read before it exists), on the queue this job came from. How many
    were enqueued."""
    day = datetime.date.fromisoformat(month) if month else timezone.localdate()
    first = day.replace(day=1).isoformat()
    queue = (self.request.delivery_info or {}).get("routing_key")
    options = {"queue": queue} if queue else {}
    ids = list(selectors.active_groups().order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        for group_id in ids:
            transaction.on_commit(
                lambda g=group_id: prepare_monthly_meeting_task.apply_async(args=[g, first], **options))
    return len(ids)


@shared_task(**EXACTLY_ONCE)
def prepare_monthly_meeting_task(group_id: int, month: str, today: str | None = None) -> int:
    """One group's monthly meeting with its agenda (services.monthly_meeting_prepare); the meeting's id."""
    group = selectors.active_groups().get(pk=group_id)
    day = datetime.date.fromisoformat(today) if today else None
    return services.monthly_meeting_prepare(group=group, month=datetime.date.fromisoformat(month), today=day).pk
