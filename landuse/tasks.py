"""The daily job of landuse (scheduled in settings.CELERY_BEAT_SCHEDULE). Safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import services


@shared_task
def lapse_reservations_task(today: str | None = None) -> int:
    """Release the reservations of projects past their expiry date and mark the projects lapsed;
    a second run the same day changes nothing."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.reservations_lapse_due(today=day)
