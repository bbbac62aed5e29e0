"""What the catalogue's pages share on top of core's generic views (core/generic): the tab bar,
the filing state of records as the lists show it, the record list's columns, and the scoping of
rows through selectors."""

from __future__ import annotations

import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.generic.columns import Column
from core.generic.lists import ScopedListView

from .choices import FilingState


class DelegationListView(ScopedListView):
    """A list of the catalogue: its tab bar above; rows come from a selector (``get_queryset``)."""

    nav_template = "delegation/_nav.html"


def decorate_records(rows, today: datetime.date):
    """Set ``state``, ``state_label``, ``state_css`` and ``days_overdue`` on each record (no queries)."""
    labels = {state: str(state.label) for state in FilingState}  # once per page: no lazy proxy per row
    for record in rows:
        state = FilingState(record.filing_state(today).value)
        record.state = state
        record.state_label = labels[state]
        record.state_css = FilingState.css_class(state)
        reference = record.filed_on or today
        record.days_overdue = max((reference - record.filing_due_on).days, 0)
    return rows


def record_columns(*, can_write: bool) -> tuple[Column, ...]:
    """The record list's rows as core.generic Columns (rendered in Python: a 50-row page through
    the template resolved ~1,200 variables and tags, the largest part of the page's time). The
    rows come from ``decorate_records`` with ``outcome_label`` and, for writers, ``file_url``;
    the texts are translated once per page."""
    provisional = (f' <span class="badge text-bg-warning" title="{escape(gettext("该年度节假日安排尚未录入，按周末推算，录入后自动重算"))}"'
                   f' data-testid="due-provisional">{escape(gettext("暂定"))}</span>')
    late = (f' <span class="badge text-bg-info" title="{escape(gettext("逾期后才登记、备案日期不晚于期限：凭受理部门回执补录"))}"'
            f' data-testid="late-entry">{escape(gettext("补录"))}</span>')
    overdue = FilingState.OVERDUE.value
    file_button = ('<button class="btn btn-sm btn-outline-primary py-0 text-nowrap" type="submit" form="file-form"'
                   ' formaction="{url}" data-testid="file-button">' + escape(gettext("备案")) + "</button>")

    def due(r):
        return mark_safe(r.filing_due_on.isoformat() + (provisional if r.filing_due_provisional else ""))  # nosec B308, B703 # an ISO date and the escaped badge above

    def filed(r):
        if not r.filed_on:
            return mark_safe("—")  # nosec B308 # a literal
        return mark_safe(r.filed_on.isoformat() + (late if r.filing_late_entry else ""))  # nosec B308, B703 # an ISO date and the escaped badge above

    def state(r):
        days = ""
        if r.state == overdue:
            days = escape(ngettext("（逾期%(days)s天）", "（逾期%(days)s天）", r.days_overdue) % {"days": r.days_overdue})
        return mark_safe(f'<span class="{r.state_css}" data-testid="filing-state" data-state="{r.state.value}">'  # nosec B308, B703 # the label and the days escaped; class and state from the code
                         f"{escape(r.state_label)}{days}</span>")

    columns = (
        Column("", "decision_number", link="delegation:record-detail", css="text-nowrap"),
        Column("", "item_name", css="col-text"),
        Column("", "applicant", css="col-text"),
        Column("", "division_name", css="text-nowrap"),
        Column("", "decided_on", css="text-nowrap"),
        Column("", "outcome_label", css="text-nowrap"),
        Column("", due, css="text-nowrap"),
        Column("", filed, css="text-nowrap"),
        Column("", state),
    )
    if can_write:
        columns += (Column("", lambda r: mark_safe(file_button.format(url=escape(r.file_url))) if r.file_url else "",  # nosec B308, B703 # the URL escaped into a literal button
                           empty=""),)
    return columns


def record_row_attrs(record) -> dict:
    return {"data-testid": "record-row", "data-decision": record.decision_number}
