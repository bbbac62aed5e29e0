"""Change history for every model: PostgreSQL triggers via django-pghistory.

Triggers see every write — ORM saves, bulk_create/update, COPY and raw SQL alike — so no
path can change a row without leaving a before/after record. The request middleware adds
the user and URL; services called outside a request (tasks, commands, imports) wrap their
work in ``actor_context`` so those rows are attributed too.
"""

from __future__ import annotations

import contextlib
import uuid
from decimal import Decimal

import pghistory
import pgtrigger
from django.db import connection
from django.utils.translation import gettext
from pghistory.models import Events


def track(**kwargs):
    """Class decorator: keep the full history of a model (one event table per model).

    Insert, update and delete snapshots. Tracker objects are bound to one model when
    the decorator runs, so each call builds fresh ones.
    """
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs)


def protect_deletes(name: str = "protect_deletes") -> pgtrigger.Protect:
    """A trigger that refuses DELETE: records are withdrawn or closed, never removed."""
    return pgtrigger.Protect(name=name, operation=pgtrigger.Delete)


@contextlib.contextmanager
def actor_context(actor=None, **metadata):
    """Attribute every change inside the block to ``actor`` (a user or None for the system).

    pghistory keeps one context row per outermost ``pghistory.context`` and rewrites its
    metadata when a nested block adds to it, which would re-attribute the earlier changes
    of the block (a task calling one service for user A, then one for user B, would
    credit both to B). So a nested block that says something new gets a context of its own
    and the outer one is restored after it.

    The context id travels in a transaction-local setting that outlives the block; it is
    cleared on the way out so that later writes in the same transaction are not credited
    to this actor.
    """
    from pghistory import runtime

    user_id = getattr(actor, "pk", None)
    outer = getattr(runtime._tracker, "value", None)
    wanted = {**(outer.metadata if outer else {}), "user": user_id, **metadata}
    if outer is None:
        with pghistory.context(**wanted):
            yield
        _clear_context_setting()
    elif wanted == outer.metadata:
        yield
    else:
        runtime._tracker.value = runtime.Context(id=uuid.uuid4(), metadata=wanted)
        try:
            yield
        finally:
            runtime._tracker.value = outer


def _clear_context_setting() -> None:
    """Forget the context in the open transaction (no-op outside one: the setting died with it)."""
    if connection.connection is None or not connection.in_atomic_block or connection.needs_rollback:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true), set_config('pghistory.context_metadata', '', true)"
        )


def history_for(obj, *, limit: int = 200, names: bool = False) -> list[dict]:
    """The change events of one object, newest first: when, what, who, and the diff.

    ``user`` is the login (the API's field); with ``names`` it is the person's name, as the
    history tab shows it. Two queries whatever the length: the events, then the users they name.
    """
    from django.contrib.auth import get_user_model

    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    rows = []
    for e in events:
        context = e.pgh_context or {}
        user = users.get(context.get("user"))
        rows.append(
            {
                "at": e.pgh_created_at,
                "label": e.pgh_label,
                "user": (_person(user) if names else user.get_username()) if user else None,
                "url": context.get("url"),
                "reason": context.get("reason"),
                "changes": {k: {"before": v[0], "after": v[1]} for k, v in (e.pgh_diff or {}).items()},
                "data": e.pgh_data,
            }
        )
    return rows


# --- the history tab: the same rows in words (field names, related rows by name, choice labels,
# local times) for every model, two more queries at most per related model named ----------------
AUDIT_TIME_FIELDS = {"created_at", "updated_at"}  # the row's own time column says the same


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _describe_value(field, value, related: dict) -> str:
    from django.db import models as m
    from django.utils import formats, timezone
    from django.utils.dateparse import parse_datetime

    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.is_relation and field.many_to_one:
        obj = related.get(field.related_model, {}).get(value)
        if obj is None:
            return f"#{value}"
        return _person(obj) if field.related_model._meta.label == "auth.User" else str(obj)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, m.BooleanField):
        return gettext("是") if value else gettext("否")
    if isinstance(field, m.DecimalField):
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        if field.decimal_places is not None:  # 180000.0 in the event's JSON → 180,000.00
            amount = amount.quantize(Decimal(1).scaleb(-field.decimal_places))
        return f"{amount:,}"
    if isinstance(field, m.JSONField):
        return gettext("（计算明细，见详情）")  # a trace or a structure: the record's page shows it
    if isinstance(field, m.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "Y-m-d H:i")
    return str(value)


def describe_history(model, rows: list[dict]) -> list[dict]:
    """Add ``display`` to each row of ``history_for``: [{field, label, before, after}] in words.

    Foreign keys (``updated_by_id``, ``batch_id`` …) show the related row by name (users by
    their name), choices their label, booleans 是/否, timestamps in local time; an insert lists
    the values it was created with. One ``in_bulk`` per related model, whatever the length.
    """
    fields, order = {}, {}
    for position, f in enumerate(model._meta.concrete_fields):
        fields[f.name] = fields[f.attname] = f
        order[f.name] = order[f.attname] = position
    wanted: dict = {}
    for row in rows:
        values = row["changes"].items() if row["changes"] else (row.get("data") or {}).items()
        for key, value in values:
            f = fields.get(key)
            if f is not None and f.is_relation and f.many_to_one:
                pair = (value["before"], value["after"]) if row["changes"] else (value,)
                wanted.setdefault(f.related_model, set()).update(v for v in pair if v is not None)
    related = {rel: rel._default_manager.in_bulk(ids) for rel, ids in wanted.items()}
    for row in rows:
        display = []
        if row["changes"]:
            items = [(k, v["before"], v["after"]) for k, v in row["changes"].items()]
        elif row["label"] == "insert":
            items = sorted(
                ((k, None, v) for k, v in (row.get("data") or {}).items() if v not in (None, "", False)),
                key=lambda kv: order.get(kv[0], len(order)),  # in the model's field order
            )
        else:
            items = []
        for key, before, after in items:
            f = fields.get(key)
            if key in AUDIT_TIME_FIELDS or key == "id" or (f is not None and f.primary_key):
                continue
            if row["label"] == "insert" and f is not None and f.name in {"created_by", "updated_by"}:
                continue  # the 操作人 column names them
            display.append({
                "field": key,
                "label": str(f.verbose_name) if f is not None else key,
                "before": _describe_value(f, before, related),
                "after": _describe_value(f, after, related),
            })
        row["display"] = display
    return rows


def history_table(obj, *, limit: int = 200) -> list[dict]:
    """``history_for`` with ``display`` (``describe_history``): what every history tab shows."""
    return describe_history(type(obj), history_for(obj, limit=limit, names=True))
