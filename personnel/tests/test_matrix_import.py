"""The persona matrix over personnel's import page, /personnel/import/ (core.importing with the
personnel tabs): the page for every signed-in user, the upload for those who write people or posts
(the office, the town's clerk), exports and templates of each kind for any member."""

from __future__ import annotations

from core.testing.cases import Route, ScopedPageCases

PAGE = 5  # session, user, memberships, the header's badge


class TestPersonnelImportPage(ScopedPageCases):
    list_names = ("personnel-import:start",)
    write_roles = frozenset({"clerk", "office"})
    extra_routes = (Route("personnel-import:start", "POST", kwargs=None, write=True, expect=200),)  # no file: the form
    query_budget = PAGE + 2


class TestPersonnelExportPages(ScopedPageCases):
    no_membership_refused = True
    extra_routes = tuple(
        Route(f"personnel-import:{what}", kwargs={"kind": kind, "fmt": fmt}, label=f" {kind} {what}.{fmt}")
        for kind in ("institution", "post", "person", "payroll_count")
        for what, fmt in (("export", "csv"), ("export", "xlsx"), ("template", "xlsx"))
    )
