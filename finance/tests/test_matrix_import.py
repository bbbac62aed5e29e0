"""The persona matrix over finance's import page, /finance/import/ (core.importing with the
finance menu): the page for every signed-in user, the upload for those who write revenue (the
office, the town's clerk), exports and the template for any member."""

from __future__ import annotations

from core.testing.cases import Route, ScopedPageCases

PAGE = 5  # session, user, memberships, the header's badge


class TestFinanceImportPage(ScopedPageCases):
    list_names = ("finance-import:start",)
    write_roles = frozenset({"clerk", "office"})
    extra_routes = (Route("finance-import:start", "POST", kwargs=None, write=True, expect=200),)  # no file: the form
    query_budget = PAGE + 2


class TestFinanceExportPages(ScopedPageCases):
    no_membership_refused = True
    extra_routes = tuple(
        Route(f"finance-import:{what}", kwargs={"kind": "revenue_record", "fmt": fmt}, label=f" {what}.{fmt}")
        for what, fmt in (("export", "csv"), ("export", "xlsx"), ("template", "xlsx"))
    )
