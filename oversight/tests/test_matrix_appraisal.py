"""The persona matrix over the appraisal's pages and API (core.testing): indicator sets belong to the
county (the clerks do not see them: 404), a town's appraisal to the town (its clerk reads it, the
other town's clerk gets 404); only the office writes (403 for every reader), a row of another
province is 404 for everyone but the administrator, lists within a fixed query budget."""

from __future__ import annotations

import datetime
import itertools

from core.testing.cases import Route, ScopedAPICases, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from oversight import services_appraisal

from .test_matrix_api import group_of

# Years of the rows each class makes once (unique per group and year); what a test creates is
# rolled back with its savepoint, so a create can use one fixed year.
set_years = itertools.count(2100, -1)
appraisal_years = itertools.count(2025, -1)  # an appraisal is of a year that has begun
CREATED_YEAR = 2010
INDICATORS = [{"name": "按时备案", "weight": "40", "measure": "filing_on_time"},
              {"name": "便民服务", "weight": "60", "measure": ""}]


def indicator_set_of(division, year=None):
    return services_appraisal.indicator_set_create(group=group_of(division), year=year or next(set_years),
                                                   name="考核办法", indicators=INDICATORS, actor=None)


def appraisal_of(division, m=None):
    indicator_set = indicator_set_of(division, next(appraisal_years))
    return services_appraisal.appraisal_start(indicator_set=indicator_set, town=division, actor=None,
                                              today=datetime.date(2026, 1, 5))


def set_form(m, division=None):
    group = group_of(division or m.home)
    return {"group": group.pk, "year": str(CREATED_YEAR), "name": "新考核办法", "excellent_from": "90",
            "good_from": "80", "pass_from": "60", "name_1": "便民服务", "weight_1": "100", "measure_1": ""}


def _score_body(a):
    return {"indicator": a.scores.order_by("indicator__position").last().indicator_id, "score": "88", "reason": "现场检查"}


class TestIndicatorSetPages(ScopedPageCases):
    list_name = "oversight:indicator-set-list"
    detail_name = "oversight:indicator-set-detail"
    detail_queries = ({"tab": "history"},)
    edit_names = ("oversight:indicator-set-edit",)
    edit_payload = staticmethod(set_form)
    create_name = "oversight:indicator-set-create"
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 9

    def make(self, division, m):
        return indicator_set_of(division)

    def create_payload(self, m, division):
        return set_form(m, division)


class TestAppraisalPages(ScopedPageCases):
    """The town's appraisal: its clerk reads it; the office computes, scores, finalises, records the use."""

    list_name = "oversight:appraisal-list"
    detail_name = "oversight:appraisal-detail"
    detail_queries = ({"tab": "history"},)
    create_name = "oversight:appraisal-create"
    actions = {"oversight:appraisal-compute": {}, "oversight:appraisal-finalise": {"on": "2026-01-20"},
               "oversight:appraisal-use": {"kind": "reward", "text": "奖励", "decided_on": "2026-02-01"}}
    extra_routes = (
        Route("oversight:appraisal-score", "POST", write=True, row_body=_score_body),
        Route("oversight:appraisal-pdf"),
    )
    query_budget = 9

    def make(self, division, m):
        return appraisal_of(division)

    def create_payload(self, m, division):
        return {"indicator_set": indicator_set_of(division, CREATED_YEAR).pk, "town": division.pk}


class TestIndicatorSetAPI(ScopedAPICases):
    basename = "oversight-api:indicator-set"
    detail_gets = ("history",)
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 4

    def make(self, division, m):
        return indicator_set_of(division)

    def create_payload(self, m, division):
        return {"group": group_of(division).pk, "year": CREATED_YEAR, "name": "接口考核办法",
                "indicators": [{"name": "综合", "weight": "100.00"}]}


class TestAppraisalAPI(ScopedAPICases):
    basename = "oversight-api:appraisal"
    detail_gets = ("history",)
    actions = {"compute": {}, "finalise": {"on": "2026-01-20"},
               "use": {"kind": "reward", "text": "奖励", "decided_on": "2026-02-01"}}
    extra_routes = (Route("oversight-api:appraisal-score", "POST", write=True, row_body=_score_body),)
    query_budget = 5

    def make(self, division, m):
        return appraisal_of(division)

    def create_payload(self, m, division):
        return {"indicator_set": indicator_set_of(division, CREATED_YEAR).pk, "town": division.pk}

