"""Search returns only in-scope results for every persona (issue 15 §3, Done-when), for every kind,
through the persona matrix (matrix_helpers): the page ``search:results`` and the API
``search-api:search-list``. Rows are made by each app's own factories and services."""

from __future__ import annotations

from core.testing.personas import COUNTY, ELSEWHERE_CITY
from delegation.choices import ItemStatus
from delegation.tests.factories import AgreementFactory, AssignmentFactory, ExerciseRecordFactory, ItemFactory
from delegation.tests.test_matrix_api import department_of, in_force_item
from landuse.tests.factories import project
from landuse.tests.test_matrix_quota import funded
from oversight.tests.factories import finding
from oversight.tests.test_matrix_api import group_of
from personnel.tests import factories_cadres
from personnel.tests.staffing_factories import person_in, staffed_town
from regions.tests.factories import TownFactory

from .matrix_helpers import SearchAPICases, SearchPageCases, serial


class TownRows:
    """New towns under the county: its office, auditor and the city's superior find them; the
    clerks of its other towns do not (a town sees only itself)."""

    kind, term = "town", "矩阵搜索镇"
    home, away = COUNTY, ELSEWHERE_CITY

    def make(self, division, m):
        return TownFactory(parent=division, name=self.name(), code=f"{division.code}{900 + next(serial) % 99:03d}",
                           pilot=False)


class ItemRows:
    """The county's items in force: read by the towns below it too (a published catalogue)."""

    kind, term = "item", "矩阵搜索事项"
    home, away = COUNTY, ELSEWHERE_CITY
    visible_below = True

    def make(self, division, m):
        return ItemFactory(status=ItemStatus.IN_FORCE, department=department_of(division), name=self.name())


class RecordRows:
    kind, term, field = "record", "矩阵搜索申请人", "applicant"

    def make(self, division, m):
        return ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(division), division=division),
                                     applicant=self.name())


class RecordNumberRows(RecordRows):
    """The same records found by a fragment of their decision number."""

    term, field = "矩搜决〔2025〕", "decision_number"

    def make(self, division, m):
        return ExerciseRecordFactory(assignment=AssignmentFactory(item=in_force_item(division), division=division),
                                     decision_number=f"{self.name()}号")


class AgreementRows:
    kind, term, field = "agreement", "矩阵搜索协〔2026〕", "number"

    def make(self, division, m):
        return AgreementFactory(department=department_of(division), division=division, number=f"{self.name()}号")


class ProjectRows:
    kind, term = "project", "矩阵搜索项目"

    def make(self, division, m):
        funded(division)
        return project(division, quota_mu="5", name=self.name())


class PersonRows:
    """People of the town: every role reads those of its jurisdiction (personnel's own pages)."""

    kind, term = "person", "矩阵搜索人"

    def make(self, division, m):
        return person_in(staffed_town(division, admin=3)[1], name=self.name())


class SecondmentRows:
    kind, term, field = "secondment", "矩阵搜索挂职", "person_name"

    def make(self, division, m):
        return factories_cadres.secondment(division, name=self.name())


class FindingRows:
    kind, term, field = "finding", "矩阵搜索问题", "description"

    def make(self, division, m):
        return finding(group_of(division), division, description=self.name())


class TestSearchTownPage(TownRows, SearchPageCases):
    """TownRows found on the results page."""


class TestSearchTownAPI(TownRows, SearchAPICases):
    """TownRows found through the API."""


class TestSearchItemPage(ItemRows, SearchPageCases):
    """ItemRows found on the results page."""


class TestSearchItemAPI(ItemRows, SearchAPICases):
    """ItemRows found through the API."""


class TestSearchRecordPage(RecordRows, SearchPageCases):
    """RecordRows found on the results page."""


class TestSearchRecordAPI(RecordRows, SearchAPICases):
    """RecordRows found through the API."""


class TestSearchRecordNumberPage(RecordNumberRows, SearchPageCases):
    """RecordNumberRows found on the results page."""


class TestSearchRecordNumberAPI(RecordNumberRows, SearchAPICases):
    """RecordNumberRows found through the API."""


class TestSearchAgreementPage(AgreementRows, SearchPageCases):
    """AgreementRows found on the results page."""


class TestSearchAgreementAPI(AgreementRows, SearchAPICases):
    """AgreementRows found through the API."""


class TestSearchProjectPage(ProjectRows, SearchPageCases):
    """ProjectRows found on the results page."""


class TestSearchProjectAPI(ProjectRows, SearchAPICases):
    """ProjectRows found through the API."""


class TestSearchPersonPage(PersonRows, SearchPageCases):
    """PersonRows found on the results page."""


class TestSearchPersonAPI(PersonRows, SearchAPICases):
    """PersonRows found through the API."""


class TestSearchSecondmentPage(SecondmentRows, SearchPageCases):
    """SecondmentRows found on the results page."""


class TestSearchSecondmentAPI(SecondmentRows, SearchAPICases):
    """SecondmentRows found through the API."""


class TestSearchFindingPage(FindingRows, SearchPageCases):
    """FindingRows found on the results page."""


class TestSearchFindingAPI(FindingRows, SearchAPICases):
    """FindingRows found through the API."""
