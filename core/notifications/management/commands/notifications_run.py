from django.core.management.base import BaseCommand

from core.notifications import services


class Command(BaseCommand):
    help = "Run every registered notice producer for today (what the daily Celery job does); idempotent."

    def handle(self, *args, **options):
        written = services.notifications_run_daily()
        for name, count in written.items():
            self.stdout.write(f"{name}: {count}")
