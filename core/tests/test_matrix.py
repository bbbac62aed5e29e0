"""The persona matrix over core's own pages (core.testing.cases)."""

from core.testing.cases import ScopedPageCases


class TestHomePage(ScopedPageCases):
    """The home page: every app's card with figures of the persona's jurisdiction (tests/test_home.py
    asserts the figures); anonymous goes to the login page."""

    list_names = ("home",)
    query_budget = 12 + 3 + 4 + 4 + 3  # + finance card (3 figures), landuse card (accounts, their figures, 3 counts),
    # personnel card (4 counts), oversight card (3 counts)
