import argparse

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from coachmaster.demo.scale import PASSWORD, SIZES, NotEmpty, make_plan, seed_scale


class Command(BaseCommand):
    help = (
        "Seed an empty, migrated database with a programme at benchmark scale "
        "(S: 2 cohorts, 200 students; M: 6 cohorts, 2,000; L: 30 cohorts, 10,000)."
    )
    # The seed needs the models only: don't import every page (URL checks) to run it.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), help="S, M or L.")
        # For tests: a tiny programme with the same work per student.
        parser.add_argument("--students", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--cohorts", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, size=None, students=None, cohorts=None, **options) -> None:
        if size is None and not (students and cohorts):
            raise CommandError("Give --size S, M or L.")
        if size is not None:
            students = students or SIZES[size].students
            cohorts = cohorts or SIZES[size].cohorts
        try:
            plan = make_plan(students=students, cohorts=cohorts)
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            # Nothing here sends mail, but a mistake must not reach real addresses.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                counts, seconds = seed_scale(students=students, cohorts=cohorts)
        except NotEmpty as error:
            raise CommandError(
                "This database already holds a programme (cohorts or enrolments). seed_scale "
                "only seeds an empty, migrated database: create a new one for each size."
            ) from error
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(plan.cohort_sizes)} cohorts, {plan.students:,} students, "
                f"{sum(plan.lecturers)} lecturers, {sum(plan.supervisors)} supervisors, "
                f"{plan.admins} administrators: {total:,} rows in {seconds:.1f} s."
            )
        )
        for table, count in counts.items():
            self.stdout.write(f"  {table:<45}{count:>12,}")
        self.stdout.write(
            f"Logins (password {PASSWORD}): admin@scale.test, lecturer0001@scale.test, "
            "supervisor0001@scale.test, student00001@scale.test"
        )
