from django.core.management.base import BaseCommand

from oversight.demo import load_demo_oversight


class Command(BaseCommand):
    help = "Load 绩溪县's leading group, two past dispatch meetings and findings in every state (idempotent; needs load_demo_regions)."

    def handle(self, *args, **options):
        done = load_demo_oversight()
        self.stdout.write("oversight demo loaded" if done else "oversight demo already present")
