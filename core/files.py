"""Stored files served through a check (issue 10): no file without a check.

No URL serves MEDIA_ROOT. Every stored file (agreement scans, import files, error reports,
generated PDFs) is downloaded through ``/files/<model>/<pk>/<field>/``, which asks the app
that owns the file whether the user may read its row: anonymous users are sent to the login
page, rows outside the user's scope answer 404, exactly as the object's own page does.

core imports no app, so an app declares its file fields in ``AppConfig.ready()``:

    from core import files
    from regions import scoping

    files.register(Agreement, "scan", queryset=lambda user: scoping.scope(Agreement.objects.all(), user))
    files.register(Report, "pdf", may_read=lambda user, report: report.author_id == user.id,
                   filename=lambda report: report.original_name)

and links through ``files.url_for(obj, "scan")`` (templates: ``{% load files %}{% file_url obj
"scan" %}``). Declaring the field as ``files.FileField(upload_to=files.UploadTo("x/%Y/"))`` makes
``obj.scan.url`` (and so DRF's FileField) answer the checked URL too, and stores the upload
under an unguessable name: ``x/2026/<uuid4 hex>/<original name>``. The system check
``kq.files.W001`` names every model FileField nobody registered.

Bytes: a ``FileResponse`` by default; with ``KQ_FILES_ACCEL = "nginx"`` an empty response
with ``X-Accel-Redirect: <KQ_FILES_ACCEL_PREFIX><name>`` (nginx's ``internal`` location sends
the file), with ``"apache"`` ``X-Sendfile: <absolute path>`` (mod_xsendfile). The check runs
in Django either way; the web server only sends what Django allowed.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename

from core import uploads

__all__ = [
    "FileField", "FileSpec", "UploadTo", "file_response", "get_readable", "register", "spec_for", "url_for",
]

logger = logging.getLogger(__name__)

MayRead = Callable[[object, Model], bool]
Readable = Callable[[object], QuerySet]

# Shown in the browser (inline); everything else is offered as a download. No SVG or HTML:
# those run scripts in the site's origin.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class FileSpec:
    """How to find a file's row for a user and what to call the download."""

    model: type[Model]
    field: str
    queryset: Readable | None = None  # user -> the rows the user may read (scoped)
    may_read: MayRead | None = None  # (user, obj) -> bool, checked after the queryset
    filename: Callable[[Model], str] | None = None  # obj -> the name the browser saves it as

    @property
    def key(self) -> str:
        return self.model._meta.label_lower  # "delegation.agreement"

    def readable(self, user, pk) -> Model | None:
        """The row ``pk`` if ``user`` may read its file, else None (the caller answers 404)."""
        qs = self.queryset(user) if self.queryset is not None else self.model._default_manager.all()
        try:
            obj = qs.filter(pk=pk).first()
        except (ValueError, TypeError, ValidationError):  # "abc" for an integer key
            return None
        if obj is None or (self.may_read is not None and not self.may_read(user, obj)):
            return None
        return obj

    def download_name(self, obj: Model) -> str:
        if self.filename is not None:
            name = self.filename(obj)
            if name:
                return name
        return PurePosixPath(getattr(obj, self.field).name).name


_registry: dict[tuple[str, str], FileSpec] = {}
_lock = threading.Lock()


def register(model: type[Model], field: str, *, queryset: Readable | None = None,
             may_read: MayRead | None = None, filename: Callable[[Model], str] | None = None) -> FileSpec:
    """Declare ``model.field`` servable; ``queryset`` and/or ``may_read`` decide who may read it.

    At least one of them is required: a file with no check cannot be registered. Registering the
    same field again replaces the declaration (``ready()`` may run more than once in tests).
    """
    if queryset is None and may_read is None:
        raise ImproperlyConfigured(f"files.register({model.__name__}, {field!r}) needs queryset= or may_read=")
    model._meta.get_field(field)  # FieldDoesNotExist now rather than at the first download
    spec = FileSpec(model=model, field=field, queryset=queryset, may_read=may_read, filename=filename)
    with _lock:
        _registry[(spec.key, field)] = spec
    return spec


def spec_for(key: str, field: str) -> FileSpec | None:
    return _registry.get((key, field))


def url_for(obj: Model, field: str) -> str:
    """The checked download URL of ``obj.<field>`` ('' when the field is empty)."""
    key = obj._meta.label_lower
    if (key, field) not in _registry:
        raise ImproperlyConfigured(f"{key}.{field} is not registered with core.files.register")
    if not getattr(obj, field):
        return ""
    return reverse("files:download", kwargs={"model": key, "pk": obj.pk, "field": field})


def get_readable(user, key: str, pk: str, field: str) -> tuple[FileSpec, Model]:
    """The spec and row whose file ``user`` asks for; Http404 for anything else."""
    spec = spec_for(key, field)
    obj = spec.readable(user, pk) if spec is not None else None
    if obj is None or not getattr(obj, field):
        raise Http404
    return spec, obj


# --- the response -----------------------------------------------------------------------------
def _ascii_fallback(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    stem = PurePosixPath(name).stem.encode("ascii", "ignore").decode().strip() or "file"
    suffix = suffix if suffix.isascii() else ""
    return get_valid_filename(stem + suffix).replace('"', "") or "file"


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for non-ASCII (Chinese) names, ASCII fallback first."""
    kind = "inline" if inline else "attachment"
    if name.isascii():
        return f'{kind}; filename="{name.replace(chr(92), "_").replace(chr(34), "_")}"'
    return f"{kind}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(fieldfile: FieldFile, *, filename: str) -> HttpResponse:
    """The download of an already checked file, by Django or by the web server (KQ_FILES_ACCEL)."""
    content_type = mimetypes.guess_type(filename)[0] or mimetypes.guess_type(fieldfile.name)[0]
    content_type = content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    if not inline and content_type.startswith("text/"):
        content_type = f"{content_type}; charset=utf-8"  # CSV exports open right in a text editor
    storage, name = fieldfile.storage, fieldfile.name
    accel = getattr(settings, "KQ_FILES_ACCEL", "")
    if accel and not storage.exists(name):
        raise Http404
    if accel == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = getattr(settings, "KQ_FILES_ACCEL_PREFIX", "/protected-files/")
        response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + name)
    elif accel == "apache":
        response = HttpResponse(content_type=content_type)
        # Percent-encoded: a header carries no UTF-8; mod_xsendfile 1.0 unescapes (XSendFileUnescape On).
        response["X-Sendfile"] = quote(storage.path(name))
    elif accel:
        raise ImproperlyConfigured(f'KQ_FILES_ACCEL must be "", "nginx" or "apache", not {accel!r}')
    else:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            logger.warning("stored file missing: %s", name)
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    # Scans are personal data: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# --- storing ----------------------------------------------------------------------------------
@deconstructible
class UploadTo:
    """``upload_to`` that keeps the original name behind a random folder: ``<prefix>/<uuid>/<name>``.

    ``prefix`` takes strftime codes like Django's ("agreements/%Y/"). The uuid makes the stored
    name unguessable; the name after it is what the download is called.
    """

    def __init__(self, prefix: str, max_name: int = 80):
        self.prefix = prefix
        self.max_name = max_name

    def __call__(self, instance, filename: str) -> str:
        name = get_valid_filename(PurePosixPath(filename.replace("\\", "/")).name) or "file"
        if len(name) > self.max_name:
            suffix = PurePosixPath(name).suffix[:10]
            name = name[: self.max_name - len(suffix)] + suffix
        folder = timezone.localdate().strftime(self.prefix).strip("/")
        return f"{folder}/{uuid.uuid4().hex}/{name}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and (self.prefix, self.max_name) == (other.prefix, other.max_name)

    def __hash__(self):
        return hash((self.prefix, self.max_name))


class CheckedFieldFile(FieldFile):
    @property
    def url(self) -> str:
        self._require_file()
        return url_for(self.instance, self.field.name)


class FileField(models.FileField):
    """A FileField whose ``.url`` is the checked download URL (the field must be registered).

    ``accept`` (kinds of core.uploads) and ``max_upload_mb`` check a new upload by its content in
    ``full_clean``. They are left out of ``deconstruct``: they change no column, so no migration.
    """

    attr_class = CheckedFieldFile

    def __init__(self, *args, accept: tuple[str, ...] = (), max_upload_mb: int = 20, **kwargs):
        kwargs.setdefault("max_length", 255)
        self.upload_validator = uploads.ContentValidator(accept, max_upload_mb) if accept else None
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, *([self.upload_validator] if self.upload_validator else [])]


@checks.register()
def check_registered(app_configs=None, **kwargs):
    """Every model FileField is registered: an unregistered one could only be served unchecked."""
    from django.apps import apps
    from pghistory.models import Event

    found = []
    for model in apps.get_models():
        if issubclass(model, Event):  # history copies of a row: shown as text, never served
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.model is model and not model._meta.abstract:
                if (model._meta.label_lower, field.name) not in _registry:
                    found.append(checks.Warning(
                        f"{model._meta.label}.{field.name} is not registered with core.files.register: "
                        "nothing can serve it with a check.",
                        hint="Call core.files.register(Model, field, queryset=…/may_read=…) in AppConfig.ready().",
                        obj=field, id="kq.files.W001",
                    ))
    return found
