from django.core.management.base import BaseCommand

from landuse.demo import load_demo_landuse


class Command(BaseCommand):
    help = "Load 绩溪县 and 临溪镇's land-quota demo (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        done = load_demo_landuse()
        self.stdout.write("landuse demo loaded" if done else "landuse demo already present")
