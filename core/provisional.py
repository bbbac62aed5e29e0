"""Recomputing provisional due dates when a holiday year becomes known (DOMAIN.md §0).

A due date that falls in, or counts through, a year the holiday calendar does not know is
computed provisionally (weekends only, see ``core.deadlines.DeadlineRule.due_provisional``)
and stored with a 暂定 flag by the app that owns it. When the year is entered or imported,
the calendar services call ``recompute_year`` inside their transaction, and every app that
stores provisional due dates recomputes its own.

core must not import the apps, so each app registers its handler here from its
``AppConfig.ready()``: ``provisional.register(record_due_recompute)``. A handler is called
as ``handler(year=..., actor=...)`` and returns how many due dates it moved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import transaction

__all__ = ["Handler", "handlers", "recompute_year", "register"]

Handler = Callable[..., int]

_handlers: list[Handler] = []
_lock = threading.Lock()


def register(handler: Handler) -> Handler:
    """Add ``handler`` (called as ``handler(year=..., actor=...) -> int``); usable as a decorator.

    Registering the same function twice keeps one (``ready()`` may run more than once in tests).
    """
    key = (getattr(handler, "__module__", None), getattr(handler, "__qualname__", None))
    with _lock:
        for index, existing in enumerate(_handlers):
            if existing is handler or (
                key[1] is not None
                and (getattr(existing, "__module__", None), getattr(existing, "__qualname__", None)) == key
            ):
                _handlers[index] = handler
                break
        else:
            _handlers.append(handler)
    return handler


def handlers() -> tuple[Handler, ...]:
    """The registered handlers, in registration order."""
    with _lock:
        return tuple(_handlers)


@transaction.atomic
def recompute_year(*, year: int, actor) -> int:
    """Recompute every provisional due date that counted through ``year``; how many moved.

    Call it after ``year``'s days are saved and ``core.deadlines.invalidate_year(year)`` ran,
    inside the same transaction, so that a failure rolls the calendar change back too.
    """
    return sum(int(handler(year=year, actor=actor) or 0) for handler in handlers())
