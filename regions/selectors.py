"""Reads that depend on the user: always through regions.scoping."""

from django.db.models import QuerySet

from . import scoping
from .models import Department, Division, Membership, PilotDesignation


def division_list(*, user, filters: dict | None = None) -> QuerySet:
    qs = scoping.scope(Division.objects.select_related("parent"), user)
    filters = filters or {}
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    return qs


def division_get(*, user, pk) -> Division:
    return scoping.scope(Division.objects.select_related("parent"), user).get(pk=pk)


def department_list(*, user) -> QuerySet:
    return scoping.scope(Department.objects.select_related("division"), user)


def pilot_list(*, user) -> QuerySet:
    return scoping.scope(PilotDesignation.objects.select_related("division"), user)


def membership_list(*, user) -> QuerySet:
    return scoping.scope(Membership.objects.select_related("user", "division", "department"), user)


def pilot_towns(*, user) -> QuerySet:
    """Towns in scope with an active 扩权强镇 designation."""
    return scoping.towns_visible(user).filter(
        pilot_designations__kind="town", pilot_designations__revoked_on__isnull=True
    ).distinct()


def home_figures(*, user) -> dict:
    """The regions card of the home page: divisions and pilot towns in scope (a query each)."""
    return {"divisions": scoping.divisions_visible(user).count(), "pilot_towns": pilot_towns(user=user).count()}
