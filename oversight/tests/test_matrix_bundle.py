"""The persona matrix of the auditor's report bundle (issue 14 §6), pages and API: a bundle is
its division's, read and asked for by the office and the auditors over it (a town's clerk and a
superior department get 404 on it, 403 on the form); 404 outside the jurisdiction, the login page
or 401 without a login. The matrix's bundles stay queued (their job is sent after commit, and the
matrix's class-wide transaction never commits); the PDF's download is tested in test_bundle.py."""

from __future__ import annotations

import datetime

from core.testing.cases import Route, ScopedAPICases, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from oversight.models import Bundle

AUDITING = frozenset({"office", "auditor"})


def a_bundle(division, m):
    return Bundle.objects.create(requested_by=m.users["admin"], division=division,
                                 period_from=datetime.date(2026, 1, 1), period_to=datetime.date(2026, 6, 30))


def payload(m, division):
    return {"division": division.pk, "period_from": "2026-01-01", "period_to": "2026-06-30"}


class TestBundlePages(ScopedPageCases):
    list_name = "oversight:bundle-list"
    detail_name = "oversight:bundle-detail"
    create_name = "oversight:bundle-create"
    extra_routes = (Route("oversight:bundle-status"),)
    home, away = COUNTY, ELSEWHERE_CITY
    read_roles = write_roles = AUDITING
    query_budget = 9

    def make(self, division, m):
        return a_bundle(division, m)

    def create_payload(self, m, division):
        return payload(m, division)


class TestBundleAPI(ScopedAPICases):
    basename = "oversight-api:bundle"
    home, away = COUNTY, ELSEWHERE_CITY
    read_roles = write_roles = AUDITING
    query_budget = 4

    def make(self, division, m):
        return a_bundle(division, m)

    def create_payload(self, m, division):
        return payload(m, division)
