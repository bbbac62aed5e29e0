"""The auditor's report bundle's job (issue 14 §6). Exactly once in effect: acks_late with
reject_on_worker_lost puts the message back when the worker dies mid-run; the run takes the
bundle's advisory lock, leaves a finished bundle alone and stores its one PDF with the state
"done" (oversight.services_bundle), so a redelivery either finishes the bundle or does nothing."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import bundle


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def generate_bundle_task(bundle_id: int) -> None:
    """Build the sections, render the PDF, store it (oversight.bundle.bundle_generate)."""
    bundle.bundle_generate(bundle_id=bundle_id)
