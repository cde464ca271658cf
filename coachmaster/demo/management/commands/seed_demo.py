from django.core.management.base import BaseCommand

from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo programme. Safe to run repeatedly."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet_logins: bool = False, **options) -> None:
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo programme ready."))
        if quiet_logins:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for person in DEMO_LOGINS:
            roles = ", ".join(role.replace("_", " ") for role in person.roles)
            self.stdout.write(f"  {person.email:<26} {roles}")
