"""Delegation's notices (issue 9): filings due within 7 days and overdue, to the town's clerks and
the county office; provisional due dates recomputed, to the office and the record's clerks.

Built on the demo: clerk_linxi is 临溪镇's clerk, clerk_other 华阳镇's, office 绩溪县's office.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from core import deadlines
from core.models import CalendarYear
from core.notifications import services as notification_services
from core.notifications import tasks
from core.notifications.models import Notification
from delegation import notices
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord, FilingDueRecomputed
from delegation.tests.test_provisional import DAYS_2027, register
from regions.models import Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

D = datetime.date
TODAY = D(2026, 12, 2)


@pytest.fixture
def catalogue(personas):
    from core.services import calendar_year_import_from_package

    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_import_from_package(year=year)
    deadlines.clear_cache()
    load_demo_delegation()
    from delegation.models import Item

    return {"items": {i.code: i for i in Item.objects.all()}, "linxi": Division.objects.get(code="341824101")}


def expected(day: datetime.date) -> dict[str, set[int]]:
    """What the rules say, from the stored due dates: record ids per kind."""
    unfiled = ExerciseRecord.objects.filter(filed_on__isnull=True)
    return {
        notices.DUE_SOON.code: set(unfiled.filter(filing_due_on__gte=day, filing_due_on__lte=day + datetime.timedelta(days=7))
                                   .values_list("id", flat=True)),
        notices.OVERDUE.code: set(unfiled.filter(filing_due_on__lt=day, filing_due_on__gte=day - datetime.timedelta(days=90))
                                  .values_list("id", flat=True)),
    }


def subjects(user, kind) -> list[int]:
    keys = Notification.objects.filter(addressee=user, kind=kind).values_list("subject_key", flat=True)
    return sorted(int(key.rsplit(":", 1)[1]) for key in keys)


def test_the_daily_job_tells_the_clerk_and_the_office_once(catalogue, personas):
    want = expected(TODAY)
    assert want[notices.DUE_SOON.code] and want[notices.OVERDUE.code]  # the demo has both
    first = tasks.run_daily_task(TODAY.isoformat())["delegation"]
    assert first == 2 * (len(want[notices.DUE_SOON.code]) + len(want[notices.OVERDUE.code]))  # clerk + office
    assert tasks.run_daily_task(TODAY.isoformat())["delegation"] == 0
    # The next day writes nothing again for the same records: a reminder is about its due date.
    # The next day writes only what is new: a reminder is about its due date, so a record already
    # reminded of is not again, and one that lapsed since gets its overdue notice.
    later = expected(TODAY + datetime.timedelta(days=1))
    new = sum(len(later[kind] - want[kind]) for kind in want)
    assert notification_services.notifications_run_daily(day=TODAY + datetime.timedelta(days=1))["delegation"] == 2 * new
    for who in ("clerk_linxi", "office"):
        for kind, ids in want.items():
            assert set(subjects(personas[who], kind)) >= ids
    # Not to another town's clerk, nor to roles that do not file.
    for who in ("clerk_other", "auditor", "superior"):
        assert not Notification.objects.filter(addressee=personas[who]).exists()
    record = ExerciseRecord.objects.get(pk=min(want[notices.OVERDUE.code]))
    notice = Notification.objects.get(addressee=personas["clerk_linxi"], subject_key=f"delegation.exercise_record:{record.pk}")
    assert notice.url == reverse("delegation:record-detail", args=[record.pk])
    assert record.decision_number in notice.title and "逾期" in notice.title and notice.day == record.filing_due_on


def test_the_clerk_sees_the_notice_the_other_town_gets_404(catalogue, personas, client_for, api_for):
    notification_services.notifications_run_daily(day=TODAY)
    notice = Notification.objects.filter(addressee=personas["clerk_linxi"]).first()
    page = client_for(personas["clerk_linxi"]).get(reverse("notifications:list")).content.decode()
    assert notice.title in page and 'data-testid="unread-badge"' in page
    assert client_for(personas["clerk_other"]).get(reverse("notifications:detail", args=[notice.pk])).status_code == 404
    assert client_for(personas["office"]).get(reverse("notifications:detail", args=[notice.pk])).status_code == 404
    assert api_for(personas["clerk_other"]).get(f"/api/v1/notifications/{notice.pk}/").status_code == 404
    assert api_for(personas["clerk_other"]).get("/api/v1/notifications/").json()["results"] == []


def test_mail_to_the_clerk_once(catalogue, personas, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clerk = personas["clerk_linxi"]
    clerk.email = "linxi@example.org"
    clerk.save(update_fields=["email"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notification_services.notifications_run_daily(day=TODAY)
    assert [m.to for m in mail.outbox] == [["linxi@example.org"]]  # the others have no address
    assert "新通知" in mail.outbox[0].subject and "备案" in mail.outbox[0].body


def test_a_recompute_tells_the_office_and_the_clerk_at_once(catalogue, personas, client_for, monkeypatch):
    from django.utils import timezone

    from core.services import calendar_year_set_manual

    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: D(2026, 12, 20) if value is None
                        else real(value, timezone))
    assert register(client_for(personas["clerk_linxi"]), catalogue, "临政备〔2026〕901号").status_code == 302
    calendar_year_set_manual(year=2027, days=DAYS_2027, notice="国办发明电〔2026〕99号（测试）", actor=personas["office"])
    row = FilingDueRecomputed.objects.get()
    kind = notices.RECOMPUTED.code
    got = Notification.objects.filter(kind=kind).values_list("addressee__username", "subject_key")
    assert sorted(got) == [("clerk_linxi", f"delegation.filing_due_recomputed:{row.pk}"),
                           ("office", f"delegation.filing_due_recomputed:{row.pk}")]
    notice = Notification.objects.get(kind=kind, addressee=personas["office"])
    assert "2027-01-15" in notice.title and "2027-01-18" in notice.title
    # The daily job finds the same recompute and writes no second notice of it.
    assert notification_services.notifications_run_daily(day=D(2026, 12, 20))["delegation"] >= 0
    assert Notification.objects.filter(kind=kind).count() == 2


def test_a_notice_reads_in_the_readers_language_and_mails_in_the_configured_one(
        catalogue, personas, client_for, api_for, settings, django_capture_on_commit_callbacks):
    """Stored as a message code and params: the same notice is Chinese for a zh-hans reader and
    English for an en one (list, detail, API); the mail is in settings.LANGUAGE_CODE, as users
    have no language preference."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clerk = personas["clerk_linxi"]
    clerk.email = "linxi@example.org"
    clerk.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notifications_run_daily(day=TODAY)
    notice = Notification.objects.filter(addressee=clerk, kind=notices.OVERDUE.code).first()
    assert notice.message == notices.OVERDUE.code and notice.params["due"] == notice.day.isoformat()
    number, due = notice.params["number"], notice.params["due"]
    zh, en = f"{number}（", f"{number} (%s) is overdue for filing (due {due})" % notice.params["applicant"]
    browser = client_for(clerk)
    for url in (reverse("notifications:list"), reverse("notifications:detail", args=[notice.pk])):
        chinese = browser.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        english = browser.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f"备案已逾期（期限 {due}）" in chinese and zh in chinese and en not in chinese
        assert en in english and "备案已逾期" not in english and "Filing overdue" in english  # kind label too
    api = api_for(clerk)
    assert api.get(f"/api/v1/notifications/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["title"].endswith(en)
    assert "备案已逾期" in api.get(f"/api/v1/notifications/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["title"]
    # The mail: the site's language (Chinese by default) …
    assert [m.to for m in mail.outbox] == [["linxi@example.org"]]
    assert "条新通知" in mail.outbox[0].subject and f"备案已逾期（期限 {due}）" in mail.outbox[0].body
    # … and English where the site is configured in English, from the same stored rows.
    settings.LANGUAGE_CODE = "en"
    Notification.objects.filter(addressee=clerk).update(emailed_at=None)
    assert notification_services.notifications_email() == 1
    english_mail = mail.outbox[1]
    assert english_mail.subject.startswith("Kuoquan Town Empowerment Platform:") and "new notifications" in english_mail.subject
    assert en in english_mail.body and "Hello" in english_mail.body
    assert "备案" not in english_mail.body and "通知" not in english_mail.body
