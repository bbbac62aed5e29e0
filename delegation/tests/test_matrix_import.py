"""The persona matrix over delegation's import page, /delegation/import/ (core.testing.cases).

The page is core.importing's, mounted with delegation's menu and short kind names; the job pages
are also answered at their former addresses here (bookmarks, links in old mails). Importing is
for the roles that write the kind (a clerk its town's records, the office the catalogue), an
export for any member (a login without membership is refused), each holding the exporter's
own rows: what the files hold is in test_import_export.py.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from core.importing.models import ImportJob
from core.testing.cases import Route, ScopedPageCases

PAGE = 5  # session, user, memberships, the header's badge


def a_checked_import(self, division, m) -> ImportJob:
    """A checked file of exercise records with one error (its starter's alone)."""
    job = ImportJob(kind="delegation.exercise_record", file_format="csv", original_name="办件.csv",
                    status=ImportJob.Status.INVALID, total_rows=1, processed_rows=1, error_count=1,
                    errors=[{"row": 2, "column": "受理日期", "text": "日期无效"}], started_by=self.owner_of(m, division))
    job.file.save("办件.csv", ContentFile("\ufeff事项编码\n".encode()), save=False)
    job.save()
    return job


class TestImportJobFormerPages(ScopedPageCases):
    detail_name = "delegation-import:job"
    owner = "clerk_linxi"
    extra_routes = (
        Route("delegation-import:job-status"), Route("delegation-import:job-errors"),
        Route("delegation-import:job-confirm", "POST", write=True, expect=302),  # not valid: the reason, back
    )
    make = a_checked_import


class TestImportPage(ScopedPageCases):
    """The page for every signed-in user; the upload for the roles that write a kind (403 else)."""

    list_names = ("delegation-import:start",)
    write_roles = frozenset({"clerk", "office"})
    extra_routes = (Route("delegation-import:start", "POST", kwargs=None, write=True, expect=200),)  # no file: the form
    query_budget = PAGE + 2  # + the user's recent jobs, the kinds' permission checks


class TestExportPages(ScopedPageCases):
    no_membership_refused = True
    extra_routes = tuple(
        Route(f"delegation-import:{what}", kwargs={"kind": kind, "fmt": fmt}, label=f" {kind}.{fmt}")
        for what, kind, fmt in (("export", "exercise_record", "csv"), ("export", "item", "xlsx"),
                                ("export", "assignment", "csv"), ("template", "exercise_record", "xlsx"))
    )
