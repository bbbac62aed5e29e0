"""The notification engine on its own: a test kind and producer, no app's data.

Idempotent daily run (the unique key), only the addressee sees a notice (page and API: 404
for anyone else), mail once when configured, the header badge in one query, marking read
through the service in the history.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from core.errors import ApplicationError
from core.notifications import registry, services, tasks
from core.notifications.email_url import parse_email_url
from core.notifications.models import Notification
from core.notifications.registry import Draft, NoticeKind

D = datetime.date
DAY = D(2026, 12, 2)
KIND = registry.register_kind(NoticeKind("test.ping", "测试提醒", recipients="测试", title="第%(n)s号事项待办"))


@pytest.fixture
def users(db):
    User = get_user_model()
    return {name: User.objects.create_user(name, email=f"{name}@example.org", password="x-kuoquan-1")
            for name in ("ann", "bob", "mute")}


@pytest.fixture
def producer(users):
    """A registered producer: ann gets two notices a day, bob one; removed afterwards."""
    def produce(*, day):
        return [Draft(addressee_id=users["ann"].pk, kind=KIND.code, subject_key=f"test.thing:{n}", day=day,
                      url=f"/things/{n}/", params={"n": n}) for n in (1, 2)] + [
            Draft(addressee_id=users["bob"].pk, kind=KIND.code, subject_key="test.thing:1", day=day, params={"n": 1})]

    registry.register_producer("test", produce)
    yield produce
    registry._producers.pop("test", None)


def test_the_daily_job_run_twice_the_same_day_creates_each_notice_once(producer, users):
    assert tasks.run_daily_task(DAY.isoformat())["test"] == 3
    assert tasks.run_daily_task(DAY.isoformat())["test"] == 0
    assert Notification.objects.filter(kind=KIND.code).count() == 3
    assert services.notifications_create(drafts=producer(day=DAY)) == []  # the unique key decides
    # Another day is another notice.
    assert services.notifications_run_daily(day=DAY + datetime.timedelta(days=1))["test"] == 3
    ann = Notification.objects.filter(addressee=users["ann"], day=DAY).order_by("subject_key").first()
    assert (ann.title, ann.url, ann.display_title) == ("第1号事项待办", "/things/1/", "第1号事项待办")


def test_a_failing_producer_does_not_stop_the_others(producer, users):
    def broken(*, day):
        raise RuntimeError("boom")

    registry.register_producer("broken", broken)
    try:
        written = services.notifications_run_daily(day=DAY)
    finally:
        registry._producers.pop("broken", None)
    assert written == {**written, "broken": -1, "test": 3}


def test_an_unregistered_kind_is_refused_and_nothing_is_written(users):
    with pytest.raises(ApplicationError):
        services.notifications_create(drafts=[
            Draft(addressee_id=users["ann"].pk, kind=KIND.code, subject_key="a:1", day=DAY),
            Draft(addressee_id=users["ann"].pk, kind="nobody.declared", subject_key="a:1", day=DAY),
        ])
    assert not Notification.objects.exists()


def test_a_notice_is_visible_only_to_its_addressee(producer, users, client_for, api_for):
    services.notifications_run_daily(day=DAY)
    notice = Notification.objects.filter(addressee=users["ann"]).first()
    ann, bob = client_for(users["ann"]), client_for(users["bob"])
    assert ann.get(reverse("notifications:detail", args=[notice.pk])).status_code == 200
    assert bob.get(reverse("notifications:detail", args=[notice.pk])).status_code == 404
    assert bob.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    listed = bob.get(reverse("notifications:list") + "?tab=all").content.decode()
    assert "第2号事项待办" not in listed and listed.count('data-testid="notification"') == 1

    api = "/api/v1/notifications/"
    assert api_for(users["bob"]).get(f"{api}{notice.pk}/").status_code == 404
    assert api_for(users["bob"]).post(f"{api}{notice.pk}/read/").status_code == 404
    assert [row["title"] for row in api_for(users["ann"]).get(api).json()["results"]] == ["第2号事项待办", "第1号事项待办"]
    assert api_for(None).get(api).status_code in (401, 403)
    notice.refresh_from_db()
    assert notice.read_at is None
    # The service refuses another user's notice too (not only the selector).
    with pytest.raises(ApplicationError):
        services.notification_mark_read(notification=notice, actor=users["bob"])


def test_mark_read_one_and_all_through_the_service_with_history(producer, users, client_for, api_for):
    services.notifications_run_daily(day=DAY)
    first, second = Notification.objects.filter(addressee=users["ann"]).order_by("id")
    ann = client_for(users["ann"])
    page = ann.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 2

    response = ann.post(reverse("notifications:read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/things/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    unread = ann.get(reverse("notifications:list")).content.decode()
    assert unread.count('data-testid="notification"') == 1
    assert ann.get(reverse("notifications:list") + "?tab=all").content.decode().count('data-testid="notification"') == 2
    event = Events.objects.references(first).filter(pgh_label="update").latest("pgh_created_at")
    assert event.pgh_context["user"] == users["ann"].pk and event.pgh_diff["read_at"][0] is None

    body = api_for(users["ann"]).post(f"/api/v1/notifications/{second.pk}/read/").json()
    assert body["is_read"] is True
    assert api_for(users["ann"]).post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    bob_notice = Notification.objects.get(addressee=users["bob"])
    assert client_for(users["bob"]).post(reverse("notifications:read-all")).status_code == 302
    bob_notice.refresh_from_db()
    assert bob_notice.read_at is not None


def test_the_header_badge_counts_unread_in_one_query(producer, users, client_for):
    services.notifications_run_daily(day=DAY)
    ann = client_for(users["ann"])
    with CaptureQueriesContext(connection) as queries:
        page = ann.get(reverse("notifications:list")).content.decode()
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and Notification._meta.db_table in q["sql"]]
    assert len(counts) == 1  # the header and the tab share one count (cached per request)
    assert 'data-testid="unread-badge">2<' in page
    services.notifications_mark_all_read(actor=users["ann"])
    assert 'data-testid="unread-badge"' not in ann.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="nav-notifications"' in ann.get(reverse("notifications:list")).content.decode()


def test_mail_goes_out_once_per_addressee_when_configured(producer, users, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://kq.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_run_daily(day=DAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]
    ann_mail = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    assert "2条新通知" in ann_mail.subject
    assert "第1号事项待办" in ann_mail.body and "https://kq.example.org/things/1/" in ann_mail.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    # Again: nothing new, nothing mailed; the mailing itself run again sends nothing either.
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_run_daily(day=DAY)
    assert tasks.email_notifications_task() == 0
    assert len(mail.outbox) == 2


def test_no_mail_when_mail_is_not_configured(producer, users, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    settings.EMAIL_URL = ""
    assert not services.email_enabled()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notifications_run_daily(day=DAY)
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3
    settings.EMAIL_URL = "smtp://mail.example.org"
    assert services.email_enabled()
    settings.NOTIFICATIONS_EMAIL = False
    assert not services.email_enabled()


def test_email_url_parser():
    assert parse_email_url("smtp://user%40x:p%3Ass@mail.example.org:587?tls=1&from=kq@example.org") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "user@x", "EMAIL_HOST_PASSWORD": "p:ss", "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True, "DEFAULT_FROM_EMAIL": "kq@example.org", "SERVER_EMAIL": "kq@example.org",
    }
    smtps = parse_email_url("smtps://mail.example.org")
    assert (smtps["EMAIL_PORT"], smtps["EMAIL_USE_SSL"], smtps["EMAIL_USE_TLS"]) == (465, True, False)
    assert parse_email_url("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert parse_email_url("file:///tmp/mails")["EMAIL_FILE_PATH"] == "/tmp/mails"
    with pytest.raises(ValueError, match="unknown scheme"):
        parse_email_url("http://mail.example.org")


def test_the_title_is_rendered_from_the_code_and_falls_back_to_the_stored_text(producer, users, settings):
    """A notice stores the message code and params; the text written at creation (in the site's
    language) is shown only for a row without a code (before the migration) or an unknown one."""
    from django.utils import translation

    english = registry.register_message(registry.Message("test.ping.en", "Item %(n)s to do", body="Body %(n)s"))
    try:
        services.notifications_create(drafts=[Draft(addressee_id=users["ann"].pk, kind=KIND.code, subject_key="t:9",
                                                    day=DAY, params={"n": 9}, message=english.code)])
        notice = Notification.objects.get(subject_key="t:9")
        assert (notice.message, notice.title, notice.body) == ("test.ping.en", "Item 9 to do", "Body 9")
        # The registered text changes: every reader sees the new one, the stored text stays as written.
        registry.register_message(registry.Message(english.code, "Item %(n)s, now", body="Body %(n)s, now"))
        assert (notice.display_title, notice.display_body, str(notice)) == ("Item 9, now", "Body 9, now", "Item 9, now")
        Notification.objects.filter(pk=notice.pk).update(message="")  # a row from before messages had codes
        notice.refresh_from_db()
        assert (notice.display_title, notice.display_body) == ("Item 9 to do", "Body 9")
        Notification.objects.filter(pk=notice.pk).update(message="gone.away")
        notice.refresh_from_db()
        with translation.override("en"):
            assert notice.display_title == "Item 9 to do"
    finally:
        registry._messages.pop(english.code, None)
    with pytest.raises(ApplicationError):
        services.notifications_create(drafts=[Draft(addressee_id=users["ann"].pk, kind=KIND.code, subject_key="t:8",
                                                    day=DAY, message="nobody.wrote.this")])
    assert not Notification.objects.filter(subject_key="t:8").exists()
