"""What an app declares to get import and export: a resource under a key, in ``AppConfig.ready()``.

    from core import importing

    importing.register(
        "delegation.exercise_record", ExerciseRecordResource, label=_("办件记录"),
        export_queryset=lambda *, user, filters, request: selectors.exercise_record_list(...),
        may_import=lambda user: scoping.may_write_model(user, ExerciseRecord),
        may_export=lambda user: bool(scoping.grants(user)),
        fast_import=importing_fast.import_records,  # optional: a COPY path instead of the resource
    )
    importing.register_app("delegation", start="delegation-import:start", nav_template="delegation/_nav.html")

The key is ``<app label>.<what>``; the job model stores it (a CharField checked against this
registry, not choices), so a new app adds kinds without a migration of core. Nothing here
touches the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _


def _nobody(user) -> bool:
    return False


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class Registration:
    """One importable/exportable kind of row."""

    key: str
    resource: type  # a core.importing.resources.ServiceResource
    label: Any  # lazy text: "办件记录"
    export_queryset: Callable[..., Any]  # (*, user, filters, request) -> the user's rows, filtered like the list page
    may_import: Callable[[Any], bool] = _nobody
    may_export: Callable[[Any], bool] = _signed_in
    # (*, table, actor, dry_run, progress, finalize, reason) -> ImportResult, instead of the resource
    fast_import: Callable[..., Any] | None = None
    help_text: Any = ""  # shown on the import page under the kinds (lazy text)

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The key without its app ("exercise_record"): what an app's own pages call it."""
        return self.key.split(".", 1)[1]


@dataclass(frozen=True)
class AppImports:
    """An app's import page: its URL name, and the app's menu the page shows (a template)."""

    app: str
    start: str  # URL name of the app's import page, e.g. "delegation-import:start"
    nav_template: str = ""


_registry: dict[str, Registration] = {}
_apps: dict[str, AppImports] = {}
_lock = threading.Lock()


def register(key: str, resource: type, *, label, export_queryset, may_import=_nobody, may_export=_signed_in,
             fast_import=None, help_text="") -> Registration:
    """Declare ``resource`` importable and exportable under ``key`` ("<app label>.<what>").

    Registering a key again replaces it (``ready()`` may run more than once in tests).
    """
    if key.count(".") != 1 or not all(part.isidentifier() for part in key.split(".")):
        raise ImproperlyConfigured(f"importing.register: the key {key!r} must read '<app label>.<name>'")
    if len(key) > 64:
        raise ImproperlyConfigured(f"importing.register: the key {key!r} is longer than 64 characters")
    registration = Registration(key=key, resource=resource, label=label, export_queryset=export_queryset,
                                may_import=may_import, may_export=may_export, fast_import=fast_import,
                                help_text=help_text)
    with _lock:
        _registry[key] = registration
    return registration


def register_app(app: str, *, start: str, nav_template: str = "") -> AppImports:
    entry = AppImports(app=app, start=start, nav_template=nav_template)
    with _lock:
        _apps[app] = entry
    return entry


def get(key: str) -> Registration | None:
    return _registry.get(key)


def app_of(key: str) -> AppImports | None:
    return _apps.get(key.split(".", 1)[0])


def registrations(app: str | None = None) -> list[Registration]:
    """In registration order; only ``app``'s when given."""
    return [r for r in _registry.values() if app is None or r.app == app]


def validate_key(value: str) -> None:
    """The job model's check of its ``kind``: a key some app registered."""
    if value not in _registry:
        raise ValidationError(_("未登记的导入内容“%(key)s”。"), code="unknown_kind", params={"key": value})
