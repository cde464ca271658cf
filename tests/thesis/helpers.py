"""Builders for the thesis tests: a project with a supervisor, uploads, and milestones moved
to a given state through the services (never by writing statuses directly)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.services import assign_supervisor
from competencies.uploads import check_upload
from thesis import ethics, services
from thesis.models import EthicsReview, Milestone, ThesisProject

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

LOW_RISK = {
    "insider": ethics.NO,
    "power": ethics.NO,
    "voluntary": ethics.YES,
    "consent": ethics.YES,
    "anonymity": ethics.NO,
    "sensitive": ethics.NO,
    "storage": ethics.YES,
    "double_role": ethics.NO,
    "recording": ethics.NO,
}
# Insider research where the researcher coaches the participants: medium or higher.
HIGHER_RISK = {**LOW_RISK, "insider": ethics.YES, "power": ethics.YES, "double_role": ethics.YES}


def pdf_file(name: str = "voorstel.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked(name: str = "voorstel.pdf", content: bytes = PDF):
    return check_upload(pdf_file(name, content))


def make_project(enrolment, *, supervisor=None, by=None, title="Samen leren in de wijkzorg"):
    """A project for ``enrolment`` (started by its student), with ``supervisor`` assigned."""
    if supervisor is not None:
        assign_supervisor(enrolment=enrolment, supervisor=supervisor, by=supervisor)
    return services.start_project(
        enrolment=enrolment,
        working_title=title,
        research_question="Hoe leren teams in de wijkzorg van elkaar?",
        by=by or enrolment.student,
    )


def milestone(project: ThesisProject, kind: str) -> Milestone:
    return project.milestones.get(kind=kind)


def hand_in(project: ThesisProject, kind: str, *, name: str = "versie.pdf", comment: str = ""):
    return services.upload_version(
        milestone=milestone(project, kind),
        checked_file=checked(name),
        comment=comment,
        by=project.enrolment.student,
    )


def approve(project: ThesisProject, kind: str, supervisor):
    version = hand_in(project, kind)
    services.review_version(
        version=version, decision="approved", feedback="Akkoord.", by=supervisor
    )
    return milestone(project, kind)


def submit_ethics(project: ThesisProject, answers: dict = LOW_RISK) -> EthicsReview:
    review = project.ethics_reviews.current().get()
    student = project.enrolment.student
    services.save_ethics_answers(
        review=review,
        answers=answers,
        consent_procedure="Informatiebrief en toestemmingsformulier; terugtrekken kan altijd.",
        data_management="Gepseudonimiseerd op de universiteitsschijf; na 7 jaar gewist.",
        by=student,
    )
    return services.submit_ethics(review=review, by=student)


def approve_ethics(project: ThesisProject, supervisor) -> EthicsReview:
    review = submit_ethics(project)
    return services.decide_ethics(review=review, approve=True, note="", by=supervisor)
