"""Reads that depend on the user: always through regions.scoping (the home card's figures; the
list pages and the API scope their querysets through regions.permissions)."""

from django.db.models import QuerySet

from . import scoping


def pilot_towns(*, user) -> QuerySet:
    """Towns in scope with an active 扩权强镇 designation."""
    return scoping.towns_visible(user).filter(
        pilot_designations__kind="town", pilot_designations__revoked_on__isnull=True
    ).distinct()


def home_figures(*, user) -> dict:
    """The regions card of the home page: divisions and pilot towns in scope (a query each)."""
    return {"divisions": scoping.divisions_visible(user).count(), "pilot_towns": pilot_towns(user=user).count()}
