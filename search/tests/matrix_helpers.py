"""The persona matrix for search (core.testing.cases), one case per kind, for the page and the API.

The generic cases ask a list URL without a query; search needs one. ``SearchPageCases`` and
``SearchAPICases`` keep the generic checks (login, membership, the page for every persona) and
ask the scoped checks with ``?q=<the rows' common term>&kind=<kind>``: every persona finds the
rows it may read (``reads``: its role and jurisdiction, as for the row's own list page) and
never another's — a record of town A never reaches town B's clerk, the other province's row
reaches only the administrator. Each kind's rows come from its own app's factories and services.
"""

from __future__ import annotations

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing.cases import ScopedAPICases, ScopedPageCases
from core.testing.matrix import over
from core.testing.personas import PERSONAS
from search.selectors import BY_KEY

serial = itertools.count(1)


class _Search:
    kind = ""  # a key of search.selectors.KINDS
    term = ""  # in the searched field of every row the case makes

    def name(self) -> str:
        """A new name holding the case's term."""
        return f"{self.term}{next(serial)}"

    def search_url(self, q=None) -> str:
        q = self.term if q is None else q
        return reverse(self.list_name_or_route()) + f"?q={q}&kind={self.kind}&limit=100"

    def url_of(self, obj) -> str:
        return BY_KEY[self.kind].url(obj.pk)

    field = "name"  # the searched field the rows' names are in

    def exact(self, obj) -> str:
        """The row's whole name (what a user would type to find just this row)."""
        return getattr(obj, self.field)


class SearchPageCases(_Search, ScopedPageCases):
    list_name = "search:results"
    query_budget = 14

    def list_name_or_route(self):
        return self.list_name

    def listed(self, response, obj) -> bool:
        return self.url_of(obj) in response.content.decode()

    def check_list_is_scoped(self, m, persona):
        """The results show the rows the persona may read, and never the other province's."""
        p = self.persona(persona)
        response = self.client(m, persona).get(self.search_url())
        if p.anonymous:
            return self.assert_login_redirect(response, reverse(self.list_name))
        assert response.status_code == 200
        shown = [self.listed(response, obj) for obj in m.objects]
        if self.reads(p, m, m.home):
            assert all(shown), f"{persona} misses {self.kind} rows of {m.home.code}"
        else:
            assert not any(shown), f"{persona} is shown {self.kind} rows of {m.home.code}"
        assert self.listed(response, m.away_obj) == self.reads(p, m, m.away), f"{persona}: the {self.kind} elsewhere"

    @over(personas="budget")
    def check_list_query_budget(self, m, persona):
        """A search over every kind stays within the budget (one query a kind), whoever asks."""
        client = self.client(m, persona)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(self.list_name) + f"?q={self.term}")
        assert response.status_code == 200
        assert len(ctx.captured_queries) <= self.query_budget, "\n".join(q["sql"][:160] for q in ctx.captured_queries)


class SearchAPICases(_Search, ScopedAPICases):
    basename = "search-api:search"
    detail = False
    query_budget = 10

    def list_name_or_route(self):
        return f"{self.basename}-list"

    def hits(self, m, persona, q=None) -> set[int]:
        response = self.client(m, persona).get(self.search_url(q))
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert body["query"] == (self.term if q is None else q)
        return {hit["id"] for group in body["groups"] for hit in group["results"] if hit["kind"] == self.kind}

    def list_ids(self, m, persona: str) -> set:
        return self.hits(m, persona)

    def check_refused(self, m, persona) -> bool:
        p = self.persona(persona)
        response = self.client(m, persona).get(self.search_url())
        if p.anonymous:
            self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
            return True
        if self.refused_member(p):
            self.assert_refused(response, (403,), "permission_denied", "no membership")
            return True
        return False

    def check_row_of_town_a(self, m, persona):
        """Searching a row's own name finds it exactly when the persona may read it."""
        if self.check_refused(m, persona):
            return
        found = m.obj.pk in self.hits(m, persona, q=self.exact(m.obj))
        assert found == self.reads(self.persona(persona), m, m.home), f"{persona}: {self.kind} {m.obj.pk}"

    @over(personas=[n for n, p in PERSONAS.items() if not p.superuser])
    def check_row_elsewhere_is_404(self, m, persona):
        """The other province's row is never found, even by its full name."""
        if self.check_refused(m, persona):
            return
        assert m.away_obj.pk not in self.hits(m, persona, q=self.exact(m.away_obj)), persona

    @over(personas="budget")
    def check_list_query_budget(self, m, persona, django_assert_max_num_queries):
        with django_assert_max_num_queries(self.query_budget):
            response = self.client(m, persona).get(reverse(f"{self.basename}-list") + f"?q={self.term}")
        assert response.status_code == 200
