"""Status choices that know their colours and their allowed transitions.

A model's states, the colour each is shown in and the steps allowed from each are declared once,
next to the states, instead of in a view (which buttons to offer) and again in a template (which
badge to draw)::

    from enum import nonmember

    class ItemStatus(StatusChoices):
        DRAFT = "draft", _("草稿")
        IN_FORCE = "in_force", _("施行中")
        SUSPENDED = "suspended", _("暂停")

        colours = nonmember({"draft": "secondary", "in_force": "success", "suspended": "warning"})
        transitions = nonmember({
            "suspend": Transition(source=("in_force",), target="suspended"),
            "resume": Transition(source=("suspended",), target="in_force"),
        })

``colours`` holds Bootstrap contextual colours (``badge_class`` makes ``text-bg-<colour>``);
``css_classes`` may give a state a class of its own (the filing states' ``status-overdue``).
Templates read them through the ``states`` tags (``{{ item.status|badge:"delegation.ItemStatus" }}``,
``core/templatetags/states.py``), action views through ``allows``. Services still check the
state under a row lock: the declaration decides what is offered, the service what is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

#: "app.ClassName" → the StatusChoices subclass, for the template filters
REGISTRY: dict[str, type[StatusChoices]] = {}


@dataclass(frozen=True)
class Transition:
    """A step allowed from any of ``source`` to ``target`` (None: the state does not change)."""

    source: tuple[str, ...]
    target: str | None = None


class StatusChoices(models.TextChoices):
    """TextChoices with ``colours``, ``css_classes`` and ``transitions`` declared beside the states."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[f"{cls.__module__.split('.')[0]}.{cls.__name__}"] = cls

    @classmethod
    def _declared(cls, name: str) -> dict:
        return getattr(cls, name, None) or {}

    @classmethod
    def colour(cls, value) -> str:
        return cls._declared("colours").get(str(value), "secondary")

    @classmethod
    def badge_class(cls, value) -> str:
        return "text-bg-" + cls.colour(value)

    @classmethod
    def css_class(cls, value) -> str:
        """The state's own class if declared, else its badge class."""
        return cls._declared("css_classes").get(str(value)) or cls.badge_class(value)

    @classmethod
    def transition(cls, action: str) -> Transition:
        try:
            return cls._declared("transitions")[action]
        except KeyError:
            raise KeyError(f"{cls.__name__} declares no transition {action!r}") from None

    @classmethod
    def allows(cls, action: str, value) -> bool:
        """May ``action`` be taken from state ``value``?"""
        return str(value) in cls.transition(action).source

    @classmethod
    def actions_from(cls, value) -> dict[str, bool]:
        """Every declared action → whether it is allowed from ``value`` (for the buttons)."""
        return {action: str(value) in t.source for action, t in cls._declared("transitions").items()}

    @classmethod
    def label_of(cls, value) -> str:
        try:
            return str(cls(value).label)
        except ValueError:
            return str(value)


def lookup(name: str) -> type[StatusChoices]:
    """The StatusChoices registered as ``name`` ("delegation.ItemStatus")."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"no StatusChoices named {name!r} (known: {', '.join(sorted(REGISTRY))})") from None
