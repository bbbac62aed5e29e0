"""The auditor's report bundle's job (issue 14 §6). Exactly once in effect: acks_late with
reject_on_worker_lost puts the message back when the worker dies mid-run; the run takes the
bundle's advisory lock, leaves a finished bundle alone and stores its one PDF with the state
"done" (oversight.services_bundle), so a redelivery either finishes the bundle or does nothing.
The sweep (settings.CELERY_BEAT_SCHEDULE "sweep-stale-bundles") sends again, through the same
job, a bundle whose message was never sent or whose job died for good."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import bundle, services_bundle


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def generate_bundle_task(bundle_id: int) -> None:
    """Build the sections, render the PDF, store it (oversight.bundle.bundle_generate)."""
    bundle.bundle_generate(bundle_id=bundle_id)


@shared_task(ignore_result=True)
def sweep_bundles_task() -> dict:
    """Every few minutes: bundles left queued or running with no worker are sent again, or given
    up (oversight.services_bundle.bundles_sweep); what was done, by bundle id."""
    return services_bundle.bundles_sweep()
