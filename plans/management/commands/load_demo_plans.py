from django.core.management.base import BaseCommand

from plans.demo import load_demo_plans


class Command(BaseCommand):
    help = "Load the demo implementation plan of 临溪镇 (idempotent; needs the other apps' demos)."

    def handle(self, *args, **options):
        self.stdout.write("plans demo loaded" if load_demo_plans() else "plans demo already present")
