"""Domain events: published explicitly by the service that makes them, received by subscribers.

A service calls ``publish(ITEM_PUBLISHED, item=item)`` at the moment the thing happens, inside its
transaction; an app higher in the layers (webhooks) calls ``subscribe(ITEM_PUBLISHED, handler)`` in
its ``AppConfig.ready``. The lower app names the event and never imports its subscribers.

Why not ``post_save`` (STYLE.md, "What the anchors got wrong": NetBox's dcim/signals.py): a signal
fires on every save — an admin edit, a shell session, a data migration, a second save of a row
already closed — and the reader of the service cannot see that it does. Here the event is a line
in the service, named by a constant below, and a row saved any other way publishes nothing.

Handlers run synchronously, in the order subscribed, in the caller's transaction: an exception in
one rolls the service's write back with it, and a rolled-back write leaves nothing a handler
recorded. Work that must wait for the commit (sending anything) is the handler's own
``transaction.on_commit`` (webhooks.events.emit does so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

ITEM_PUBLISHED = "item.published"  # delegation.services.item_publish: data item=Item
ITEM_WITHDRAWN = "item.withdrawn"  # delegation.services.item_withdraw: data item=Item
FINDING_OPENED = "finding.opened"  # oversight.services.finding_create: data finding=Finding
FINDING_CLOSED = "finding.closed"  # oversight.services.finding_close: data finding=Finding
REPORT_PUBLISHED = "report.published"  # oversight.services_supervision.report_complete: data report=SupervisionReport

NAMES = frozenset({ITEM_PUBLISHED, ITEM_WITHDRAWN, FINDING_OPENED, FINDING_CLOSED, REPORT_PUBLISHED})

Handler = Callable[..., object]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def _known(name: str) -> str:
    if name not in NAMES:
        raise ValueError(f"unknown domain event {name!r}; declare it in core/events.py")
    return name


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(**data)`` on each ``publish(name, **data)``; subscribing the same handler
    twice (``ready`` run again) keeps one."""
    handlers = _handlers[_known(name)]
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    """Remove ``handler`` (tests)."""
    handlers = _handlers[_known(name)]
    if handler in handlers:
        handlers.remove(handler)


def publish(name: str, **data) -> None:
    """The event ``name`` happened, now: run its handlers in the caller's transaction."""
    for handler in list(_handlers[_known(name)]):
        handler(**data)


def subscribers(name: str) -> tuple[Handler, ...]:
    return tuple(_handlers[_known(name)])
