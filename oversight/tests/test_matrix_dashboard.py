"""The persona matrix over the oversight dashboard and its three chart endpoints (core.testing
ScopedPageCases): every login gets its own scoped figures (200), anonymous the login page; the
query count is fixed whoever asks."""

from __future__ import annotations

from core.testing.cases import ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY

CHARTS = ("oversight:dashboard-findings-chart", "oversight:dashboard-overdue-chart",
          "oversight:dashboard-standings-chart")


class TestDashboardPages(ScopedPageCases):
    """The dashboard and its charts: every persona with a login gets its own figures (200); the
    query count is fixed whoever asks."""

    list_names = ("oversight:index", *CHARTS)
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = {"oversight:index": 24, "oversight:dashboard-findings-chart": 4,
                    "oversight:dashboard-overdue-chart": 16, "oversight:dashboard-standings-chart": 5}
