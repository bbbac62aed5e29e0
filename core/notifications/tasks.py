"""The daily notification job (settings.CELERY_BEAT_SCHEDULE) and the mailing after commit."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import services


@shared_task
def run_daily_task(today: str | None = None) -> dict[str, int]:
    """Every registered producer; run twice on the same day it writes nothing the second time."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.notifications_run_daily(day=day)


# ignore_result: nobody reads the count, and a result backend on a Redis that is down would
# block the sender about 20 s before failing.
@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5, ignore_result=True)
def email_notifications_task(ids: list[int] | None = None) -> int:
    """Mail the given notices (not yet mailed), or without ids every one not mailed yet (beat);
    an SMTP failure retries, a mailed one is skipped."""
    return services.notifications_email(ids=ids)
