"""The cohort progress report and the cohort's portfolios as one ZIP: administrators only, every
student of the cohort and nobody else, a bounded number of queries, one PDF per submission."""

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from coachmaster.reports import services
from coachmaster.reports.documents import cohort as cohort_document
from coachmaster.reports.documents import cohort_portfolios
from coachmaster.reports.models import ReportJob
from cohorts.models import LecturerAssignment

from ..competencies.log_helpers import activity, attendance, engagement
from ..factories import EnrolmentFactory
from ..thesis.helpers import make_project
from .conftest import pdf_text, submit_final_portfolio

pytestmark = pytest.mark.django_db

KINDS = ["cohort", "cohort_portfolios"]


@pytest.fixture
def enrolment2(student2, version):
    return student2.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def stranger(other_cohort, version):
    """A student of another cohort, who must never appear."""
    other_cohort.curriculum_version = version
    other_cohort.save(update_fields=["curriculum_version"])
    return EnrolmentFactory(cohort=other_cohort, student__family_name="Buitenstaander")


def ask(kind, cohort, by, capture, language="en") -> ReportJob:
    with capture(execute=True):
        job = services.request_report(kind=kind, subject=cohort, by=by, language=language)
    job.refresh_from_db()
    return job


def stored(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


class TestCohortProgressReport:
    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_every_student_of_the_cohort_and_nobody_else(
        self,
        language,
        cohort,
        enrolment,
        enrolment2,
        stranger,
        supervisor,
        programme_admin,
        django_capture_on_commit_callbacks,
    ):
        activity(enrolment, hours=Decimal("4.50"), engagement=engagement(enrolment))
        make_project(enrolment, supervisor=supervisor)
        submit_final_portfolio(stranger, "year-1-review")

        job = ask("cohort", cohort, programme_admin, django_capture_on_commit_callbacks, language)

        assert job.status == ReportJob.Status.DONE, job.error
        assert job.filename == "cohort-2025-2027.pdf"
        # Table cells may wrap a long name over two lines: compare without whitespace.
        text = "".join(pdf_text(stored(job)).split())

        def squeezed(value: str) -> str:
            return "".join(value.split())

        for student in (enrolment, enrolment2):
            assert student.student_number in text
            assert squeezed(student.student.family_name) in text
        assert stranger.student_number not in text
        assert "Buitenstaander" not in text
        assert squeezed(supervisor.family_name) in text
        assert ("4,50" if language == "nl" else "4.50") in text

    def test_rows_carry_portfolio_assessment_and_thesis(
        self, cohort, enrolment, enrolment2, released_snapshot, supervisor
    ):
        submit_final_portfolio(enrolment2, "year-1-review")
        activity(enrolment2, hours=Decimal("1.25"), engagement=engagement(enrolment2))
        attendance(enrolment2, hours=Decimal("2.00"))
        project = make_project(enrolment2, supervisor=supervisor)
        project.milestones.update(due_on="2099-01-01")
        project.milestones.filter(kind="proposal").update(due_on="2020-01-01")

        data = cohort_document.gather(cohort)

        rows = {row.enrolment.pk: row for row in data.rows}
        codes = [moment.code for moment in data.moments]
        first, final = codes.index("year-1-review"), codes.index("final-portfolio")
        mine, theirs = rows[enrolment.pk], rows[enrolment2.pk]
        assert mine.moments[final].state == "assessed"
        assert mine.moments[final].verdict == "pass"
        assert mine.moments[final].grade == Decimal("7.5")
        assert mine.moments[first].state == "not_started"
        assert theirs.moments[first].state == "submitted"
        assert theirs.moments[first].assessment_status == "open"
        assert theirs.moments[first].verdict == ""
        assert theirs.coaching_hours == Decimal("1.25")
        assert theirs.hours >= Decimal("3.25")  # their activity and the intervision session
        assert theirs.overdue == 1
        assert theirs.thesis_status == "proposal"
        assert theirs.supervisor == supervisor
        assert mine.thesis_status == "" and mine.overdue == 0
        assert data.totals["students"] == 2
        assert data.totals["overdue"] == 1 and data.totals["students_overdue"] == 1
        assert sum(count for _label, count in data.status_counts) == 2
        totals = {item["moment"].code: item for item in data.moment_totals}
        assert totals["final-portfolio"]["assessed"] == 1
        assert totals["year-1-review"]["being_assessed"] == 1

    @pytest.mark.parametrize("size", [2, 8])
    def test_gathering_takes_a_bounded_number_of_queries(
        self, size, cohort, version, supervisor, django_assert_max_num_queries
    ):
        for number in range(size):
            enrolment = EnrolmentFactory(cohort=cohort)
            activity(enrolment, engagement=engagement(enrolment))
            attendance(enrolment, name=f"Groep {number}")
            if number % 2:
                make_project(enrolment, supervisor=supervisor)
        submit_final_portfolio(cohort.enrolments.first(), "year-1-review")

        with django_assert_max_num_queries(6):
            data = cohort_document.gather(cohort)

        assert len(data.rows) == size

    def test_the_fingerprint_follows_the_figures(self, cohort, enrolment):
        before = cohort_document.fingerprint(cohort, "nl")
        assert before == cohort_document.fingerprint(cohort, "nl")
        assert before != cohort_document.fingerprint(cohort, "en")

        activity(enrolment, hours=Decimal("1.00"))

        assert cohort_document.fingerprint(cohort, "nl") != before


class TestCohortPortfolios:
    def test_one_pdf_per_submitted_portfolio_and_a_manifest(
        self, cohort, enrolment, enrolment2, stranger, snapshot, programme_admin
    ):
        EnrolmentFactory(cohort=cohort)  # nothing submitted: no file
        second = submit_final_portfolio(enrolment2, "year-1-review")
        submit_final_portfolio(stranger, "year-1-review")
        job = ReportJob.objects.create(
            kind="cohort_portfolios", cohort=cohort, language="en", source_hash="x"
        )
        calls = []

        output = cohort_portfolios.render(
            job, lambda percent, text="": calls.append((percent, text))
        )

        assert output.filename == "portfolios-2025-2027.zip"
        assert output.pages is None
        archive = zipfile.ZipFile(io.BytesIO(output.content))
        names = archive.namelist()
        pdfs = sorted(name for name in names if name.endswith(".pdf"))
        assert len(pdfs) == 2
        assert "manifest.txt" in names
        manifest = archive.read("manifest.txt").decode()
        for name in pdfs:
            content = archive.read(name)
            assert content.startswith(b"%PDF")
            assert f"{name}\t{hashlib.sha256(content).hexdigest()}" in manifest
        assert enrolment.student.get_full_name() in manifest
        assert enrolment2.student.get_full_name() in manifest
        assert stranger.student_number not in manifest
        assert any(enrolment.student_number in name for name in pdfs)
        assert any(second.portfolio.enrolment.student_number in name for name in pdfs)

        def counted(done):
            return gettext("%(done)s of %(total)s portfolios") % {"done": done, "total": 2}

        assert calls[-1][1] == counted(2)
        assert [text for _percent, text in calls][:2] == [counted(0), counted(1)]
        assert all(0 <= percent <= 99 for percent, _text in calls)

    def test_the_job_runs_through_the_pipeline(
        self, cohort, snapshot, programme_admin, django_capture_on_commit_callbacks
    ):
        job = ask("cohort_portfolios", cohort, programme_admin, django_capture_on_commit_callbacks)

        assert job.status == ReportJob.Status.DONE, job.error
        assert job.filename == "portfolios-2025-2027.zip"
        assert job.file.name.endswith(".zip")
        names = zipfile.ZipFile(io.BytesIO(stored(job))).namelist()
        assert len([n for n in names if n.endswith(".pdf")]) == 1

    def test_the_fingerprint_changes_with_a_new_submission(self, cohort, enrolment, enrolment2):
        empty = cohort_portfolios.fingerprint(cohort, "nl")
        submit_final_portfolio(enrolment2, "year-1-review")

        assert cohort_portfolios.fingerprint(cohort, "nl") != empty

    def test_the_latest_submission_of_each_student(self, cohort, enrolment):
        first = submit_final_portfolio(enrolment, "year-1-review")
        later = submit_final_portfolio(enrolment, "final-portfolio")

        chosen = cohort_portfolios.latest_snapshots(cohort)

        assert [s.pk for s in chosen] == [later.pk]
        assert first.pk != later.pk


class TestWhoMayAsk:
    @pytest.mark.parametrize("kind", KINDS)
    def test_administrators_only(
        self, kind, cohort, enrolment, student, supervisor, lecturer, outsider, programme_admin
    ):
        LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
        make_project(enrolment, supervisor=supervisor)

        assert services.allowed(programme_admin, kind, cohort)
        for user in (student, supervisor, lecturer, outsider):
            assert not services.allowed(user, kind, cohort), user

    @pytest.mark.parametrize("kind", KINDS)
    def test_the_request_view_refuses_a_lecturer(self, kind, client, cohort, lecturer):
        LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
        client.force_login(lecturer)

        response = client.post(reverse("reports:request", args=[kind, cohort.uuid]))

        assert response.status_code == 404
        assert not ReportJob.objects.exists()

    def test_the_buttons_show_for_administrators_only(
        self, client, cohort, lecturer, programme_admin
    ):
        LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
        urls = [reverse("reports:request", args=[kind, cohort.uuid]) for kind in KINDS]

        client.force_login(programme_admin)
        page = client.get(reverse("cohorts:cohort", args=[cohort.uuid])).content.decode()
        assert all(url in page for url in urls)

        client.force_login(lecturer)
        page = client.get(reverse("cohorts:cohort", args=[cohort.uuid])).content.decode()
        assert not any(url in page for url in urls)
