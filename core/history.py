"""Change history for every model: PostgreSQL triggers via django-pghistory.

Triggers see every write — ORM saves, bulk_create/update, COPY and raw SQL alike — so no
path can change a row without leaving a before/after record. The request middleware adds
the user and URL; services called outside a request (tasks, commands, imports) wrap their
work in ``actor_context`` so those rows are attributed too.
"""

from __future__ import annotations

import contextlib

import pghistory
import pgtrigger
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
    """Attribute every change inside the block to ``actor`` (a user or None for the system)."""
    user_id = getattr(actor, "pk", None)
    with pghistory.context(user=user_id, **metadata):
        yield


def history_for(obj, *, limit: int = 200) -> list[dict]:
    """The change events of one object, newest first: when, what, who, and the diff.

    Two queries whatever the length: the events, then the users they name.
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
                "user": user.get_username() if user else None,
                "url": context.get("url"),
                "reason": context.get("reason"),
                "changes": {k: {"before": v[0], "after": v[1]} for k, v in (e.pgh_diff or {}).items()},
                "data": e.pgh_data,
            }
        )
    return rows
