"""The persona matrix over the personnel API (read only, core.testing ScopedAPICases): every
persona reads within its jurisdiction, 404 outside it, 403 without membership, POST/PATCH/DELETE
405 (nothing is written through this API), lists scoped within a fixed query budget."""

from __future__ import annotations

from core.testing.cases import ScopedAPICases

from . import factories_cadres as f
from .staffing_factories import approve, person_in, staffed_town


class TestStaffingTableAPI(ScopedAPICases):
    basename = "personnel-api:staffing"
    query_budget = 12

    def make(self, division, m):
        staffed_town(division, admin=2)
        return division


class TestPersonAPI(ScopedAPICases):
    basename = "personnel-api:person"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return person_in(staffed_town(division, admin=3)[1])


class TestInstitutionAPI(ScopedAPICases):
    basename = "personnel-api:institution"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return staffed_town(division, admin=1)[0]


class TestPostAPI(ScopedAPICases):
    basename = "personnel-api:post"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return staffed_town(division, admin=1)[1]


class TestApprovalAPI(ScopedAPICases):
    basename = "personnel-api:approval"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return approve(division)


class TestSecondmentAPI(ScopedAPICases):
    basename = "personnel-api:secondment"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return f.secondment(division)


class TestStationedUnitAPI(ScopedAPICases):
    basename = "personnel-api:unit"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return f.unit(division)


class TestConsultationAPI(ScopedAPICases):
    basename = "personnel-api:consultation"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return f.consultation(division)


class TestOpinionAPI(ScopedAPICases):
    basename = "personnel-api:opinion"
    detail_gets = ("history",)
    query_budget = 3

    def make(self, division, m):
        return f.opinion(division)
