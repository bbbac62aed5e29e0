"""Celery tasks of the catalogue. They take ids, call one service, and are safe to run twice.

Import and export jobs run in core.importing.tasks (enqueued by name after commit)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from core.errors import ConflictError

from . import services

logger = logging.getLogger(__name__)


@shared_task
def bring_items_into_force_task(today: str | None = None) -> int:
    """Nightly: published items whose batch's effective date has come are brought into force.

    The status change is dated the batch's effective date, so records decided since then are
    judged against the right status even if this ran late. A second run finds nothing to do.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    done = 0
    for item in services.items_due_in_force(today=day).select_related("batch").order_by("id"):
        try:
            services.item_bring_into_force(item=item, on=item.batch.effective_on, actor=None)
        except ConflictError:  # changed since the query (suspended, withdrawn, or another run)
            logger.info("item %s not brought into force: state changed", item.pk)
            continue
        done += 1
    return done
