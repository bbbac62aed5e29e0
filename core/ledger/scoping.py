"""Who may read which accounts: the project's jurisdiction scope, reached through a setting.

core may not import regions (core ← regions), yet an account belongs to a division and must be
read only within the reader's jurisdiction. So the scope function is named in settings
(``LEDGER_SCOPE = "regions.scoping.scope"``), the way DRF's default permission class is, and
resolved when first called: core declares what it needs (``scope(queryset, user)`` that narrows
a queryset of a model with ``jurisdiction_field``), the project wires the implementation.
Without the setting only a superuser sees anything.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _scope_function():
    path = getattr(settings, "LEDGER_SCOPE", "")
    return import_string(path) if path else None


def scope(queryset, user, action: str = "view"):
    """``queryset`` (of Account or Period) narrowed to what ``user`` may see (``"view"``) or
    change (``"change"``: the model's ``jurisdiction_writers`` roles)."""
    function = _scope_function()
    if function is None:
        return queryset if getattr(user, "is_superuser", False) else queryset.none()
    return function(queryset, user, action)
