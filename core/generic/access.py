"""Who sees and who changes which rows, for the generic pages: the project's jurisdiction scope,
reached through a setting.

core may not import regions (core ← regions), yet every page must read only within the user's
jurisdiction. So the module is named in settings (``GENERIC_SCOPING = "regions.scoping"``), as
``LEDGER_SCOPE`` is for the ledger, and must offer ``scope(queryset, user, action)``,
``can(user, action, obj)`` and ``may_write_model(user, model)``. Without the setting only an
active superuser sees or changes anything.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.translation import gettext

VIEW = "view"
CHANGE = "change"


@cache
def _backend():
    path = getattr(settings, "GENERIC_SCOPING", "")
    return import_module(path) if path else None


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def scope(queryset, user, action: str = VIEW):
    """``queryset`` narrowed to the rows ``user`` may see (``VIEW``) or change (``CHANGE``)."""
    backend = _backend()
    if backend is None:
        return queryset if _superuser(user) else queryset.none()
    return backend.scope(queryset, user, action)


def declared_rows(view):
    """The rows a generic page declared (``queryset`` or ``model``), narrowed to the user's scope."""
    if view.queryset is not None:
        qs = view.queryset.all()
    elif view.model is not None:
        qs = view.model._default_manager.all()
    else:
        raise ImproperlyConfigured(f"{type(view).__name__} declares no queryset, model or get_queryset()")
    return scope(qs, view.request.user)


def can(user, action: str, obj) -> bool:
    backend = _backend()
    return _superuser(user) if backend is None else backend.can(user, action, obj)


def may_write_model(user, model) -> bool:
    backend = _backend()
    return _superuser(user) if backend is None else backend.may_write_model(user, model)


def require_change(user, obj) -> None:
    """403 unless ``user`` may change ``obj`` (which they can see: else it was a 404 already)."""
    if not can(user, CHANGE, obj):
        raise PermissionDenied(gettext("您没有修改该记录的权限。"))


def require_model_write(user, model) -> None:
    """403 unless ``user`` writes rows of ``model`` somewhere (for create pages)."""
    if not may_write_model(user, model):
        raise PermissionDenied(gettext("您没有登记该类记录的权限。"))
