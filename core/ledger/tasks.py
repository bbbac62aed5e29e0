"""Daily jobs of the ledger (scheduled in settings.CELERY_BEAT_SCHEDULE). Both are safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import registry, services
from .chain import verify_and_record


@shared_task
def expire_pending_postings_task(today: str | None = None) -> int:
    """Release reservations past their expiry date; a second run the same day releases none."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.pending_expire_due(today=day)


@shared_task
def verify_ledgers_task() -> dict:
    """Verify every account's hash chain and record the outcome for the auditors' badges: a run
    per registered ledger (the badge of one ledger, e.g. finance's pages) and the run over all."""
    for spec in registry.all_ledgers():
        verify_and_record(ledger=spec.code)
    result, _run = verify_and_record()
    return result.as_dict()
