"""The weekly digest: who gets what, in which language, and when nobody gets anything."""

from __future__ import annotations

import datetime

import pytest
from celery.schedules import crontab
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coachmaster.celery import app as celery_app
from coachmaster.reports import digests, tasks
from cohorts.models import Enrolment
from competencies.models import (
    Approval,
    Assessment,
    Examiner,
    FeedbackThread,
    Portfolio,
    PortfolioSnapshot,
)
from curriculum.models import ReviewMoment
from thesis.models import MeetingAction, Milestone, SupervisionMeeting

from ..factories import EnrolmentFactory, LecturerFactory, StudentFactory, SupervisorFactory
from ..thesis.helpers import make_project, submit_ethics

SITE = "https://coachmaster.example.org"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def enrolment(student, version):
    return student.enrolments.select_related("cohort", "student").get()


def quiet(project) -> None:
    """Every milestone of ``project`` far in the future: nothing to report yet."""
    project.milestones.update(due_on=days(365))


def set_milestone(project, kind: str, *, due: int, status: str = Milestone.Status.NOT_STARTED):
    project.milestones.filter(kind=kind).update(due_on=days(due), status=status)
    return project.milestones.get(kind=kind)


@pytest.fixture
def project(enrolment, supervisor):
    project = make_project(enrolment, supervisor=supervisor)
    quiet(project)
    return project


@pytest.fixture
def other_project(student2, version):
    """student2's project, supervised by someone else, with an overdue milestone."""
    enrolment = student2.enrolments.get()
    project = make_project(enrolment, supervisor=SupervisorFactory(), title="Ander onderzoek")
    quiet(project)
    set_milestone(project, "literature", due=-10)
    return project


def assessment_of(enrolment, moment_code="final-portfolio", status=Assessment.Status.OPEN):
    """A submitted portfolio and its assessment, written straight into the tables."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code=moment_code)
    portfolio = Portfolio.objects.create(enrolment=enrolment, review_moment=moment)
    snapshot = PortfolioSnapshot.objects.create(
        portfolio=portfolio,
        number=1,
        data={},
        sha256="0" * 64,
        submitted_at=timezone.now(),
        submitted_by=enrolment.student,
    )
    Portfolio.objects.filter(pk=portfolio.pk).update(
        status=Portfolio.Status.SUBMITTED, current_snapshot=snapshot
    )
    return Assessment.objects.create(
        portfolio=portfolio, snapshot=snapshot, due_on=days(7), status=status
    )


def examiner(assessment, user, *, submitted=False, position=None):
    return Examiner.objects.create(
        assessment=assessment,
        user=user,
        position=position or assessment.examiners.count() + 1,
        assigned_by=user,
        verdict="pass" if submitted else "",
        submitted_at=timezone.now() if submitted else None,
    )


def thread(enrolment, lecturer, subject="Vraag over mijn zelfbeoordeling", **kwargs):
    moment = enrolment.cohort.curriculum_version.review_moments.get(code="year-1-review")
    portfolio, _ = Portfolio.objects.get_or_create(enrolment=enrolment, review_moment=moment)
    return FeedbackThread.objects.create(
        enrolment=enrolment, lecturer=lecturer, portfolio=portfolio, subject=subject, **kwargs
    )


def action(project, owner, *, due: int | None, done=False, text="Interviewleidraad sturen"):
    meeting = SupervisionMeeting.objects.create(project=project, date=days(-7))
    return MeetingAction.objects.create(
        meeting=meeting,
        description=text,
        owner=owner,
        due_on=days(due) if due else None,
        done=done,
    )


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


# --- supervisors ----------------------------------------------------------------------------


def test_supervisor_sees_overdue_upcoming_and_handed_in_of_own_supervisees_only(
    project, other_project, supervisor, student
):
    overdue = set_milestone(project, "proposal", due=-3)
    upcoming = set_milestone(project, "literature", due=5)
    set_milestone(project, "analysis", due=20)  # beyond two weeks
    set_milestone(project, "agreement", due=-30, status=Milestone.Status.APPROVED)
    handed_in = set_milestone(project, "draft", due=-1, status=Milestone.Status.SUBMITTED)

    digest = digests.build_digest(supervisor)

    assert [m.pk for m in digest.overdue] == [overdue.pk]
    assert [m.pk for m in digest.upcoming] == [upcoming.pk]
    assert [m.pk for m in digest.to_review] == [handed_in.pk]
    assert digest.deadlines == []

    assert digests.send_digest(supervisor)
    (message,) = mails_to(supervisor)
    assert student.get_full_name() in message.body
    assert f"{SITE}/thesis/milestones/{overdue.uuid}/" in message.body
    assert f"{SITE}/thesis/milestones/{handed_in.uuid}/" in message.body
    assert other_project.enrolment.student.get_full_name() not in message.body
    assert "Ander onderzoek" not in message.body


def test_supervisor_is_told_of_ethics_reviews_waiting_for_them(project, supervisor, student):
    review = submit_ethics(project)

    digest = digests.build_digest(supervisor)

    assert [r.pk for r in digest.ethics] == [review.pk]
    assert digests.send_digest(supervisor)
    assert f"{SITE}/thesis/ethics/{review.uuid}/" in mails_to(supervisor)[0].body
    # The student is not asked to decide on their own review.
    assert digests.build_digest(student).ethics == []


def test_supervision_of_a_withdrawn_student_is_not_reported(project, supervisor, enrolment):
    set_milestone(project, "proposal", due=-3)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)

    assert digests.build_digest(supervisor).is_empty


# --- lecturers ------------------------------------------------------------------------------


def test_lecturer_sees_own_assessments_reconciliations_and_open_questions(
    enrolment, lecturer, student2, version
):
    other = LecturerFactory()
    to_assess = assessment_of(enrolment)
    mine = examiner(to_assess, lecturer)
    examiner(to_assess, other)
    done = assessment_of(enrolment, moment_code="year-1-review")
    examiner(done, lecturer, submitted=True)  # judged, waiting for the colleague
    second = student2.enrolments.get()
    reconciling = assessment_of(second, status=Assessment.Status.RECONCILING)
    Assessment.objects.filter(pk=reconciling.pk).update(revision=1)
    to_reconcile = examiner(reconciling, lecturer, submitted=True)
    approved = examiner(reconciling, other, submitted=True)
    Approval.objects.create(assessment=reconciling, examiner=approved, revision=1)
    question = thread(enrolment, lecturer)
    thread(enrolment, lecturer, subject="Al beantwoord", status=FeedbackThread.Status.ANSWERED)
    thread(enrolment, other, subject="Aan een ander")

    digest = digests.build_digest(lecturer)

    assert [e.pk for e in digest.to_assess] == [mine.pk]
    assert [e.pk for e in digest.to_reconcile] == [to_reconcile.pk]
    assert [t.pk for t in digest.feedback] == [question.pk]
    # The colleague approved the current proposal: nothing left for them to reconcile.
    assert digests.build_digest(other).to_reconcile == []

    assert digests.send_digest(lecturer)
    body = mails_to(lecturer)[0].body
    assert f"{SITE}/assessments/{to_assess.uuid}/assess/" in body
    assert f"{SITE}/assessments/{reconciling.uuid}/" in body
    assert f"{SITE}/feedback-threads/{question.uuid}/" in body
    assert "Al beantwoord" not in body
    assert "Aan een ander" not in body


# --- students -------------------------------------------------------------------------------


def test_student_sees_only_own_deadlines_in_the_next_two_weeks(project, other_project, student):
    due = set_milestone(project, "proposal", due=4)
    late = set_milestone(project, "literature", due=-2)
    set_milestone(project, "analysis", due=15)  # beyond two weeks
    set_milestone(project, "draft", due=3, status=Milestone.Status.SUBMITTED)
    set_milestone(project, "agreement", due=3, status=Milestone.Status.APPROVED)
    mine = action(project, student, due=6)
    action(project, student, due=2, done=True, text="Al gedaan")
    action(project, student, due=None, text="Zonder datum")

    digest = digests.build_digest(student)

    assert [(d.what, d.url) for d in digest.deadlines] == [
        ("milestone", f"{SITE}/thesis/milestones/{late.uuid}/"),
        ("milestone", f"{SITE}/thesis/milestones/{due.uuid}/"),
        ("action", f"{SITE}/thesis/meetings/{mine.meeting.uuid}/"),
    ]
    assert digest.deadlines[0].overdue and not digest.deadlines[1].overdue
    assert digest.overdue == digest.to_review == digest.feedback == []
    # student2's overdue milestone is theirs alone.
    assert [d.what for d in digests.build_digest(other_project.enrolment.student).deadlines] == [
        "milestone"
    ]


def test_student_is_reminded_of_a_review_moment_until_the_portfolio_is_submitted(
    enrolment, student
):
    moment = ReviewMoment.objects.get(
        version=enrolment.cohort.curriculum_version, code="year-1-review"
    )
    ReviewMoment.objects.filter(pk=moment.pk).update(offset_months=None, date=days(10))

    (deadline,) = digests.build_digest(student).deadlines
    assert (deadline.what, deadline.date, deadline.url) == (
        "portfolio",
        days(10),
        f"{SITE}/portfolios/",
    )

    assessment_of(enrolment, moment_code="year-1-review")
    assert digests.build_digest(student).is_empty


# --- sending --------------------------------------------------------------------------------


def test_person_with_several_roles_gets_one_mail_with_every_section(
    lecturer_supervisor, student, enrolment
):
    project = make_project(enrolment, supervisor=lecturer_supervisor)
    quiet(project)
    set_milestone(project, "proposal", due=-3)
    thread(enrolment, lecturer_supervisor)
    action(project, lecturer_supervisor, due=3, text="Literatuur doorsturen")
    lecturer_supervisor.preferred_language = "en"
    lecturer_supervisor.save()

    tasks.send_weekly_digests.delay()

    (message,) = mails_to(lecturer_supervisor)
    assert "== Thesis supervision ==" in message.body
    assert "== Assessment and feedback ==" in message.body
    assert "== Your deadlines in the next two weeks ==" in message.body
    assert "Literatuur doorsturen" in message.body


def test_each_recipient_reads_the_digest_in_their_own_language(project, supervisor, student):
    milestone = set_milestone(project, "proposal", due=3)
    supervisor.preferred_language = "en"
    supervisor.save()
    student.preferred_language = "nl"
    student.save()

    tasks.send_weekly_digests.delay()

    (to_supervisor,) = mails_to(supervisor)
    (to_student,) = mails_to(student)
    assert milestone.name_en in to_supervisor.body
    assert milestone.name_nl not in to_supervisor.body
    assert "Dear " in to_supervisor.body
    assert milestone.name_nl in to_student.body
    assert milestone.name_en not in to_student.body
    assert to_supervisor.subject.startswith("[CoachMaster] ")
    assert f"{SITE}/accounts/preferences/" in to_supervisor.body


def test_opted_out_and_inactive_people_get_nothing(project, supervisor, student):
    set_milestone(project, "proposal", due=3)
    supervisor.weekly_digest = False
    supervisor.save()
    student.is_active = False
    student.save()

    tasks.send_weekly_digests.delay()

    assert mails_to(supervisor) == []
    assert mails_to(student) == []
    assert not digests.send_digest(supervisor)
    assert not digests.recipients().filter(pk__in=[supervisor.pk, student.pk]).exists()


def test_nobody_gets_an_empty_mail(world, project):
    tasks.send_weekly_digests.delay()

    assert mail.outbox == []
    assert world["outsider"] not in digests.recipients()


def test_the_weekly_task_fans_out_one_task_per_recipient(world, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_digest, "delay", queued.append)

    count = tasks.send_weekly_digests()

    expected = set(digests.recipients().values_list("pk", flat=True))
    assert count == len(queued) == len(expected)
    assert set(queued) == expected
    assert world["outsider"].pk not in queued
    assert tasks.send_digest.autoretry_for == (OSError,)


def test_digest_task_for_a_missing_or_opted_out_person_does_nothing(supervisor):
    supervisor.weekly_digest = False
    supervisor.save()
    assert tasks.send_digest.delay(supervisor.pk).get() is False
    assert tasks.send_digest.delay(999_999).get() is False


def test_beat_schedule_runs_the_digest_on_the_configured_day_and_hour(settings):
    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "reports.send_weekly_digests"
    ]
    assert entry["schedule"] == crontab(
        day_of_week=settings.DIGEST_DAY_OF_WEEK, hour=settings.DIGEST_HOUR, minute=0
    )
    assert "reports.send_weekly_digests" in celery_app.tasks
    assert "reports.send_digest" in celery_app.tasks


# --- queries --------------------------------------------------------------------------------


def _grow(lecturer_supervisor, version, size: int) -> None:
    """``size`` supervisees with overdue, upcoming and handed-in milestones, an ethics review,
    an assessment, a feedback question and an action each."""
    for _ in range(size):
        enrolment = EnrolmentFactory(cohort=version.cohorts.get(), student=StudentFactory())
        project = make_project(enrolment, supervisor=lecturer_supervisor)
        quiet(project)
        set_milestone(project, "proposal", due=-3)
        set_milestone(project, "literature", due=4)
        set_milestone(project, "draft", due=1, status=Milestone.Status.SUBMITTED)
        submit_ethics(project)
        examiner(assessment_of(enrolment), lecturer_supervisor)
        thread(enrolment, lecturer_supervisor)
        action(project, lecturer_supervisor, due=2)


def test_building_a_digest_takes_the_same_queries_whatever_the_numbers(
    lecturer_supervisor, version, cohort
):
    lecturer_supervisor.is_student = True
    lecturer_supervisor.save()
    EnrolmentFactory(cohort=cohort, student=lecturer_supervisor)
    counts = []
    for size in (1, 4):
        _grow(lecturer_supervisor, version, size)
        with CaptureQueriesContext(connection) as queries:
            digest = digests.build_digest(lecturer_supervisor)
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert digests.send_digest(lecturer_supervisor)
        counts.append(len(queries))
    assert len(digest.overdue) == len(digest.to_review) == len(digest.to_assess) == 5
    assert len(digest.ethics) == len(digest.feedback) == 5
    assert counts[0] == counts[2] <= 9
    assert counts[1] == counts[3] == counts[0]
