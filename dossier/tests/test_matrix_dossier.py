"""The persona matrix of the dossier's pages (issue 15 §2): a dossier is its town's; everyone
whose jurisdiction takes in the town reads it (the town's clerk, the county's office and auditor,
the city's superior department), 404 for another town's clerk and outside, the login page without
a login. The row is the town itself."""

from __future__ import annotations

from core.testing.cases import Route, ScopedPageCases


class TestDossierPages(ScopedPageCases):
    list_name = "dossier:index"
    detail_name = "dossier:town"
    extra_routes = (Route("dossier:town-pdf", query={"start": "2026-01-01", "end": "2026-06-30"}),)
    rows = 1
    query_budget = 8

    def make(self, division, m):
        return division
