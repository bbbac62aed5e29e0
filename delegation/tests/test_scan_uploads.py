"""Scans checked by content on the models (issue 10 §3): core.uploads through full_clean, so the
service, the page, the API and the admin refuse the same files. Before: any bytes named 回执.pdf
were stored as a receipt scan (an HTML page with a script, a renamed program)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.tests.test_uploads import HTML, PDF, PNG

pytestmark = pytest.mark.usefixtures("demo_module")  # the demo hierarchy, loaded once for the module (conftest.py)


@pytest.fixture
def overdue(personas):
    from delegation.demo import load_demo_delegation
    from delegation.models import ExerciseRecord

    load_demo_delegation()
    record = ExerciseRecord.objects.get(decision_number="临城罚〔2026〕7号")
    assert record.filed_on is None and record.filing_due_on < timezone.localdate()
    return record


@pytest.mark.django_db
def test_a_receipt_scan_that_is_not_a_scan_is_refused_by_the_service(overdue, personas):
    from delegation import services

    with pytest.raises(ValidationError) as refused:
        services.exercise_record_file(record=overdue, filed_on=overdue.filing_due_on, actor=personas["clerk_linxi"],
                                      filing_receipt_scan=SimpleUploadedFile("回执.pdf", HTML))
    assert "PDF、PNG 图片、JPEG 图片" in refused.value.message_dict["filing_receipt_scan"][0]
    overdue.refresh_from_db()
    assert overdue.filed_on is None and not overdue.filing_receipt_scan


@pytest.mark.django_db
def test_the_filing_page_shows_the_message(overdue, personas, client_for):
    clerk = client_for(personas["clerk_linxi"])
    url = reverse("delegation:record-file", args=[overdue.pk])
    filed_on = overdue.filing_due_on.isoformat()
    page = clerk.post(url, {"filed_on": filed_on, "filing_receipt_scan": SimpleUploadedFile("回执.pdf", HTML)}, follow=True)
    assert "只能上传 PDF、PNG 图片、JPEG 图片 文件" in page.content.decode()  # the step's refusal, on the record
    overdue.refresh_from_db()
    assert overdue.filed_on is None
    assert clerk.post(url, {"filed_on": filed_on, "filing_receipt_scan": SimpleUploadedFile("回执.png", PNG)}).status_code == 302


@pytest.mark.django_db
def test_an_agreement_scan_is_checked_in_full_clean(personas):
    from delegation.tests.factories import AgreementFactory

    agreement = AgreementFactory()
    agreement.scan = SimpleUploadedFile("协议.pdf", HTML)
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert "scan" in refused.value.message_dict
    agreement.scan = SimpleUploadedFile("协议.pdf", PDF)
    agreement.full_clean()
