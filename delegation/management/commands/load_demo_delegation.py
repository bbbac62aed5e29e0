from django.core.management.base import BaseCommand

from delegation.demo import load_demo_delegation


class Command(BaseCommand):
    help = "Load the demo catalogue, agreements and exercise records (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        load_demo_delegation()
