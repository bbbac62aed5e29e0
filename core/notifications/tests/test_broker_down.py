"""Notices while Redis (the broker) is down (issue 10 §5): the daily run writes them and says how
many, the mailing is not lost: the periodic mailing on beat sends what is left once it is back."""

from __future__ import annotations

import socket
import time

from django.conf import settings as django_settings
from django.core import mail

from core.notifications import services, tasks
from core.notifications.models import Notification
from core.tests.test_worker import celery_configured

from . import test_notifications

DAY = test_notifications.DAY
users, producer = test_notifications.users, test_notifications.producer  # fixtures


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_daily_run_with_the_broker_down_writes_the_notices_and_beat_mails_them_later(
        producer, users, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    down = f"redis://127.0.0.1:{closed_port()}/0"
    with celery_configured(task_always_eager=False, broker_url=down, result_backend=down):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            written = services.notifications_run_daily(day=DAY)
        took = time.monotonic() - started
    assert len(callbacks) == 1  # the mailing was asked for, and could not be sent
    assert written["test"] == 3 and took < 5, (written, took)  # not -1 ("failed"), no 20 s wait
    assert mail.outbox == [] and Notification.objects.filter(emailed_at__isnull=True).count() == 3

    # Broker back: beat's periodic mailing (no ids) sends what was left, once.
    entry = django_settings.CELERY_BEAT_SCHEDULE["email-pending-notifications"]
    assert entry["task"] == tasks.email_notifications_task.name
    assert tasks.email_notifications_task() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]
    assert tasks.email_notifications_task() == 0 and len(mail.outbox) == 2
