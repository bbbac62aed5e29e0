"""The persona matrix of the page step that marks an action item (督办任务) done: the office over
the meeting's county; 403 for every other reader, 404 outside the jurisdiction (the clerks do
not see the county's meetings). Against oversight/tests/urls_o.py until the route is mounted
(coord/hunks/O.md), then the project's own URLs."""

from __future__ import annotations

import pytest

from core.testing.cases import ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY

from .test_matrix_api import held_meeting_with_action

pytestmark = pytest.mark.urls("oversight.tests.urls_o")


class TestActionDonePage(ScopedPageCases):
    actions = {"oversight:action-done": {"done_on": "2026-01-20", "note": "已补报备案"}}
    home, away = COUNTY, ELSEWHERE_CITY

    def make(self, division, m):
        return held_meeting_with_action(division).actions.first()
