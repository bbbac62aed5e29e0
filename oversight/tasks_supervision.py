"""Scheduled work of the half-yearly supervision (settings.CELERY_BEAT_SCHEDULE, hunk S.md).
Exactly once in effect (issue 14 §7):

- ``open_supervisions_task`` runs every morning: the first run of a half year opens each active
  leading group's supervision, every later run finds it (the unique key) and changes nothing, so
  a run the worker missed is caught up, once, the next morning;
- ``generate_supervision_report_task`` fills in the report version asked for (a row already
  numbered by services_supervision.report_request). ``acks_late`` + ``reject_on_worker_lost``:
  a worker killed mid-task leaves the message to be delivered again, and the redelivery
  completes the same version (a done version is left alone); it never makes a second one."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import reports_supervision, services_supervision

logger = logging.getLogger(__name__)

EXACTLY_ONCE = {"acks_late": True, "reject_on_worker_lost": True}
REPORT_RETRIES = 3


@shared_task(**EXACTLY_ONCE)
def open_supervisions_task(day: str | None = None) -> int:
    """The supervision of the current half year for every active leading group; how many exist."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return len(services_supervision.supervisions_open_for(day=today))


@shared_task(bind=True, max_retries=REPORT_RETRIES, **EXACTLY_ONCE)
def generate_supervision_report_task(self, report_id: int) -> int:
    """Render and store report ``report_id`` (its figures as of its date); its id. A report done
    already: nothing to do. A failure is retried, then the version is marked failed."""
    report = services_supervision.report_attempt(report_id=report_id)
    if report is None:
        return report_id
    try:
        pdf, figures, pages = reports_supervision.report_build(report=report)
        services_supervision.report_complete(report=report, pdf=pdf, figures=figures, pages=pages)
    except Exception as exc:
        if self.request.retries < REPORT_RETRIES and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=10 * (self.request.retries + 1)) from exc
        logger.exception("supervision report %s failed", report_id)
        services_supervision.report_fail(report=report, error=str(exc) or type(exc).__name__)
        raise
    return report_id
