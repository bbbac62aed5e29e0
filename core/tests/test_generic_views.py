"""The generic pages' own rules, without any app: states declared on the choices, the rows a list
renders in Python, and the history tab on every detail page the project mounts."""

from __future__ import annotations

import datetime
import re
from enum import nonmember

from django.template.loader import get_template
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.safestring import mark_safe

from core.generic.columns import Column, render_rows
from core.generic.details import ScopedDetailView
from core.states import StatusChoices, Transition, lookup


class LampState(StatusChoices):
    OFF = "off", "关"
    ON = "on", "开"
    BROKEN = "broken", "坏"

    colours = nonmember({"off": "secondary", "on": "success", "broken": "danger"})
    transitions = nonmember({
        "switch-on": Transition(source=("off",), target="on"),
        "repair": Transition(source=("broken",), target="off"),
    })


def test_transitions_and_colours_are_read_from_the_choices():
    assert LampState.allows("switch-on", "off") and not LampState.allows("switch-on", "broken")
    assert LampState.actions_from("broken") == {"switch-on": False, "repair": True}
    assert LampState.badge_class("on") == "text-bg-success"
    assert LampState.css_class("broken") == "text-bg-danger"
    assert lookup("core.LampState") is LampState


class Row:
    def __init__(self, pk, name, on, state):
        self.pk, self.name, self.on, self.state = pk, name, on, state


def test_columns_escape_values_and_draw_badges():
    rows = [Row(7, "<b>甲</b>", datetime.date(2026, 1, 2), "broken"), Row(8, mark_safe("<i>乙</i>"), None, "on")]
    html = render_rows(
        [Column("名称", "name"), Column("日期", "on"), Column("状态", badge=("state", "core.LampState"))],
        rows, row_attrs=lambda r: {"data-pk": r.pk},
    )
    assert '<tr data-pk="7"><td>&lt;b&gt;甲&lt;/b&gt;</td><td>2026-01-02</td>' in html
    assert '<span class="badge text-bg-danger">坏</span>' in html
    assert "<td><i>乙</i></td><td>—</td>" in html  # safe values kept, None as a dash


def _patterns(resolver):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p)
        elif isinstance(p, URLPattern):
            yield p


def test_every_detail_page_has_the_history_tab():
    views = [p.callback.view_class for p in _patterns(get_resolver())
             if isinstance(getattr(p.callback, "view_class", None), type)
             and issubclass(p.callback.view_class, ScopedDetailView)]
    assert len(views) >= 7  # delegation's five, regions' two
    for view in views:
        if getattr(view, "no_history_because", ""):  # a page of a job, not of a kept record: says why
            assert not view.history_tab, view
            continue
        assert view.history_tab, view
        source = _source_with_parents(view.template_name)
        assert "generic/detail_tabs.html" in source and "includes/history.html" in source, view


def _source_with_parents(name: str) -> str:
    """A template's source and those of the templates it extends (generic/detail.html holds the
    tabs and the history include for the pages built on it)."""
    sources = []
    while name:
        source = get_template(name).template.source
        sources.append(source)
        match = re.match(r'\s*{%\s*extends\s+"([^"]+)"\s*%}', source)
        name = match.group(1) if match else ""
    return "\n".join(sources)
