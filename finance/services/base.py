"""Helpers every finance service shares: today, a refusal with its code, the town's write lock."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.errors import ApplicationError
from regions.models import Division


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None):
    raise ApplicationError(message, code=code, extra={field: [message]} if field else None)


def _lock_town(town) -> Division:
    """One writer per town at a time: computes and disbursements of a town queue here."""
    return Division.objects.select_for_update().get(pk=getattr(town, "pk", town))


