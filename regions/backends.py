"""Django permissions that follow from a user's roles (memberships), for the layers below.

core may not import regions (import-linter's layer contract), so core states what it needs
as a Django permission and asks ``user.has_perm``; this backend answers from the user's
active memberships (loaded once per request, shared with the scoping of every page).

For a role-derived permission the roles decide: a user who holds memberships but none of
the granting roles is refused here (PermissionDenied stops Django's backend loop), without
the two permission queries of ModelBackend on every page that asks. A user with no
membership at all (an administrator's helper account) falls through to ModelBackend, so a
permission granted to them directly in the admin still works.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from . import scoping
from .choices import Role

# Which permissions each role holds. The holiday calendar (core.calendar_access): the county's
# leading-group office and the superior roles above it enter a year not known yet.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset({"core.add_calendaryear"}),
    Role.SUPERIOR: frozenset({"core.add_calendaryear"}),
    Role.CLERK: frozenset(),
    Role.AUDITOR: frozenset(),
}
ROLE_MANAGED: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())


class RolePermissionBackend:
    """Grants ROLE_PERMISSIONS from active memberships; authenticates nobody.

    No ``get_user`` on purpose: sessions belong to the backend that authenticated the user
    (and the test client's ``force_login`` picks the first backend that has one).
    """

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not getattr(user_obj, "is_active", False) or user_obj.is_anonymous:
            return set()
        granted: set[str] = set()
        for grant in scoping.grants(user_obj):
            granted |= ROLE_PERMISSIONS.get(grant.role, frozenset())
        return granted

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm not in ROLE_MANAGED:
            return False  # not a role's business: ModelBackend decides
        if perm in self.get_all_permissions(user_obj, obj):
            return True
        if obj is None and getattr(user_obj, "is_active", False) and scoping.grants(user_obj):
            raise PermissionDenied  # the user's roles say no; no direct grant overrides them
        return False
