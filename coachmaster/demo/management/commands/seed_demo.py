from django.core.management.base import BaseCommand
from django.utils import translation

from coachmaster.accounts.models import Role
from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, LOGIN_COHORTS, seed_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo programme. Safe to run repeatedly."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet_logins: bool = False, **options) -> None:
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo programme ready."))
        if quiet_logins:
            return
        self.stdout.write(f"Demo logins, all with password: {DEMO_PASSWORD}")
        with translation.override("en"):
            for person in DEMO_LOGINS:
                roles = ", ".join(str(Role(role).label).lower() for role in person.roles)
                cohort = LOGIN_COHORTS.get(person.email)
                where = f" (cohort {cohort})" if cohort else ""
                self.stdout.write(f"  {person.email:<24}{roles}{where}")
