"""Who may record what in oversight, and how its deadlines are counted (DOMAIN.md §0, §6).

The office (领导小组办公室) of the county or city keeps the groups, the meetings (and marks their
action items done) and the findings; the clerk of a town, and only they, report the town's
rectification. ``actor=None`` is the system (the monthly
job), attributed as such in the history."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from core.deadlines import Due, add_days, add_months
from regions import scoping
from regions.choices import Role

REMIND_DAYS_BEFORE = 7  # the reminder before a rectification deadline (and the agenda's "due soon")
ACTION_DEFAULT_DAYS = 30
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def require_office(actor, obj) -> None:
    """403 unless ``actor`` is the office over ``obj`` (or the system, or an administrator)."""
    if actor is None or (actor.is_superuser and actor.is_active):
        return
    if not any(g.role == Role.OFFICE for g in scoping.grants(actor)) or not scoping.can(actor, scoping.CHANGE, obj):
        raise PermissionDenied(gettext("只有该区划的领导小组办公室才能办理这一步。"))


def require_town_side(actor, finding) -> None:
    """403 unless ``actor`` is a clerk (经办人) of the finding's own town (or the system, or an
    administrator). The rectification report is the town's word: the office over the town reviews
    it (accept / return) and so does not file it for the town."""
    if actor is None or (actor.is_superuser and actor.is_active):
        return
    if not is_town_clerk(actor, finding):
        raise PermissionDenied(gettext("只有%(town)s的经办人才能报送整改情况。") % {"town": finding.town.name})


def is_town_clerk(actor, finding) -> bool:
    """Is ``actor`` a clerk of the finding's town (a membership bound to that very town)?"""
    return any(g.role == Role.CLERK and g.division_id == finding.town_id for g in scoping.grants(actor))


def rectification_due(found_on: datetime.date, months: int) -> Due:
    """The rectification deadline: ``months`` calendar months after the day of the finding,
    rolled to a working day; 暂定 while the year's holidays are not entered."""
    return add_months(found_on, months, provisional=True)


def action_due(held_on: datetime.date, days: int) -> Due:
    """An action item's deadline: ``days`` calendar days after the meeting, rolled to a working day."""
    return add_days(held_on, days, provisional=True)


def parse_iso_date(raw: str) -> datetime.date:
    """``YYYY-MM-DD`` only (ValueError otherwise): 2026-3-1 or 20260301 are refused, not guessed."""
    if not ISO_DATE.fullmatch(raw):
        raise ValueError(raw)
    return datetime.date.fromisoformat(raw)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
