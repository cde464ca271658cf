"""The weekly digest: one e-mail a week per person with what is due and what waits for them.

``build_digest(user)`` reads what there is to say, in a fixed number of queries whatever the
numbers of students, milestones or assessments; ``send_digest(user)`` mails it in the
recipient's language, and sends nothing when there is nothing to say. The tasks in
``tasks.py`` fan out one ``reports.send_digest`` per person from ``recipients()``.

Sections by role (a person with several roles gets one mail with several sections):

- supervisors: their current supervisees' overdue milestones, the ones due in the next
  two weeks, and handed-in versions waiting for their feedback;
- supervisors and programme ethics reviewers: ethics reviews waiting for their decision
  (``EthicsReview.objects.waiting_for``);
- lecturers (anyone who examines): portfolios to assess and results to reconcile, and open
  feedback questions asked of them;
- everyone: their own deadlines: thesis milestones and portfolios (students), and open
  actions agreed in supervision meetings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coachmaster.accounts.models import User
from cohorts.models import Enrolment
from competencies.models import Approval, Assessment, Examiner, FeedbackThread, Portfolio
from curriculum.models import ReviewMoment
from thesis.models import (
    EthicsReview,
    MeetingAction,
    Milestone,
    MilestoneKind,
    MilestoneVersion,
    ThesisProject,
)

HORIZON_DAYS = 14
LIVE_PROJECTS = [ThesisProject.Status.PROPOSAL, ThesisProject.Status.RESEARCH]


def url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


@dataclass
class Deadline:
    """One of the person's own deadlines: what, when, and where to act on it."""

    date: datetime.date
    what: str  # "milestone", "portfolio" or "action"
    title: str
    url: str
    overdue: bool = False


@dataclass
class Digest:
    user: User
    today: datetime.date
    overdue: list[Milestone] = field(default_factory=list)
    upcoming: list[Milestone] = field(default_factory=list)
    to_review: list[Milestone] = field(default_factory=list)
    ethics: list[EthicsReview] = field(default_factory=list)
    to_assess: list[Examiner] = field(default_factory=list)
    to_reconcile: list[Examiner] = field(default_factory=list)
    feedback: list[FeedbackThread] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def horizon(self) -> datetime.date:
        return self.today + datetime.timedelta(days=HORIZON_DAYS)

    @property
    def has_supervision(self) -> bool:
        return bool(self.overdue or self.upcoming or self.to_review)

    @property
    def has_assessment(self) -> bool:
        return bool(self.to_assess or self.to_reconcile or self.feedback)

    @property
    def is_empty(self) -> bool:
        return not (self.has_supervision or self.ethics or self.has_assessment or self.deadlines)


# --- recipients -----------------------------------------------------------------------------


def recipients() -> models.QuerySet:
    """Who may get a digest: active people who did not opt out and hold a role."""
    return (
        User.objects.active()
        .filter(weekly_digest=True)
        .filter(
            models.Q(is_student=True)
            | models.Q(is_lecturer=True)
            | models.Q(is_supervisor=True)
            | models.Q(is_programme_admin=True)
        )
        .order_by("pk")
    )


# --- what there is to say -------------------------------------------------------------------


def build_digest(user: User, today: datetime.date | None = None) -> Digest:
    """Everything the digest of ``user`` says (at most nine queries)."""
    digest = Digest(user=user, today=today or timezone.localdate())
    staff = user.is_lecturer or user.is_supervisor or user.is_programme_admin
    if user.is_supervisor:
        _supervision(digest)
    if staff:
        _ethics(digest)
        _assessment(digest)
    if user.is_student:
        _student_milestones(digest)
        _student_portfolios(digest)
    _actions(digest)
    digest.deadlines.sort(key=lambda d: (d.date, d.what, d.title))
    return digest


def _supervision(digest: Digest) -> None:
    """One query: the supervisees' milestones that are overdue, due soon, or handed in (a
    version to read: the ethics review and the defence are decided elsewhere)."""
    handed_in = models.Q(status=Milestone.Status.SUBMITTED) & ~models.Q(
        kind__in=[MilestoneKind.ETHICS, MilestoneKind.DEFENCE]
    )
    due_soon = models.Q(due_on__lte=digest.horizon) & ~models.Q(
        status__in=[Milestone.Status.APPROVED, Milestone.Status.SUBMITTED]
    )
    latest = MilestoneVersion.objects.filter(milestone=models.OuterRef("pk")).order_by("-number")
    milestones = (
        Milestone.objects.filter(
            project__in=ThesisProject.objects.supervised_by(digest.user),
            project__status__in=LIVE_PROJECTS,
            project__enrolment__status=Enrolment.Status.ACTIVE,
        )
        .filter(handed_in | due_soon)
        .annotate(latest_version=models.Subquery(latest.values("number")[:1]))
        .select_related("project__enrolment__student")
        .order_by("due_on", "project__enrolment__student__family_name", "position")
    )
    for milestone in milestones:
        milestone.url = url("thesis:milestone", milestone.uuid)
        if milestone.status == Milestone.Status.SUBMITTED:
            digest.to_review.append(milestone)
        elif milestone.due_on < digest.today:
            digest.overdue.append(milestone)
        else:
            digest.upcoming.append(milestone)


def _ethics(digest: Digest) -> None:
    """One query: the reviews waiting for this person's decision."""
    reviews = (
        EthicsReview.objects.waiting_for(digest.user)
        .select_related("project__enrolment__student")
        .order_by("submitted_at", "pk")
    )
    for review in reviews:
        review.url = url("thesis:ethics", review.uuid)
        digest.ethics.append(review)


def _assessment(digest: Digest) -> None:
    """Two queries: the person's examinations with work left, and open feedback questions."""
    user = digest.user
    approved_current = models.Exists(
        Approval.objects.filter(
            examiner=models.OuterRef("pk"), revision=models.OuterRef("assessment__revision")
        )
    )
    examiners = (
        Examiner.objects.filter(user=user)
        .filter(
            models.Q(submitted_at__isnull=True, assessment__status=Assessment.Status.OPEN)
            | models.Q(assessment__status=Assessment.Status.RECONCILING)
        )
        .alias(approved_current=approved_current)
        .exclude(assessment__status=Assessment.Status.RECONCILING, approved_current=True)
        .select_related(
            "assessment__portfolio__enrolment__student", "assessment__portfolio__review_moment"
        )
        .order_by("assessment__due_on", "pk")
    )
    for examiner in examiners:
        assessment = examiner.assessment
        if assessment.status == Assessment.Status.OPEN:
            examiner.url = url("competencies:assessment_form", assessment.uuid)
            digest.to_assess.append(examiner)
        else:
            examiner.url = url("competencies:assessment", assessment.uuid)
            digest.to_reconcile.append(examiner)
    threads = (
        FeedbackThread.objects.open()
        .filter(lecturer=user)
        .select_related("enrolment__student")
        .order_by("created_at", "pk")
    )
    for thread in threads:
        thread.url = url("competencies:feedback_thread", thread.uuid)
        digest.feedback.append(thread)


def _student_milestones(digest: Digest) -> None:
    """One query: the student's milestones not yet handed in or approved, due within the
    horizon (overdue ones included)."""
    milestones = (
        Milestone.objects.filter(
            project__enrolment__student=digest.user,
            project__enrolment__status=Enrolment.Status.ACTIVE,
            project__status__in=LIVE_PROJECTS,
            due_on__lte=digest.horizon,
        )
        .exclude(status__in=[Milestone.Status.APPROVED, Milestone.Status.SUBMITTED])
        .only("uuid", "name_nl", "name_en", "due_on")
    )
    for milestone in milestones:
        digest.deadlines.append(
            Deadline(
                date=milestone.due_on,
                what="milestone",
                title=milestone.name,
                url=url("thesis:milestone", milestone.uuid),
                overdue=milestone.due_on < digest.today,
            )
        )


def _student_portfolios(digest: Digest) -> None:
    """Three queries: the review moments of the student's active enrolments due within the
    horizon, without a submitted portfolio."""
    enrolments = list(
        Enrolment.objects.filter(
            student=digest.user,
            status=Enrolment.Status.ACTIVE,
            cohort__curriculum_version__isnull=False,
        ).select_related("cohort")
    )
    if not enrolments:
        return
    versions = {e.cohort.curriculum_version_id for e in enrolments}
    moments = list(ReviewMoment.objects.filter(version_id__in=versions).order_by("position"))
    portfolios = {
        (p.enrolment_id, p.review_moment_id): p
        for p in Portfolio.objects.filter(enrolment__in=enrolments).only(
            "uuid", "status", "enrolment_id", "review_moment_id"
        )
    }
    for enrolment in enrolments:
        for moment in moments:
            if moment.version_id != enrolment.cohort.curriculum_version_id:
                continue
            due = moment.due_date(enrolment.cohort.start_date)
            if due is None or not digest.today <= due <= digest.horizon:
                continue
            portfolio = portfolios.get((enrolment.pk, moment.pk))
            if portfolio is not None and portfolio.status != Portfolio.Status.DRAFT:
                continue
            link = (
                url("competencies:portfolio", portfolio.uuid)
                if portfolio is not None
                else url("competencies:portfolios")
            )
            digest.deadlines.append(
                Deadline(date=due, what="portfolio", title=moment.name, url=link)
            )


def _actions(digest: Digest) -> None:
    """One query: open actions the person agreed to in supervision meetings, with a due date
    within the horizon (overdue ones included)."""
    actions = MeetingAction.objects.filter(
        owner=digest.user, done=False, due_on__isnull=False, due_on__lte=digest.horizon
    ).select_related("meeting")
    for action in actions:
        digest.deadlines.append(
            Deadline(
                date=action.due_on,
                what="action",
                title=action.description,
                url=url("thesis:meeting", action.meeting.uuid),
                overdue=action.due_on < digest.today,
            )
        )


# --- sending --------------------------------------------------------------------------------


def send_digest(user: User, today: datetime.date | None = None) -> bool:
    """Mails ``user`` their digest in their own language; False (and no mail) when there is
    nothing to say, or they opted out or left."""
    if not (user.is_active and user.weekly_digest and user.email):
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        digest = build_digest(user, today)
        if digest.is_empty:
            return False
        context = {
            "digest": digest,
            "user": user,
            "preferences_url": url("preferences"),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("reports/email/digest_subject.txt", context).strip()
        body = render_to_string("reports/email/digest_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return True
