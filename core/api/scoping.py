"""The project's jurisdiction scope, for the API base: the module named by the setting
``GENERIC_SCOPING`` (``"regions.scoping"``), which core.generic reads too. core may not import
regions (the layer contract), so the project wires it; without it only an active superuser
sees anything and nothing is cached by scope."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.conf import settings


@cache
def _backend():
    path = getattr(settings, "GENERIC_SCOPING", "")
    return import_module(path) if path else None


def scope(queryset, user):
    backend = _backend()
    if backend is None:
        return queryset if getattr(user, "is_superuser", False) and user.is_active else queryset.none()
    return backend.scope(queryset, user)


def scope_key_function():
    """``scope_key(user)`` of the backend (equal keys, equal scopes), or None."""
    backend = _backend()
    return getattr(backend, "scope_key", None) if backend is not None else None
