"""The persona matrix over /api/v1/regions/ and the /regions/ pages (core.testing.cases).

Divisions, pilot designations and memberships are kept by administrators (no role writes them);
departments are renamed or deactivated by the office. What each persona sees exactly, the
history contents and the cursor walk are in tests/test_scoping_api.py and test_scoping_ui.py.
"""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from core.testing.cases import ScopedAPICases, ScopedPageCases
from regions import services
from regions.choices import PilotKind
from regions.models import PilotDesignation

from .factories import DepartmentFactory

serial = itertools.count(1)
HISTORY = ({"tab": "history"},)


def itself(self, division, m):
    """The division is the row."""
    return division


class TestDivisionAPI(ScopedAPICases):
    basename = "division"
    write_roles = frozenset()
    detail_gets = ("history",)
    query_budget = 3
    make = itself


class TestDepartmentAPI(ScopedAPICases):
    """A town's own department (财政所): its clerk sees it, the office above it renames it."""

    basename = "department"
    detail_gets = ("history",)
    update = {"name": "矩阵改名"}
    query_budget = 3

    def make(self, division, m):
        return DepartmentFactory(division=division)


class TestPilotDesignationAPI(ScopedAPICases):
    basename = "pilotdesignation"
    write_roles = frozenset()
    detail_gets = ("history",)
    rows = 1  # the demo's designation of the town (one active per town and kind)
    query_budget = 3

    def make(self, division, m):
        return PilotDesignation.objects.get(division=division, kind=PilotKind.TOWN, revoked_on__isnull=True)


class TestMembershipAPI(ScopedAPICases):
    basename = "membership"
    write_roles = frozenset()
    query_budget = 3

    def make(self, division, m):
        user = get_user_model().objects.create_user(f"matrix-member-{next(serial)}")
        return services.membership_grant(user=user, division=division, role="auditor")


class TestDivisionPages(ScopedPageCases):
    list_name = "regions:division-list"
    detail_name = "regions:division-detail"
    detail_queries = HISTORY
    write_roles = frozenset()
    query_budget = 7
    make = itself


class TestDepartmentPages(ScopedPageCases):
    list_name = "regions:department-list"
    detail_name = "regions:department-detail"
    detail_queries = HISTORY
    edit_names = ("regions:department-edit",)
    edit_payload = {"name": "矩阵改名", "is_active": "on"}
    query_budget = 7

    def make(self, division, m):
        return DepartmentFactory(division=division)
