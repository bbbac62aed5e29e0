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


def town_addressees(division_ids) -> dict[int, set[int]]:
    """Division id → ids of the active users told about its rows: its clerks, and the offices of
    the divisions above it (the county's 领导小组办公室). Two queries. Every app's notices use it."""
    from collections import defaultdict

    from django.db.models import Q

    from .choices import Role
    from .models import Division, Membership

    division_ids = set(division_ids)
    if not division_ids:
        return {}
    paths = dict(Division.objects.filter(pk__in=division_ids).values_list("id", "path"))
    rows = Membership.objects.filter(Q(is_active=True, user__is_active=True),
                                     Q(role=Role.CLERK, division_id__in=division_ids) | Q(role=Role.OFFICE))
    result: dict[int, set[int]] = defaultdict(set)
    offices = []
    for role, division_id, path, user_id in rows.values_list("role", "division_id", "division__path", "user_id"):
        if role == Role.CLERK:
            result[division_id].add(user_id)
        else:
            offices.append((path, user_id))
    for division_id, path in paths.items():
        for office_path, user_id in offices:
            if path.startswith(office_path):
                result[division_id].add(user_id)
    return result
