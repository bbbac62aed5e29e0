from django.core.management.base import BaseCommand

from personnel.demo import load_demo_personnel


class Command(BaseCommand):
    help = "Load 临溪镇's establishment and cadres demo (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        done = load_demo_personnel()
        self.stdout.write("personnel demo loaded" if done else "personnel demo already present")
