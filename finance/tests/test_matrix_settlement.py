"""The persona matrix of the yearly settlement statement (PDF, finance:town-settlement): the town's
clerk, the county office and the auditor read it for the towns in their jurisdiction, the
administrator everywhere; a superior department, a clerk of another town and a login without
membership get 404, anonymous the login page (the figures are in test_settlement.py)."""

from __future__ import annotations

from core.testing.cases import ScopedPageCases

from .test_matrix_api import entitlement_in


class TestSettlementStatement(ScopedPageCases):
    detail_name = "finance:town-settlement"
    detail_queries = ({"year": "2010"},)
    read_roles = frozenset({"clerk", "office", "auditor"})
    write_roles = frozenset()
    rows = 1

    def make(self, division, m):
        entitlement_in(division)
        return division
