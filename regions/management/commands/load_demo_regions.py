from django.core.management.base import BaseCommand

from regions.demo import load_demo_regions


class Command(BaseCommand):
    help = "Load the demo hierarchy, departments, pilots and logins (idempotent)."

    def handle(self, *args, **options):
        result = load_demo_regions()
        for login in result["logins"]:
            self.stdout.write(f"{login['username']:<12} {login['password']}  {login['name']}")
