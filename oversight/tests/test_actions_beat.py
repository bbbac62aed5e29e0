"""The monthly job's schedule (django-celery-beat, issue 14 §7): visible and editable by an
administrator in the admin, and the database scheduler honours the edit; a missed run (the worker
or beat down on the 1st) is caught up once, by the next daily run, and not again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_celery_beat import schedulers
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app as celery_app
from oversight import tasks
from oversight.models import AgendaLine, Meeting

from .factories import finding, group_with_towns

D = datetime.date
MONTHLY = "create-monthly-meetings"


@pytest.fixture
def scheduler(db, monkeypatch):
    """The beat's database scheduler, as beat starts it (settings' schedule synced into the rows).
    Its connection housekeeping would close the test's connection inside its transaction."""
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)
    return schedulers.DatabaseScheduler(app=celery_app, lazy=False)


def test_monthly_job_is_listed_and_editable_by_an_administrator(scheduler, admin_client):
    task = PeriodicTask.objects.get(name=MONTHLY)
    assert task.task == "oversight.tasks.create_monthly_meetings_task" and task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("6", "0")
    listing = admin_client.get("/admin/django_celery_beat/periodictask/")
    assert listing.status_code == 200 and MONTHLY in listing.content.decode()
    page = admin_client.get(f"/admin/django_celery_beat/crontabschedule/{task.crontab_id}/change/")
    assert page.status_code == 200
    response = admin_client.post(f"/admin/django_celery_beat/crontabschedule/{task.crontab_id}/change/", {
        "minute": "30", "hour": "5", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
        "timezone": "Asia/Shanghai", "periodictask_set-TOTAL_FORMS": "0", "periodictask_set-INITIAL_FORMS": "0"})
    assert response.status_code == 302, list(response.context["errors"])
    assert (CrontabSchedule.objects.get(pk=task.crontab_id).hour, CrontabSchedule.objects.get(
        pk=task.crontab_id).minute) == ("5", "30")
    # the scheduler is told (django-celery-beat's change marker) and its entry reads the new crontab
    assert scheduler.schedule_changed()
    entry = schedulers.ModelEntry(PeriodicTask.objects.get(name=MONTHLY), app=celery_app)
    assert entry.schedule.hour == {5} and entry.schedule.minute == {30}
    assert entry.is_due()[1] <= 24 * 3600


def test_a_clerk_may_not_open_the_schedules(db, client, django_user_model):
    user = django_user_model.objects.create_user("clerk_beat", password="x-long-password")
    client.force_login(user)
    response = client.get("/admin/django_celery_beat/periodictask/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missed_run_is_due_once_when_beat_returns(scheduler):
    """Beat was down for three days: the daily entry is due when it returns, once (celery runs a
    crontab entry late once, not once per missed day), and not due again after that run."""
    task = PeriodicTask.objects.get(name=MONTHLY)
    task.last_run_at = timezone.now() - datetime.timedelta(days=3)
    task.save()
    entry = schedulers.ModelEntry(PeriodicTask.objects.get(name=MONTHLY), app=celery_app)
    due, _next = entry.is_due()
    assert due
    ran = next(entry)  # what beat does when it sends the task: last run = now
    due_again, wait = ran.is_due()
    assert not due_again and 0 < wait <= 24 * 3600


def test_the_daily_run_catches_up_the_month_once(db, django_capture_on_commit_callbacks):
    """The 1st and 2nd were missed: the run of the 3rd makes the month's meeting and its agenda;
    the runs of the following days find it and change nothing."""
    group, towns = group_with_towns(1)
    finding(group, towns[0], found_on=D(2026, 1, 5))
    for day in ("2026-03-03", "2026-03-04", "2026-03-20"):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.create_monthly_meetings_task.apply(args=[day]).get() == 1
        meeting = Meeting.objects.get(group=group)
        if day == "2026-03-03":
            compiled_at, lines = meeting.agenda_compiled_at, list(
                AgendaLine.objects.filter(meeting=meeting).values_list("id", "count"))
    assert meeting.month == D(2026, 3, 1) and Meeting.objects.filter(group=group).count() == 1
    assert meeting.agenda_compiled_at == compiled_at and lines
    assert list(AgendaLine.objects.filter(meeting=meeting).values_list("id", "count")) == lines
