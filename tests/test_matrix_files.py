"""The persona matrix over the checked file downloads, /files/… (core.testing.cases).

One view serves every stored file after the owning app's check (core.files): a scan to whoever
may read its row (404 outside the jurisdiction, as the row's page), an import job's file to the
user who uploaded it (and administrators). Headers, names, X-Sendfile and the API's token are in
test_files.py.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from core import files
from core.importing.models import ImportJob
from core.testing.cases import Route, ScopedPageCases
from delegation.tests.factories import AgreementFactory
from delegation.tests.test_matrix_api import department_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def download(field: str):
    def kwargs(obj) -> dict:
        url = files.url_for(obj, field)  # the URL the pages and the API link
        model, pk, name = url.strip("/").split("/")[1:]
        return {"model": model, "pk": pk, "field": name}

    return kwargs


class TestAgreementScanDownload(ScopedPageCases):
    extra_routes = (Route("files:download", kwargs=download("scan")),)

    def make(self, division, m):
        agreement = AgreementFactory(department=department_of(division), division=division)
        agreement.scan.save("协议.pdf", ContentFile(PDF), save=True)
        return agreement


class TestImportFileDownload(ScopedPageCases):
    owner = "clerk_linxi"
    extra_routes = (Route("files:download", kwargs=download("file")),)

    def make(self, division, m):
        job = ImportJob(kind="delegation.exercise_record", file_format="csv", original_name="办件.csv",
                        status=ImportJob.Status.INVALID, started_by=self.owner_of(m, division))
        job.file.save("办件.csv", ContentFile("\ufeff事项编码\n".encode()), save=True)
        return job
