"""The beat scheduler of the project (settings.CELERY_BEAT_SCHEDULER = "core.beat:SeedingDatabaseScheduler").

django-celery-beat's database scheduler makes the schedules visible and editable by an
administrator (issue 14 §7). Stock, it writes every entry of settings.CELERY_BEAT_SCHEDULE back
over its row each time beat starts, so an administrator's change in the admin (the monthly job's
hour, say) is undone at the next restart. Here settings are the *seed* of the periodic tasks, not
their master: an entry already stored is left as the administrator keeps it, and only the missing
ones are created. Nothing of a domain app: every app's beat entries go through it alike."""

from __future__ import annotations

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

__all__ = ["SeedingDatabaseScheduler"]


class SeedingDatabaseScheduler(DatabaseScheduler):
    """The database scheduler that creates the settings' entries missing from the database and
    leaves the stored ones alone (an administrator's edit survives beat's restart)."""

    def update_from_dict(self, mapping):
        stored = set(PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True))
        return super().update_from_dict({name: entry for name, entry in mapping.items() if name not in stored})
