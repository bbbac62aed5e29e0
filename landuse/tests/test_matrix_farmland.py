"""The persona matrix over l2's pages and endpoints of landuse (core.testing.cases): the farmland
balance, the county's balancing entries, reclamations and their acceptance (the county office's
step: 403 for the town's clerk, who registers them), the town quota chart and the statement PDF.
What the matrix cannot know (the figures, the one payment) is in test_reclamation.py and
test_farmland_balance.py."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedAPICases, ScopedPageCases
from landuse import services
from landuse.choices import BalancingSource

from .farmland_factories import reclamation, with_arrangement

serial = itertools.count(1)
HISTORY = ({"tab": "history"},)
ACCEPT = {"accepted_on": "2012-05-10", "document_number": "矩阵验收", "area_mu": ""}


def entry(division, m=None):
    return services.farmland_balancing_create(town=division, year=2012, area_mu="5", source=BalancingSource.COUNTY_RESERVE,
                                              document_number=f"绩统筹{next(serial)}", recorded_on=datetime.date(2012, 12, 1))


def pending(division, m=None):
    with_arrangement(division)
    return reclamation(division, "12")


def accept_payload(m):
    return {**ACCEPT, "document_number": f"矩阵验收{next(serial)}"}


# --- pages ---------------------------------------------------------------------------------------

class TestFarmlandPage(ScopedPageCases):
    list_name = "landuse:farmland"
    query_budget = 12


class TestBalancingPages(ScopedPageCases):
    list_name = "landuse:balancing-list"
    create_name = "landuse:balancing-create"
    actions = {"landuse:balancing-reverse": {"reason": "矩阵冲销"}}
    query_budget = 8

    def make(self, division, m):
        return entry(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2012, "area_mu": "3.5", "source": BalancingSource.COUNTY_RESERVE,
                "document_number": f"绩统筹新{next(serial)}"}


class TestReclamationPages(ScopedPageCases):
    list_name = "landuse:reclamation-list"
    create_name = "landuse:reclamation-create"
    detail_name = "landuse:reclamation-detail"
    detail_queries = HISTORY
    write_roles = frozenset({"clerk", "office"})
    query_budget = 8

    def make(self, division, m):
        return pending(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "name": f"矩阵复垦{next(serial)}", "kind": "abandoned", "location": "",
                "area_mu": "8.25", "applied_on": "2012-04-01"}


class TestReclamationAcceptPages(ScopedPageCases):
    """Accepting and refusing are the county office's: the town's clerk sees the row, gets 403."""

    actions = {"landuse:reclamation-accept": accept_payload, "landuse:reclamation-reject": {"reason": "矩阵退回"}}

    def make(self, division, m):
        return pending(division)


class TestTownQuotaChart(ScopedPageCases):
    extra_routes = (Route("landuse:quota-chart", kwargs=None, query=lambda town: {"town": town.pk}),)

    def make(self, division, m):
        return division


class TestTownStatementPage(ScopedPageCases):
    detail_name = "landuse:town-statement"
    rows = 1

    def make(self, division, m):
        return division


# --- API -----------------------------------------------------------------------------------------

class TestReclamationAPI(ScopedAPICases):
    basename = "landuse-api:reclamation"
    write_roles = frozenset({"clerk", "office"})
    detail_gets = ("history",)
    query_budget = 4

    def make(self, division, m):
        return pending(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "name": f"矩阵复垦{next(serial)}", "kind": "unused", "area_mu": "20",
                "applied_on": "2012-04-01"}


class TestReclamationAcceptAPI(ScopedAPICases):
    basename = "landuse-api:reclamation"
    actions = {"accept": accept_payload, "reject": {"reason": "矩阵退回"}}
    write_roles = frozenset({"office"})  # the county office's steps: the clerk gets 403 before the lookup
    query_budget = 4

    def make(self, division, m):
        return pending(division)


class TestFarmlandBalancingAPI(ScopedAPICases):
    basename = "landuse-api:farmland-balancing"
    detail_gets = ("history",)
    actions = {"reverse": {"reason": "矩阵冲销"}}
    extra_routes = (Route("landuse-api:farmland-balancing-balance", kwargs=None, query={"year": 2012}),
                    Route("landuse-api:farmland-balancing-unbalanced", kwargs=None, query={"year": 2012}))
    query_budget = 4

    def make(self, division, m):
        return entry(division)

    def create_payload(self, m, division):
        return {"town": division.pk, "year": 2012, "area_mu": "2.5", "source": BalancingSource.COUNTY_RESERVE,
                "document_number": f"绩统筹API{next(serial)}"}


# --- import and export (core.importing, landuse's kinds) -----------------------------------------

class TestLanduseImportPage(ScopedPageCases):
    """The page for every signed-in user; the upload for the roles that write a kind (403 else)."""

    list_names = ("landuse-import:start",)
    write_roles = frozenset({"clerk", "office", "superior"})
    extra_routes = (Route("landuse-import:start", "POST", kwargs=None, write=True, expect=200),)  # no file: the form
    query_budget = 8


class TestLanduseExportPages(ScopedPageCases):
    no_membership_refused = True
    extra_routes = tuple(
        Route(f"landuse-import:{what}", kwargs={"kind": kind, "fmt": fmt}, label=f" {kind}.{fmt}")
        for what, kind, fmt in (("export", "project", "csv"), ("export", "allocation", "xlsx"),
                                ("template", "project", "xlsx"))
    )
