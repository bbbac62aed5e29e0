from django.core.management.base import BaseCommand

from finance.demo import load_demo_finance, load_demo_funds, load_demo_targets


class Command(BaseCommand):
    help = "Load 临溪镇's fiscal demo 2009–2013 (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        done = load_demo_finance()
        self.stdout.write("finance demo loaded" if done else "finance demo already present")
        targets = load_demo_targets()
        self.stdout.write("finance targets demo loaded" if targets else "finance targets demo already present")
        funds = load_demo_funds()
        self.stdout.write("finance funds demo loaded" if funds else "finance funds demo already present")
