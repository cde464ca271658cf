"""The student progress report: who may ask for it, what the PDF says in both languages, and
a fingerprint that follows what the report shows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from coachmaster.reports import services
from coachmaster.reports.documents import progress as document
from coachmaster.reports.models import ReportJob
from cohorts.models import LecturerAssignment
from competencies.models import Evidence, EvidenceClaim

from ..competencies.assessment_helpers import submitted
from ..competencies.log_helpers import activity, engagement
from ..factories import EnrolmentFactory, LecturerFactory, SupervisorFactory
from ..thesis.helpers import make_project
from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(enrolment, supervisor):
    """The student with client hours, evidence, a submitted portfolio and a thesis project
    supervised by the world's supervisor."""
    client = engagement(enrolment)
    activity(
        enrolment,
        hours=Decimal("3.25"),
        engagement=client,
        role="coach",
        system_level="team",
    )
    activity(enrolment, kind="intervision", hours=Decimal("2.00"), title="Intervisie")
    submitted(enrolment, "year-1-review")
    make_project(enrolment, supervisor=supervisor)
    return enrolment


def ask(enrolment, by, capture, language=None) -> ReportJob:
    with capture(execute=True):
        job = services.request_report(kind="progress", subject=enrolment, by=by, language=language)
    job.refresh_from_db()
    return job


def stored(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Onderzoeksvoorstel"]),  # the lead adds the Dutch msgstrs
        ("en", ["Student progress report", "Research proposal"]),
    ],
)
def test_the_pdf_shows_levels_hours_and_milestones_in_the_readers_language(
    busy, student, language, words, django_capture_on_commit_callbacks
):
    job = ask(busy, student, django_capture_on_commit_callbacks, language=language)

    assert job.status == ReportJob.Status.DONE, job.error
    assert job.filename == f"progress-{busy.student_number}.pdf"
    assert job.pages and job.pages >= 1
    text = pdf_text(stored(job))
    assert student.get_full_name() in text
    assert busy.student_number in text
    assert "IC1" in text
    assert "3,25" in text if language == "nl" else "3.25" in text
    assert "13,25" in text if language == "nl" else "13.25" in text  # all hours logged
    for word in words:
        assert word in text


def test_without_a_thesis_project_the_report_says_so(
    enrolment, student, django_capture_on_commit_callbacks
):
    job = ask(enrolment, student, django_capture_on_commit_callbacks, language="en")

    assert job.status == ReportJob.Status.DONE, job.error
    text = pdf_text(stored(job))
    assert "No thesis project yet." in text
    assert student.get_full_name() in text


def test_overdue_milestones_are_flagged(busy):
    project = busy.thesis
    project.milestones.update(due_on="2099-01-01")
    project.milestones.filter(kind="proposal").update(due_on="2020-01-01")

    context = document.gather(busy)

    flagged = {milestone.kind: overdue for milestone, overdue in context["milestones"]}
    assert flagged["proposal"] is True
    assert context["overdue_count"] == 1


def test_the_fingerprint_follows_what_the_report_shows(busy):
    before = document.fingerprint(busy, "nl")
    assert before == document.fingerprint(busy, "nl")
    assert before != document.fingerprint(busy, "en")

    activity(busy, hours=Decimal("1.00"))

    assert document.fingerprint(busy, "nl") != before


def test_the_fingerprint_changes_with_a_new_claim(busy):
    before = document.fingerprint(busy, "nl")
    evidence = Evidence.objects.create(enrolment=busy, title="Nieuw", kind=Evidence.Kind.DOCUMENT)
    framework = busy.cohort.curriculum_version.framework
    EvidenceClaim.objects.create(
        evidence=evidence,
        competency=framework.competencies.get(code="IC2"),
        level=framework.levels.order_by("-rank").first(),
        justification="x",
    )

    assert document.fingerprint(busy, "nl") != before


class TestWhoMayAsk:
    def test_the_student_themselves(self, enrolment, student):
        assert services.allowed(student, "progress", enrolment)

    def test_not_another_student(self, enrolment, student2):
        assert not services.allowed(student2, "progress", enrolment)

    def test_the_students_supervisor_but_not_another(self, busy, supervisor):
        assert services.allowed(supervisor, "progress", busy)
        assert not services.allowed(SupervisorFactory(), "progress", busy)

    def test_a_lecturer_of_the_cohort_but_not_of_another(self, enrolment, lecturer, other_cohort):
        assert not services.allowed(lecturer, "progress", enrolment)
        LecturerAssignment.objects.create(cohort=enrolment.cohort, lecturer=lecturer)
        assert services.allowed(lecturer, "progress", enrolment)
        elsewhere = LecturerFactory()
        LecturerAssignment.objects.create(cohort=other_cohort, lecturer=elsewhere)
        assert not services.allowed(elsewhere, "progress", enrolment)

    def test_administrators(self, enrolment, programme_admin):
        assert services.allowed(programme_admin, "progress", enrolment)

    def test_outsiders_and_anonymous_visitors(self, enrolment, outsider):
        from django.contrib.auth.models import AnonymousUser

        assert not services.allowed(outsider, "progress", enrolment)
        assert not services.allowed(AnonymousUser(), "progress", enrolment)

    def test_the_request_view_refuses_another_student(self, client, enrolment, cohort):
        other = EnrolmentFactory(cohort=cohort).student
        client.force_login(other)
        url = reverse("reports:request", args=["progress", enrolment.uuid])

        assert client.post(url).status_code == 404
        assert not ReportJob.objects.exists()


class TestButtons:
    def test_on_the_students_dashboard(self, client, enrolment, student):
        client.force_login(student)
        page = client.get(reverse("student_dashboard")).content.decode()

        assert reverse("reports:request", args=["progress", enrolment.uuid]) in page

    def test_on_the_staff_enrolment_page(self, client, enrolment, programme_admin):
        client.force_login(programme_admin)
        page = client.get(reverse("cohorts:enrolment", args=[enrolment.uuid])).content.decode()

        assert reverse("reports:request", args=["progress", enrolment.uuid]) in page
