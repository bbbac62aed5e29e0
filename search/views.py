"""The results page of the header's search box (issue 15 §3): ``search:results``, GET ?q=…

Hits grouped by kind with their counts, each linking to its row's own page; ?kind= shows one
kind's first hundred. An empty, too long or unreadable query gets its message on the page (no
error status: it is the user's typing, not a fault). Reads only through search.selectors.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from . import selectors
from .rules import MAX_LENGTH, QueryError, clean_query


class SearchResultsView(LoginRequiredMixin, TemplateView):
    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in selectors.BY_KEY else ""
        context.update(search_query=raw[:MAX_LENGTH], kind=selectors.BY_KEY.get(kind), groups=[], error="")
        try:
            text = clean_query(raw)
        except QueryError as exc:
            context["error"] = exc.message
            return context
        groups = selectors.search(user=self.request.user, text=text, kinds=(kind,) if kind else None,
                                  limit=selectors.MAX_LIMIT if kind else selectors.DEFAULT_LIMIT)
        context.update(search_query=text, groups=groups, searched=True)
        return context
