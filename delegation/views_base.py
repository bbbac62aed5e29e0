"""What the catalogue's pages share on top of core's generic views (core/generic): the tab bar,
the filing state of records as the lists show it, and the scoping of rows through selectors."""

from __future__ import annotations

import datetime

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
