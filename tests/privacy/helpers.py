"""Builders for the privacy tests: a student's data in every retention category."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from coachmaster.reports.models import ReportJob
from cohorts.models import Enrolment
from competencies.defaults import ensure_activity_kinds
from competencies.models import (
    ActivityKind,
    Assessment,
    ClientEngagement,
    Evidence,
    FeedbackMessage,
    FeedbackThread,
    LearningActivity,
)
from competencies.services import portfolio as portfolio_services
from thesis.models import MeetingAction, SupervisionMeeting

from ..competencies.assessment_helpers import agree, judge, two_examiners
from ..competencies.portfolio_helpers import complete, start
from ..thesis.helpers import hand_in, make_project

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REFLECTION = "Mijn reflectie over coachee Jansen."
EVIDENCE_TEXT = "Verslag van de sessie met team Noord."
MEETING_NOTES = "Besproken: de interviews met de teamleiders."
RELEASED_ON = datetime.datetime(2020, 3, 1, 12, tzinfo=datetime.UTC)


@dataclass
class Filled:
    enrolment: Enrolment
    released: Assessment
    open_assessment: Assessment | None
    examiner_names: list[str]
    evidence: Evidence
    activity: LearningActivity


def release(assessment: Assessment, at: datetime.datetime = RELEASED_ON) -> Assessment:
    """Releases an agreed assessment straight in the table (the only update the database
    allows on it: after this it is frozen)."""
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED,
        released_at=at,
        released_by=assessment.examiners.first().user,
    )
    assessment.refresh_from_db()
    return assessment


def submitted(enrolment, code: str, content: bytes | None = None) -> Assessment:
    """The enrolment's portfolio for review moment ``code``, completed (with a file when
    ``content`` is given) and submitted: its open assessment."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code=code)
    portfolio = complete(start(enrolment, moment), content=content)
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
    return Assessment.objects.get(snapshot=snapshot)


def fill(enrolment, *, supervisor, lecturer) -> Filled:
    ensure_activity_kinds()
    engagement = ClientEngagement.objects.create(
        enrolment=enrolment, client_code="C-07", client_type="individual", goals="Rust vinden."
    )
    activity = LearningActivity.objects.create(
        enrolment=enrolment,
        kind=ActivityKind.objects.order_by("position").first(),
        date=datetime.date(2019, 5, 1),
        hours=2,
        title="Sessie met C-07",
        engagement=engagement,
        description="Tweede sessie.",
        reflection=REFLECTION,
    )
    name = storages["private"].save(f"evidence/{enrolment.pk}/own", ContentFile(PDF))
    evidence = Evidence.objects.create(
        enrolment=enrolment,
        title="Sessieverslag",
        kind=Evidence.Kind.DOCUMENT,
        text=EVIDENCE_TEXT,
        file=name,
        original_name="sessie verslag.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    thread = FeedbackThread.objects.create(
        enrolment=enrolment, lecturer=lecturer, evidence=evidence, subject="Is dit genoeg?"
    )
    FeedbackMessage.objects.create(thread=thread, author=enrolment.student, text="Graag je blik.")
    FeedbackMessage.objects.create(thread=thread, author=lecturer, text="Ja, prima.")

    released = submitted(enrolment, "final-portfolio", content=PDF)
    examiners = two_examiners(released)
    for examiner in examiners:
        judge(examiner)
    agree(released)
    release(released)
    open_assessment = submitted(enrolment, "year-1-review")
    hidden = two_examiners(open_assessment)
    judge(hidden[0], feedback="Nog niet vrijgegeven oordeel.")

    project = make_project(enrolment, supervisor=supervisor)
    hand_in(project, "proposal", name="voorstel.pdf")
    hand_in(project, "final", name="eindscriptie.pdf")
    meeting = SupervisionMeeting.objects.create(
        project=project, date=datetime.date(2019, 6, 1), notes=MEETING_NOTES, logged_by=supervisor
    )
    MeetingAction.objects.create(
        meeting=meeting, description="Interviews plannen", owner=supervisor
    )

    report_name = storages["private"].save("reports/test.pdf", ContentFile(PDF))
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.PROGRESS,
        enrolment=enrolment,
        language="nl",
        source_hash="x",
        status=ReportJob.Status.DONE,
        file=report_name,
        filename="voortgang.pdf",
        finished_at=timezone.now(),
    )
    job.requesters.add(enrolment.student)
    return Filled(
        enrolment=enrolment,
        released=released,
        open_assessment=open_assessment,
        examiner_names=[e.user.get_full_name() for e in [*examiners, *hidden]]
        + [e.user.email for e in [*examiners, *hidden]],
        evidence=evidence,
        activity=activity,
    )


def end_enrolment(enrolment, on: datetime.date) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.GRADUATED, status_since=on
    )


def open_zip(content: bytes) -> tuple[zipfile.ZipFile, dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = json.loads(archive.read("data.json"))
    readme = archive.read("README.txt").decode()
    return archive, data, readme
