"""core.beat.SeedingDatabaseScheduler, the beat scheduler settings name: settings' schedule seeds
the periodic tasks (django-celery-beat), an administrator's later edit in the admin survives beat's
restart, and an entry missing from the database is created again. (Moved from oversight's tests
with the scheduler.)"""

from __future__ import annotations

from celery.utils.imports import symbol_by_name
from django.conf import settings
from django_celery_beat import schedulers
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app as celery_app
from core.beat import SeedingDatabaseScheduler

EDITED = "clear-expired-sessions"  # core's own nightly entry (03:00 in settings)
DROPPED = "verify-ledger-chains"


def test_settings_name_the_seeding_scheduler():
    assert symbol_by_name(settings.CELERY_BEAT_SCHEDULER) is SeedingDatabaseScheduler


def test_an_edit_survives_beats_restart_with_the_seeding_scheduler(db, monkeypatch):
    """The stock scheduler writes settings' schedule back over the row at every start (the edit
    lost); the seeding one keeps it and creates only what is missing."""
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)  # inside the test's transaction
    schedulers.DatabaseScheduler(app=celery_app, lazy=False)
    task = PeriodicTask.objects.get(name=EDITED)
    assert task.crontab.hour == "3"
    crontab = CrontabSchedule.objects.create(minute="30", hour="5", timezone="Asia/Shanghai")
    task.crontab = crontab
    task.save()

    SeedingDatabaseScheduler(app=celery_app, lazy=False)  # beat restarted
    assert PeriodicTask.objects.get(name=EDITED).crontab_id == crontab.pk

    PeriodicTask.objects.filter(name=DROPPED).delete()  # a missing entry is created again
    SeedingDatabaseScheduler(app=celery_app, lazy=False)
    assert PeriodicTask.objects.filter(name=DROPPED).exists()
    assert PeriodicTask.objects.get(name=EDITED).crontab_id == crontab.pk

    schedulers.DatabaseScheduler(app=celery_app, lazy=False)  # the stock one: back to settings' 03:00
    assert PeriodicTask.objects.get(name=EDITED).crontab.hour == "3"
