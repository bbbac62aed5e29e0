"""The office's list of filing due dates that moved when a holiday year was entered (DOMAIN.md §0).

A provisional (暂定) due date is counted with weekends only; when the year's State Council
notice is entered, ``services.record_due_recompute`` computes it again and writes a
FilingDueRecomputed row for every record whose date moved. This page lists them, scoped like
the records themselves, so the office can tell the towns concerned.
"""

from __future__ import annotations

from . import selectors
from .views_base import DelegationListView


class RecomputedListView(DelegationListView):
    template_name = "delegation/record_recomputed.html"

    def get_queryset(self):
        return selectors.due_recomputed_list(user=self.request.user)

    def get_extra_context(self):
        return {"provisional_count": selectors.provisional_record_count(user=self.request.user, at_most=9999)}
