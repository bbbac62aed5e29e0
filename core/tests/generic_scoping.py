"""A jurisdiction for core's own tests of the generic pages (settings.GENERIC_SCOPING), no app:
the holiday years before ``IN_SCOPE_BEFORE`` are "inside" every signed-in user's jurisdiction,
the later ones outside it (404); a user changes them holding ``core.change_calendaryear`` and
creates them holding ``core.add_calendaryear`` (403 otherwise)."""

from __future__ import annotations

IN_SCOPE_BEFORE = 2150


def _superuser(user) -> bool:
    return bool(user.is_superuser and user.is_active)


def scope(queryset, user, action="view"):
    if _superuser(user):
        return queryset
    if not user.is_authenticated or (action == "change" and not user.has_perm("core.change_calendaryear")):
        return queryset.none()
    return queryset.filter(year__lt=IN_SCOPE_BEFORE)


def can(user, action, obj) -> bool:
    if _superuser(user):
        return True
    if action == "change" and not user.has_perm("core.change_calendaryear"):
        return False
    return user.is_authenticated and obj.year < IN_SCOPE_BEFORE


def may_write_model(user, model) -> bool:
    return _superuser(user) or user.has_perm("core.add_calendaryear")
