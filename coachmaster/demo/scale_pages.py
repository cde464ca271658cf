"""The pages the benchmark measures, shared by the harness (``bench/``) and the query-count
tests (``tests/performance/``): who requests which address on a database seeded by
``seed_scale``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .scale import ADMIN_EMAIL, lecturer_email, student_email, supervisor_email


@dataclass(frozen=True)
class BenchPage:
    name: str
    kind: str  # "simple" | "heavy"
    email: str  # who requests it
    path: str  # URL path (+ query string)
    # For htmx requests: the element the page's own links swap (their "HX-Target" header); the
    # view answers with that fragment only.
    htmx_target: str = ""

    @property
    def htmx(self) -> bool:
        return bool(self.htmx_target)

    @property
    def headers(self) -> dict[str, str]:
        """The request headers the page's own htmx links send (none for a full page)."""
        if not self.htmx_target:
            return {}
        return {"HX-Request": "true", "HX-Target": self.htmx_target}


SIMPLE = (
    "student_dashboard",
    "learning_log",
    "learning_log_htmx",
    "evidence_list",
    "assessment_form",
    "cohort_table",
)
HEAVY = (
    "portfolio",
    "assessment_queue",
    "supervisor_matrix",
    "cohort_overview",
    "curriculum_map",
)

STUDENT = student_email(1)
LECTURER = lecturer_email(1)
SUPERVISOR = supervisor_email(1)
ADMIN = ADMIN_EMAIL


class NotSeeded(ImproperlyConfigured):
    """The database was not seeded by ``manage.py seed_scale``."""


def bench_pages() -> list[BenchPage]:
    """The 11 benchmark pages in their fixed order, with the addresses resolved from the
    seeded database (four queries; the same result for the same seed)."""
    from cohorts.models import Enrolment
    from competencies.models import Examiner, Portfolio

    enrolment = (
        Enrolment.objects.filter(student__email=STUDENT)
        .select_related("cohort__curriculum_version")
        .first()
    )
    if enrolment is None or enrolment.cohort.curriculum_version is None:
        raise NotSeeded(
            f"No {STUDENT} with a cohort and curriculum: seed this database with "
            "`manage.py seed_scale --size S|M|L` first."
        )
    cohort, version = enrolment.cohort, enrolment.cohort.curriculum_version
    # The student's current portfolio: the final portfolio they are working on.
    portfolio = (
        Portfolio.objects.filter(enrolment=enrolment, review_moment__code="final-portfolio")
        .values_list("uuid", flat=True)
        .first()
    )
    # An assessment the lecturer examines and has not judged yet (the first student's).
    assessment = (
        Examiner.objects.waiting()
        .filter(user__email=LECTURER)
        .order_by("assessment__portfolio__enrolment__student_number", "assessment__pk")
        .values_list("assessment__uuid", flat=True)
        .first()
    )
    supervises = Enrolment.objects.filter(
        supervisor_assignments__supervisor__email=SUPERVISOR,
        supervisor_assignments__ended_at__isnull=True,
    ).exists()
    missing = [
        what
        for what, found in (
            ("the student's final portfolio", portfolio),
            (f"an open assessment that {LECTURER} examines", assessment),
            (f"supervisees of {SUPERVISOR}", supervises),
        )
        if not found
    ]
    if missing:
        raise NotSeeded(
            f"Not a seed_scale database (missing {', '.join(missing)}): seed it with "
            "`manage.py seed_scale --size S|M|L`."
        )
    pages = [
        BenchPage("student_dashboard", "simple", STUDENT, "/student/"),
        BenchPage("learning_log", "simple", STUDENT, "/log/"),
        BenchPage(
            "learning_log_htmx", "simple", STUDENT, "/log/?page=2", htmx_target="activities"
        ),
        BenchPage("evidence_list", "simple", STUDENT, "/evidence/"),
        BenchPage("assessment_form", "simple", LECTURER, f"/assessments/{assessment}/assess/"),
        BenchPage("cohort_table", "simple", ADMIN, "/cohorts/"),
        BenchPage("portfolio", "heavy", STUDENT, f"/portfolios/{portfolio}/"),
        BenchPage("assessment_queue", "heavy", LECTURER, "/assessments/"),
        BenchPage("supervisor_matrix", "heavy", SUPERVISOR, "/thesis/supervision/"),
        BenchPage("cohort_overview", "heavy", ADMIN, f"/cohorts/{cohort.uuid}/"),
        BenchPage("curriculum_map", "heavy", ADMIN, f"/curriculum/{version.uuid}/map/"),
    ]
    order = {name: index for index, name in enumerate(SIMPLE + HEAVY)}
    assert [page.name for page in pages] == sorted(order, key=order.get)
    return pages
