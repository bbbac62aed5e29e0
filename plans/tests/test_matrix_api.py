"""The persona matrix over the plans API (core.testing ScopedAPICases): plans scoped to the
jurisdiction (404 outside it, 403 without membership), a new plan drafted on POST (the office's,
inside its county), a new draft and a saved version as workflow steps, history, no DELETE."""

from __future__ import annotations

import itertools

from core.testing.cases import ScopedAPICases

from .factories import pilot, plan

serial = itertools.count(1)


class TestPlanAPI(ScopedAPICases):
    basename = "plans-api:plan"
    detail_gets = ("history",)
    actions = {"redraft": {}, "save-version": {"markdown": "# 方案\n\n编辑后的正文", "note": "矩阵"}}
    query_budget = 6

    def make(self, division, m):
        return plan(division)

    def create_payload(self, m, division):
        pilot(division)
        return {"division": division.pk, "title": f"{division.name}试点工作实施方案{next(serial)}", "min_chars": 1503}
