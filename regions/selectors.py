"""Reads that depend on the user: always through regions.scoping (the home card's figures; the
list pages and the API scope their querysets through regions.permissions)."""

from django.db.models import Exists, OuterRef, QuerySet

from . import scoping
from .choices import PilotKind
from .models import PilotDesignation


def is_pilot_town() -> Exists:
    """A division is a pilot town (试点镇): it holds an active 扩权强镇 designation (only a town can,
    PilotDesignation.clean). The home figure and the division list's ``pilot`` filter both use it."""
    return Exists(PilotDesignation.objects.filter(division=OuterRef("pk"), kind=PilotKind.TOWN, revoked_on__isnull=True))


def pilot_towns(*, user) -> QuerySet:
    """Towns in scope with an active 扩权强镇 designation."""
    return scoping.towns_visible(user).filter(is_pilot_town())


def home_figures(*, user) -> dict:
    """The regions card of the home page: divisions and pilot towns in scope (a query each)."""
    return {"divisions": scoping.divisions_visible(user).count(), "pilot_towns": pilot_towns(user=user).count()}
