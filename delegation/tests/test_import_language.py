"""An import job's errors are read in the reader's language (issue 9): the job stores each problem
as its message id and parameters, and the job page and the error CSV render them in the language
of whoever opens them — English for a reader who chose English, Chinese otherwise — whatever the
language of the person who uploaded the file. Only data (the cell values quoted back, codes,
names) stays as typed.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from core.importing.models import ImportJob

from . import test_import_export
from .test_import_export import RECORD_HEADERS, csv_bytes, read_csv, record_row

catalogue = test_import_export.catalogue  # the demo catalogue fixture

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]+")
# The values of the bad file as typed (quoted back in the messages) and the demo's names.
DATA = ["坏日期", "不存在的事项", "临政备〔2026〕801号", "临政备〔2026〕802号", "临政备〔2026〕803号", "临溪镇", "申请人"]


def _bad_file() -> bytes:
    return csv_bytes(RECORD_HEADERS, [
        record_row("临政备〔2026〕801号", decided="坏日期"),          # not a date
        record_row("临政备〔2026〕802号", item="不存在的事项"),         # an unknown item
        record_row("临政备〔2026〕803号", received="2026-10-10"),     # received after the decision
        record_row("", applicant=" "),                                 # required cells empty
    ])


def _upload(client) -> ImportJob:
    response = client.post(reverse("delegation-import:start"),
                           {"kind": "exercise_record", "file": SimpleUploadedFile("records.csv", _bad_file())})
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.status == ImportJob.Status.INVALID and job.error_count >= 4
    return job


def _read(client, job, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("delegation-import:job", args=[job.pk]))
    errors = client.get(reverse("importing:job-errors", args=[job.pk]))
    assert page.status_code == errors.status_code == 200
    return page.content.decode(), read_csv(errors.content)


def _strip_data(text: str) -> str:
    for value in sorted(DATA, key=len, reverse=True):
        text = text.replace(value, "")
    return text


@pytest.mark.parametrize("uploaded_in", ["zh-hans", "en"])
def test_error_list_and_csv_follow_the_readers_language(catalogue, client_for, uploaded_in):
    clerk = client_for(catalogue["clerk_linxi"])
    clerk.cookies[settings.LANGUAGE_COOKIE_NAME] = uploaded_in
    job = _upload(clerk)

    page, rows = _read(clerk, job, "en")
    assert rows[0] == ["Row", "Column", "Error"], rows[0]
    body = [r for r in rows[1:] if r[0]]
    assert len(body) == job.error_count
    for row, column, message in body:
        assert not CJK.search(_strip_data(column + message)), (row, column, message)
        assert message.endswith(".") and ".." not in message, message
    assert any("坏日期" in m and "date" in m for _, _, m in body), body
    # A model's own "required" message (full_clean, not the importer's cell check) too.
    assert ["5", "Applicant", "Applicant is required."] in body, body
    for _, column, message in body:  # the job page lists the same, escaped as Django escapes
        assert escape(column) in page and escape(message) in page, message

    page, rows = _read(clerk, job, "zh-hans")
    assert rows[0] == ["行号", "列", "错误说明"]
    assert ("2", "办结（决定）日期", "“坏日期”不是有效的日期，请按 2026-01-31 的格式填写。") in {tuple(r) for r in rows}
    assert "“坏日期”不是有效的日期" in page
