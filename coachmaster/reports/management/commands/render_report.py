"""Renders a report from the shell, without a job row or a worker: for operations and
debugging.

    manage.py render_report portfolio --student student@example.org --output portfolio.pdf
    manage.py render_report portfolio --student 12345678 --moment final-portfolio \
        --language en --output p.pdf
    manage.py render_report progress --student student@example.org --output progress.pdf
    manage.py render_report cohort --cohort "2025–2027" --output cohort.pdf
    manage.py render_report cohort_portfolios --cohort "2025–2027" --output portfolios.zip
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation

from coachmaster.reports.documents import MODULES, document
from cohorts.models import Cohort, Enrolment
from competencies.models import Portfolio


class Command(BaseCommand):
    help = "Renders a report (PDF or ZIP) to a file, in this process, without a job."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(MODULES), help="the kind of report")
        parser.add_argument(
            "--student",
            help="the student's e-mail address or student number (portfolio, progress)",
        )
        parser.add_argument(
            "--cohort",
            help="the cohort's name (cohort, cohort_portfolios; for a student: which enrolment)",
        )
        parser.add_argument(
            "--moment",
            default="final-portfolio",
            help="the review moment's code of the portfolio (default: final-portfolio)",
        )
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the report's language (default: %(default)s)",
        )

    def handle(self, *args, kind, student, cohort, moment, output, language, **options):
        self.verbosity = options.get("verbosity", 1)
        job = SimpleNamespace(
            pk=None, uuid=None, kind=kind, snapshot=None, enrolment=None, cohort=None
        )
        job.language = language
        if kind in ("portfolio", "progress"):
            job.enrolment = self._enrolment(student, cohort)
            if kind == "portfolio":
                job.snapshot = self._snapshot(job.enrolment, moment)
        else:
            job.cohort = self._cohort(cohort)
        job.subject = job.snapshot or job.enrolment or job.cohort
        try:
            module = document(kind)
        except ImportError as error:
            raise CommandError(f"The {kind} report is not available: {error}") from error
        with translation.override(language):
            result = module.render(job, self._progress)
        path = Path(output)
        path.write_bytes(result.content)
        if self.verbosity:
            pages = f", {result.pages} pages" if result.pages else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {path} ({len(result.content)} bytes{pages}; "
                    f"download name {result.filename})"
                )
            )

    def _progress(self, percent: int, text: str = "") -> None:
        if self.verbosity > 1:
            self.stderr.write(f"{percent:3d}% {text}")

    def _enrolment(self, student: str | None, cohort: str | None) -> Enrolment:
        if not student:
            raise CommandError("Give the student: --student <e-mail address or student number>.")
        enrolments = Enrolment.objects.select_related("cohort", "student").filter(
            Q(student__email__iexact=student) | Q(student_number=student)
        )
        if cohort:
            enrolments = enrolments.filter(cohort__name=cohort)
        found = list(enrolments.order_by("-cohort__start_date")[:2])
        if not found:
            where = f" in cohort {cohort!r}" if cohort else ""
            raise CommandError(f"No student {student!r}{where}.")
        if len(found) > 1:
            raise CommandError(
                f"{student!r} is enrolled in more than one cohort: choose one with --cohort."
            )
        return found[0]

    def _snapshot(self, enrolment: Enrolment, moment: str):
        portfolio = (
            Portfolio.objects.select_related("current_snapshot")
            .filter(enrolment=enrolment, review_moment__code=moment)
            .first()
        )
        if portfolio is None:
            raise CommandError(
                f"{enrolment.student.email} has no portfolio for the review moment {moment!r}."
            )
        if portfolio.current_snapshot is None:
            raise CommandError(
                f"The {moment!r} portfolio of {enrolment.student.email} has not been submitted: "
                "only a submitted portfolio is rendered."
            )
        return portfolio.current_snapshot

    def _cohort(self, name: str | None) -> Cohort:
        if not name:
            raise CommandError('Give the cohort: --cohort "<name>".')
        found = list(Cohort.objects.filter(name=name)[:2])
        if not found:
            raise CommandError(f"No cohort {name!r}.")
        if len(found) > 1:
            raise CommandError(f"More than one cohort is called {name!r}.")
        return found[0]
