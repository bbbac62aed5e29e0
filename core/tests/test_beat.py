"""The beat schedule names tasks the worker really has: a typo there fails silently at night."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    missing = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} - set(app.tasks)
    assert not missing

