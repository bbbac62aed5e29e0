"""The persona matrix of the dossier API (issue 15 §2; core.testing ScopedAPICases), read as the
page is (test_matrix_dossier): everyone whose jurisdiction takes in the town reads its dossier
and its PDF (the town's clerk, the county's office and auditor, the city's superior department);
404 for another town's clerk and for a town outside every jurisdiction, 403 without a
membership, 401 anonymous; nothing is written (POST/PATCH/DELETE are not routes). The row is the
town itself."""

from __future__ import annotations

from core.testing.cases import ScopedAPICases


class TestDossierAPI(ScopedAPICases):
    basename = "dossier-api:town"
    detail_gets = ("pdf",)
    write_roles = frozenset()  # nobody writes a dossier: it is read from the apps' records
    rows = 1
    query_budget = 6

    def make(self, division, m):
        return division
