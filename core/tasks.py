"""Technical tasks that belong to no domain app."""

from celery import shared_task
from django.core import management
from django.db import connection


@shared_task
def clear_sessions_task() -> None:
    """Nightly: drop expired sessions (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
    management.call_command("clearsessions")


@shared_task
def health_check_task() -> dict:
    """Round trip through broker, worker and database; the run command waits on it."""
    from django.contrib.auth import get_user_model

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return {"postgres": version, "users": get_user_model().objects.count(), "database": connection.settings_dict["NAME"]}


@shared_task
def calendar_sync_task() -> None:
    """Nightly: load holiday years a newer chinese-calendar knows and settle provisional due dates
    (also sweeps a record registered while its year was being entered; idempotent)."""
    management.call_command("calendar_sync")


@shared_task(ignore_result=True)
def backup_task() -> None:
    """A backup into BACKUP_ROOT/<time> (manage.py backup), for a periodic task added in the admin
    (django-celery-beat) when backups are scheduled with beat instead of cron (README)."""
    management.call_command("backup")
