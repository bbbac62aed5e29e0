"""What every finance model shares: money fields, the written-once triggers, the reversal check."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.db import models
from django.db.models import Q

from core.history import protect_deletes

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


def _written_once():
    """Rows that are facts once recorded: UPDATE and DELETE refused by the database."""
    return [
        pgtrigger.Protect(name="protect_updates", operation=pgtrigger.Update),
        protect_deletes(),
    ]




def _signed_iff_reversal(name: str, field: str = "amount") -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{field}__gt": 0, "reverses__isnull": True}) | Q(**{f"{field}__lt": 0, "reverses__isnull": False}),
    )


PERCENT = {"max_digits": 6, "decimal_places": 2}

