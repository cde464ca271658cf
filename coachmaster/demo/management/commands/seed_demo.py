from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from coachmaster.accounts.models import Role
from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, LOGIN_COHORTS, seed_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo programme. Safe to run repeatedly."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet_logins: bool = False, **options) -> None:
        # The assessments and feedback the demo sets up through the services would mail the
        # people involved; the demo shows the mails of its visitors' clicks, not these.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
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
