from django.core.management.base import BaseCommand

from webhooks.demo import load_demo_webhooks


class Command(BaseCommand):
    help = "Load the superior department's demo event subscription for 绩溪县 (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        done = load_demo_webhooks()
        self.stdout.write("webhooks demo loaded" if done else "webhooks demo already present")
