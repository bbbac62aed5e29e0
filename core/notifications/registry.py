"""What an app declares: its kinds of notice (who receives them) and a daily producer.

Nothing here touches the database, so an app registers in ``AppConfig.ready()``:

    registry.register_kind(NoticeKind("delegation.filing_due_soon", _("备案即将到期"),
                                      recipients=_("镇经办人、县领导小组办公室"),
                                      title=_("%(number)s 将于 %(due)s 到期备案")))
    registry.register_producer("delegation", produce_notices)

A producer is called as ``producer(day=date)`` and returns ``Draft`` objects; the daily task
(``services.notifications_run_daily``) writes them, and the unique key (addressee, kind,
subject, day) makes a second run on the same day write nothing.

A notice stores a message code and its params, not its text: the title and body are the
kind's (or another registered message's) gettext texts, rendered in the reader's language
each time the notice is shown or mailed. A kind declares its own message under its code; a
producer may name another one with ``Draft(message=...)`` after ``register_message``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class NoticeKind:
    """A kind of notice: its code ("<app>.<what>"), label, who receives it, its title and body.

    ``title`` and ``body`` are gettext_lazy texts with ``%(name)s`` placeholders filled from
    the notice's params when shown, so a notice reads in the language of the page (or mail)
    that shows it. Registering the kind registers them as the message of the same code.
    """

    code: str
    label: str | Promise
    recipients: str | Promise = ""
    title: str | Promise = ""
    body: str | Promise = ""

    def render(self, params: dict) -> str:
        return Message(self.code, self.title).render_title(params)


@dataclass(frozen=True)
class Message:
    """The texts of a notice, by code: a gettext_lazy title and an optional body."""

    code: str
    title: str | Promise
    body: str | Promise = ""

    @staticmethod
    def _fill(text, params: dict) -> str:
        if not text:
            return ""
        try:
            return str(text) % params
        except (KeyError, TypeError, ValueError):
            return ""  # params of an older version of the text: the caller falls back to the stored text

    def render_title(self, params: dict) -> str:
        return self._fill(self.title, params)

    def render_body(self, params: dict) -> str:
        return self._fill(self.body, params)


@dataclass(frozen=True)
class Draft:
    """One notice a producer asks for (written by ``services.notifications_create``).

    ``subject_key`` names what the notice is about, "<app>.<model>:<pk>"; ``day`` is the day
    it is about (a due date, the day of a recompute), so the same reminder is never repeated.
    """

    addressee_id: int
    kind: str
    subject_key: str
    day: datetime.date
    url: str = ""
    params: dict = field(default_factory=dict)
    message: str = ""  # the code of the texts; empty: the kind's own

    @property
    def message_code(self) -> str:
        return self.message or self.kind


Producer = Callable[..., Iterable[Draft]]

_kinds: dict[str, NoticeKind] = {}
_messages: dict[str, Message] = {}
_producers: dict[str, Producer] = {}
_lock = threading.Lock()


def register_kind(kind: NoticeKind) -> NoticeKind:
    """Declare a kind of notice. Registering the same code again (a second ``ready()``) replaces it."""
    with _lock:
        _kinds[kind.code] = kind
        _messages[kind.code] = Message(kind.code, kind.title, kind.body)
    return kind


def register_message(message: Message) -> Message:
    """Declare texts a producer can name by code (``Draft(message=code)``)."""
    with _lock:
        _messages[message.code] = message
    return message


def message(code: str) -> Message | None:
    return _messages.get(code)


def register_producer(name: str, producer: Producer) -> Producer:
    """Add the daily producer ``name`` (one per app); registering the name again replaces it."""
    with _lock:
        _producers[name] = producer
    return producer


def kind(code: str) -> NoticeKind | None:
    return _kinds.get(code)


def kinds() -> list[NoticeKind]:
    with _lock:
        return list(_kinds.values())


def producers() -> dict[str, Producer]:
    with _lock:
        return dict(_producers)
