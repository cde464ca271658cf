"""The portfolio PDF: made from the submitted snapshot, in Dutch and English, with the
released result only once released; its fingerprint, deduplication, who may ask for it (by
the service and through the pages), the button on the portfolio page, and the management
command."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from coachmaster.reports import services
from coachmaster.reports.documents import portfolio as document
from coachmaster.reports.models import ReportJob
from competencies.models import Portfolio, Verdict
from competencies.services import reconciliation
from tests.competencies.assessment_helpers import examining
from tests.competencies.portfolio_helpers import start
from tests.factories import LecturerFactory

from .conftest import EVIDENCE_URL, pdf_text, release, submit_final_portfolio

pytestmark = pytest.mark.django_db


def _words(text: str) -> str:
    return " ".join(text.split())


def _render(snapshot, language: str) -> str:
    with translation.override(language):
        return _words(pdf_text(document.render_snapshot_pdf(snapshot).content))


def _requested(snapshot, by, language, django_capture_on_commit_callbacks) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_report(kind="portfolio", subject=snapshot, by=by, language=language)
    job.refresh_from_db()
    return job


# --- content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_holds_the_submitted_portfolio_in_the_readers_language(
    snapshot, enrolment, student, language, django_capture_on_commit_callbacks
):
    job = _requested(snapshot, student, language, django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.DONE, job.error
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = _words(pdf_text(content))
    assert student.get_full_name() in text
    assert enrolment.student_number in text
    assert snapshot.sha256 in text.replace(" ", "")
    for competency in snapshot.portfolio.review_moment.version.framework.competencies.all():
        name = competency.name_nl if language == "nl" else competency.name_en
        assert f"{competency.code} {name}" in text
        assert f"Bewijs {competency.code}" in text
        assert f"Mijn argument voor {competency.code}." in text
    with translation.override(language):
        headings = [
            gettext("Overall reflection"),
            gettext("Development plan"),
            gettext("Self-assessed level"),
            gettext("Content hash (SHA-256)"),
            gettext("Coaching hours"),
        ]
    for heading in headings:
        assert heading in text
    if language == "nl":  # the headings really are translated
        assert "Self-assessed level" not in text and "Development plan" not in text
    assert EVIDENCE_URL in text.replace(" ", "")
    assert "verslag.pdf" in text  # the file's original name, with its hash
    assert job.pages == len(PdfReader(io.BytesIO(content)).pages)
    assert job.filename == f"portfolio-{enrolment.student_number}-final-portfolio-1.pdf"


def test_the_pdf_is_made_from_the_snapshot_not_the_live_portfolio(snapshot):
    Portfolio.objects.filter(pk=snapshot.portfolio_id).update(
        overall_reflection="Later veranderd."
    )
    text = _render(snapshot, "nl")
    assert "Terugblik." in text and "Later veranderd." not in text


def test_the_released_result_appears_only_once_released(snapshot, programme_admin):
    with translation.override("en"):
        heading = gettext("Joint explanation of the examiners")
    before = _render(snapshot, "en")
    assert heading not in before and "Samen besloten" not in before

    release(snapshot, by=programme_admin)
    after = _render(snapshot, "en")
    assert heading in after
    assert "Samen besloten: een sterk portfolio." in after
    assert "1: IC1 Goed gedaan." in after and "2: IC3 Goed gedaan." in after
    with translation.override("en"):
        assert str(Verdict.PASS.label) in after
    for examiner in snapshot.assessment.examiners.select_related("user"):
        assert examiner.user.get_full_name() in after


def test_a_correction_shows_in_the_pdf(released_snapshot, programme_admin):
    reconciliation.correct_result(
        assessment=released_snapshot.assessment,
        reason="Rekenfout in het cijfer.",
        grade=Decimal("8.0"),
        by=programme_admin,
    )
    text = _render(released_snapshot, "en")
    with translation.override("en"):
        assert gettext("Corrections") in text
    assert "Rekenfout in het cijfer." in text and "8.0" in text


def test_progress_is_reported_in_stages(snapshot):
    seen = []
    with translation.override("en"):
        output = document.render_snapshot_pdf(
            snapshot, lambda percent, text="": seen.append((percent, text))
        )
    assert output.content.startswith(b"%PDF") and output.pages >= 3
    percents = [percent for percent, _text in seen]
    assert len(seen) >= 3 and percents == sorted(percents) and all(text for _p, text in seen)


# --- fingerprint and deduplication ----------------------------------------------------------


def test_the_fingerprint_changes_on_release_and_correction_only(snapshot, programme_admin):
    first = document.fingerprint(snapshot, "nl")
    assert document.fingerprint(snapshot, "nl") == first
    assert document.fingerprint(snapshot, "en") != first
    release(snapshot, by=programme_admin)
    released = document.fingerprint(snapshot, "nl")
    assert released != first
    reconciliation.correct_result(
        assessment=snapshot.assessment, reason="Cijfer.", grade=Decimal("8.0"), by=programme_admin
    )
    assert document.fingerprint(snapshot, "nl") not in (first, released)


def test_asking_twice_gives_one_job_and_another_language_another(
    snapshot, student, lecturer, enrolment, django_capture_on_commit_callbacks
):
    first = _requested(snapshot, student, "nl", django_capture_on_commit_callbacks)
    examining(enrolment.cohort, lecturer)
    again = _requested(snapshot, lecturer, "nl", django_capture_on_commit_callbacks)
    english = _requested(snapshot, student, "en", django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    assert set(first.requesters.all()) == {student, lecturer}
    assert english.pk != first.pk
    assert ReportJob.objects.filter(kind="portfolio").count() == 2


def test_a_release_gives_a_new_job(
    snapshot, student, programme_admin, django_capture_on_commit_callbacks
):
    before = _requested(snapshot, student, "nl", django_capture_on_commit_callbacks)
    release(snapshot, by=programme_admin)
    after = _requested(snapshot, student, "nl", django_capture_on_commit_callbacks)
    assert after.pk != before.pk and after.source_hash != before.source_hash
    assert after.status == ReportJob.Status.DONE


# --- who may ask --------------------------------------------------------------------------------


def test_who_may_have_the_portfolio_pdf(snapshot, world, enrolment, programme_admin):
    allowed = lambda user: services.allowed(user, "portfolio", snapshot)  # noqa: E731
    assert allowed(world["student"])
    assert allowed(programme_admin)
    assert not allowed(world["student2"])
    assert not allowed(world["lecturer"])  # not assigned to the cohort, not examining
    assert not allowed(world["outsider"])
    examiner = LecturerFactory()
    snapshot.assessment.examiners.create(user=examiner, position=1, assigned_by=programme_admin)
    assert allowed(examiner)  # an examiner from outside the cohort's staff
    examining(enrolment.cohort, world["lecturer"])
    assert allowed(world["lecturer"])  # now teaching the cohort


def test_the_pages_ask_for_show_and_download_the_pdf(
    client, snapshot, student, student2, lecturer, django_capture_on_commit_callbacks
):
    url = reverse("reports:request", args=["portfolio", snapshot.portfolio.uuid])
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[job.uuid])
    job_page = reverse("reports:job", args=[job.uuid])
    download = reverse("reports:download", args=[job.uuid])
    assert client.get(job_page).status_code == 200
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    for other in (student2, lecturer):
        client.force_login(other)
        assert client.post(url).status_code == 404
        assert client.get(job_page).status_code == 404
        assert client.get(download).status_code == 404
    assert ReportJob.objects.count() == 1


def test_a_portfolio_that_was_never_submitted_has_no_pdf(client, enrolment, student):
    moment = enrolment.cohort.curriculum_version.review_moments.get(code="year-1-review")
    draft = start(enrolment, moment)
    client.force_login(student)
    response = client.post(reverse("reports:request", args=["portfolio", draft.uuid]))
    assert response.status_code == 404
    page = client.get(reverse("competencies:portfolio", args=[draft.uuid]))
    assert reverse("reports:request", args=["portfolio", draft.uuid]) not in page.text


def test_the_portfolio_page_offers_the_pdf_once_submitted(client, snapshot, student):
    client.force_login(student)
    page = client.get(reverse("competencies:portfolio", args=[snapshot.portfolio.uuid]))
    assert page.status_code == 200
    assert reverse("reports:request", args=["portfolio", snapshot.portfolio.uuid]) in page.text


def test_the_page_cap_fails_the_job_with_a_clear_message(
    snapshot, student, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_MAX_PAGES = 2
    job = _requested(snapshot, student, "en", django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.FAILED
    assert "more than the 2 allowed" in job.error
    assert not job.file


# --- the management command ---------------------------------------------------------------


def test_the_command_writes_the_portfolio_pdf(snapshot, student, tmp_path):
    output = tmp_path / "portfolio.pdf"
    call_command(
        "render_report",
        "portfolio",
        "--student",
        "student@example.org",
        "--output",
        str(output),
        "--language",
        "en",
        stdout=io.StringIO(),
    )
    content = output.read_bytes()
    assert content.startswith(b"%PDF")
    text = _words(pdf_text(content))
    assert student.get_full_name() in text and "IC1 Competency IC1" in text
    assert ReportJob.objects.count() == 0  # no job: rendered in the command's process


def test_the_command_finds_the_student_by_number_too(snapshot, enrolment, tmp_path):
    output = tmp_path / "p.pdf"
    call_command(
        "render_report",
        "portfolio",
        "--student",
        enrolment.student_number,
        "--moment",
        "final-portfolio",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    assert len(PdfReader(str(output)).pages) >= 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["portfolio", "--student", "nobody@example.org"], "No student"),
        (["portfolio"], "Give the student"),
        (["portfolio", "--student", "student@example.org", "--moment", "nope"], "no portfolio"),
        (
            ["portfolio", "--student", "student@example.org", "--moment", "year-1-review"],
            "not been submitted",
        ),
        (["cohort", "--cohort", "1999–2001"], "No cohort"),
        (["cohort"], "Give the cohort"),
    ],
)
def test_the_command_says_what_is_wrong(snapshot, enrolment, tmp_path, arguments, message):
    moment = enrolment.cohort.curriculum_version.review_moments.get(code="year-1-review")
    start(enrolment, moment)  # a draft: not submitted
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *arguments, "--output", str(tmp_path / "x.pdf"))


def test_names_with_quotes_and_markup_print_as_written(enrolment):
    student = enrolment.student
    student.given_name, student.family_name = "Eva", 'O\'Brien-"Smit" <b>&</b>'
    student.save(update_fields=["given_name", "family_name"])
    snapshot = submit_final_portfolio(enrolment)
    with translation.override("en"):
        content = document.render_snapshot_pdf(snapshot).content
    pages = PdfReader(io.BytesIO(content)).pages
    name = 'Eva O\'Brien-"Smit" <b>&</b>'
    assert name in _words(pages[0].extract_text())  # the cover
    assert name in _words(pages[2].extract_text())  # the running header
    assert "&#x27;" not in pdf_text(content) and "&quot;" not in pdf_text(content)


@pytest.mark.parametrize(
    ("arguments", "magic"),
    [
        (["progress", "--student", "student@example.org"], b"%PDF"),
        (["cohort", "--cohort", "2025–2027"], b"%PDF"),
        (["cohort_portfolios", "--cohort", "2025–2027"], b"PK"),
    ],
)
def test_the_command_renders_the_other_reports(snapshot, tmp_path, arguments, magic):
    output = tmp_path / "report"
    call_command("render_report", *arguments, "--output", str(output), stdout=io.StringIO())
    assert output.read_bytes().startswith(magic)
