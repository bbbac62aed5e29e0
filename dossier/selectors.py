"""Reads of the one-town dossier (一镇一档, issue 15 §2): the towns a user may open a dossier of,
and a town's profile (its pilot designations, the leading groups steering it)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oversight import selectors as oversight_selectors
from regions import scoping
from regions.models import Division, PilotDesignation


def town_list(*, user) -> QuerySet:
    """The towns in the user's jurisdiction, with their county, in path order."""
    return scoping.towns_visible(user).select_related("parent").order_by("path")


def town_get(*, user, pk) -> Division:
    return get_object_or_404(town_list(user=user), pk=pk)


def designations(*, town: Division) -> list[PilotDesignation]:
    return list(PilotDesignation.objects.filter(division=town).order_by("designated_on", "id"))


def steering_groups(*, user, town: Division) -> list:
    """The leading groups the user sees that steer ``town`` (a town's clerk sees none: the groups
    are the county's)."""
    return list(oversight_selectors.group_list(user=user).filter(steered__town=town).distinct().order_by("id"))


def default_period(*, town: Division, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From the town's first pilot designation (else 1 January of this year) to today."""
    today = today or timezone.localdate()
    first = PilotDesignation.objects.filter(division=town).order_by("designated_on").values_list(
        "designated_on", flat=True).first()
    return (first or datetime.date(today.year, 1, 1)), today
