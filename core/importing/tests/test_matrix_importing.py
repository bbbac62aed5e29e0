"""The persona matrix over the generic import and export pages, /import/… (core.testing.cases).

A job is its starter's (``owner``): anyone else gets 404 on its page, its status, its errors, its
confirmation and its file; administrators see every job. The pages of a kind are declared with a
kind of core's own (holiday-calendar days, .resource), registered for these classes only:
exported by every signed-in user, imported by those holding ``core.add_calendaryear`` (the
office and the superior roles). What the pages do is in delegation's import tests.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from core.importing import registry
from core.importing.models import ImportJob
from core.testing.cases import Route, ScopedPageCases

from .resource import CalendarDayResource

KEY = "core.matrix_day"
CSV = {"key": KEY, "fmt": "csv"}
PAGE = 5  # session, user, memberships, the header's badge


@pytest.fixture(scope="class", autouse=True)
def matrix_kind():
    """The kind, registered while the class runs (the import page lists every registered kind)."""
    from core.models import CalendarDay

    registry.register(KEY, CalendarDayResource, label="矩阵日历日",
                      export_queryset=lambda *, user, filters=None, request=None: CalendarDay.objects.order_by("date"),
                      may_import=lambda user: user.has_perm("core.add_calendaryear"))
    yield KEY
    registry._registry.pop(KEY, None)


def a_finished_export(self, division, m) -> ImportJob:
    """A finished export of the owner's, with its file (the download is the owner's only)."""
    job = ImportJob(direction=ImportJob.Direction.EXPORT, kind=KEY, file_format="csv", original_name="矩阵导出.csv",
                    status=ImportJob.Status.DONE, total_rows=1, processed_rows=1, started_by=self.owner_of(m, division))
    job.file.save("矩阵导出.csv", ContentFile("\ufeff年度,日期\n".encode()), save=False)
    job.save()
    return job


class TestImportJobPages(ScopedPageCases):
    detail_name = "importing:job"
    owner = "clerk_linxi"
    extra_routes = (
        Route("importing:job-status"), Route("importing:job-status-json"), Route("importing:job-errors"),
        Route("importing:job-download"),
        Route("importing:job-confirm", "POST", write=True, expect=302),  # a finished job: the reason, back to its page
    )
    make = a_finished_export


class TestImportStartPages(ScopedPageCases):
    """The import page of every kind, and a kind's export and template, for every signed-in user."""

    list_names = ("importing:start",)
    extra_routes = (
        Route("importing:export", kwargs=CSV),
        Route("importing:export", kwargs={"key": KEY, "fmt": "xlsx"}, label=".xlsx"),
        Route("importing:template", kwargs=CSV),
    )
    query_budget = PAGE + 2  # + the user's recent jobs, the permission check of each kind
