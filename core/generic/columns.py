"""The rows of a list page, rendered in Python from declared columns.

A Django template spends ~5 µs on each variable, filter and tag it resolves; a 50-row page of ten
columns, with links, badges and dates, resolves thousands of them and rendering became the
largest part of the list pages' time (issue 7 §3). A column is declared once, its getter and its
URL prefix are prepared once per page, and each cell is one f-string with one escape::

    columns = (
        Column(_("协议编号"), "number", link="delegation:agreement-detail", css="text-nowrap"),
        Column(_("承接主体"), "division.name"),
        Column(_("签署日期"), "signed_on"),
        Column(_("状态"), badge=("status", "delegation.ItemStatus")),
    )

``value`` is an attribute path or a function of the row; what it returns is escaped unless it is
already safe (``format_html``). Dates print as ISO dates, None and "" as "—", booleans as 是/否.
``badge`` draws a state badge in the colour its StatusChoices declares, with the state's label.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.states import lookup

from .navigation import pk_url


@dataclass(frozen=True)
class Column:
    label: str
    value: str | Callable = ""
    link: str = ""  # URL name, reversed with the row's ``link_pk``
    link_pk: str = "pk"
    css: str = ""  # class of the cell
    badge: tuple[str, str] | None = None  # (attribute, "app.StatusChoices")
    empty: str = "—"


def _cell_text(value, empty: str, yes: str, no: str) -> str:
    if value is None or value == "":
        return empty
    if isinstance(value, SafeString):
        return value
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape(value)


def _renderer(column: Column):
    """A function row → the cell's HTML, with everything that does not depend on the row done once."""
    yes, no = gettext("是"), gettext("否")
    open_td = f'<td class="{column.css}">' if column.css else "<td>"
    if column.badge is not None:
        attr, choices_name = column.badge
        choices = lookup(choices_name)
        get = attrgetter(attr)
        labels = {value: escape(label) for value, label in choices.choices}
        classes = {value: choices.badge_class(value) for value in choices.values}

        def badge(row):
            state = get(row)
            return f'{open_td}<span class="badge {classes.get(state, "text-bg-secondary")}">{labels.get(state, escape(state))}</span></td>'

        return badge
    get = column.value if callable(column.value) else attrgetter(column.value)
    if column.link:
        url, get_pk = pk_url(column.link), attrgetter(column.link_pk)

        def linked(row):
            return f'{open_td}<a href="{url(get_pk(row))}">{_cell_text(get(row), column.empty, yes, no)}</a></td>'

        return linked

    def plain(row):
        return f"{open_td}{_cell_text(get(row), column.empty, yes, no)}</td>"

    return plain


def render_rows(columns: Iterable[Column], rows: Iterable, *, row_attrs: Callable | None = None) -> SafeString:
    """``<tr>…</tr>`` for every row; ``row_attrs(row)`` gives the ``<tr>``'s attributes (a dict)."""
    cells = [_renderer(c) for c in columns]
    out = []
    for row in rows:
        attrs = ""
        if row_attrs is not None:
            attrs = "".join(f' {name}="{conditional_escape(value)}"' for name, value in row_attrs(row).items())
        out.append(f"<tr{attrs}>" + "".join(cell(row) for cell in cells) + "</tr>")
    return mark_safe("".join(out))  # nosec B308, B703 # every value above went through escape()
