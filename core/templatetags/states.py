"""Colours of states in templates, read from the choices that declare them (core/states.py).

    {% load states %}
    <span class="badge {{ item.status|badge:'delegation.ItemStatus' }}">{{ item.get_status_display }}</span>
    <span class="{{ record.state|state_css:'delegation.FilingState' }}">…</span>

One dict lookup each: cheap enough for every row of a list.
"""

from __future__ import annotations

from django import template

from core.states import lookup

register = template.Library()


@register.filter
def badge(value, choices: str) -> str:
    """``text-bg-<colour>`` of state ``value`` of the StatusChoices named ``choices``."""
    return lookup(choices).badge_class(value)


@register.filter
def state_css(value, choices: str) -> str:
    """The state's own css class if declared (``css_classes``), else its badge class."""
    return lookup(choices).css_class(value)


@register.filter
def state_label(value, choices: str) -> str:
    return lookup(choices).label_of(value)
