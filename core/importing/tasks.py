"""The one Celery task of import and export jobs, and the sweeper of stale ones (beat)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


# acks_late + reject_on_worker_lost: a pool child killed mid-run (the OOM killer) puts the
# message back instead of acknowledging it; the run is idempotent (advisory lock, all or
# nothing, a finished job is left alone), so the redelivery finishes the job exactly once.
@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def run_job_task(job_id: int) -> None:
    """Check, import or export (whichever step the ImportJob waits for). Safe to run twice."""
    services.job_run(job_id=job_id)


@shared_task
def sweep_stale_jobs_task() -> dict[str, int]:
    """Every few minutes: a job a dead worker left "running" is marked failed (nothing was written);
    a job whose task never reached the broker (Redis was down) is sent again."""
    return {"failed": services.stale_jobs_sweep(), "resent": services.waiting_jobs_resend()}
