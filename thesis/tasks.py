"""Thesis tasks: the mails that follow an act, queued after its transaction commits.

Thin and safe to retry: each loads its rows and returns quietly when they are gone or the
recipient is inactive or no longer in the capacity the mail addresses (a supervisor replaced
before the mail went out is not asked to review).
"""

from celery import shared_task

from . import mails
from .models import EthicsReview, Milestone, MilestoneEvent, MilestoneVersion, VersionReview

MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}
PROJECT = "project__enrolment__student"


@shared_task(name="thesis.mail_version_handed_in", **MAIL_RETRY)
def mail_version_handed_in(version_id: int) -> None:
    version = (
        MilestoneVersion.objects.filter(pk=version_id)
        .select_related(f"milestone__{PROJECT}")
        .first()
    )
    if version is None:
        return
    supervisor = mails.current_supervisor(version.milestone.project)
    if supervisor is None:
        return
    mails.send_version_handed_in_mail(version=version, supervisor=supervisor)


@shared_task(name="thesis.mail_version_reviewed", **MAIL_RETRY)
def mail_version_reviewed(review_id: int) -> None:
    review = (
        VersionReview.objects.filter(
            pk=review_id, version__milestone__project__enrolment__student__is_active=True
        )
        .select_related(f"version__milestone__{PROJECT}")
        .first()
    )
    if review is None:
        return
    mails.send_version_reviewed_mail(review=review)


@shared_task(name="thesis.mail_milestone_reopened", **MAIL_RETRY)
def mail_milestone_reopened(milestone_id: int) -> None:
    """The student hears why; the reason is the milestone's latest reopening."""
    milestone = (
        Milestone.objects.filter(pk=milestone_id, project__enrolment__student__is_active=True)
        .select_related(PROJECT)
        .first()
    )
    if milestone is None:
        return
    event = (
        MilestoneEvent.objects.filter(milestone=milestone, kind=MilestoneEvent.Kind.REOPENED)
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return
    event.milestone = milestone
    mails.send_milestone_reopened_mail(event=event)


def _review(review_id: int) -> EthicsReview | None:
    return EthicsReview.objects.filter(pk=review_id).select_related(PROJECT).first()


@shared_task(name="thesis.mail_ethics_submitted", **MAIL_RETRY)
def mail_ethics_submitted(review_id: int) -> None:
    """Low risk: the supervisor decides. Higher risk: every programme ethics reviewer who may."""
    review = _review(review_id)
    if review is None:
        return
    if review.route == EthicsReview.Route.SUPERVISOR:
        supervisor = mails.current_supervisor(review.project)
        recipients = [supervisor] if supervisor else []
    else:
        recipients = mails.ethics_reviewers(review.project)
    for user in recipients:
        mails.send_ethics_submitted_mail(review=review, user=user)


@shared_task(name="thesis.mail_ethics_referred", **MAIL_RETRY)
def mail_ethics_referred(review_id: int) -> None:
    """The supervisor sent a low-risk review on: the programme ethics reviewers decide."""
    review = _review(review_id)
    if review is None or review.route != EthicsReview.Route.ETHICS_REVIEWER:
        return
    for user in mails.ethics_reviewers(review.project):
        mails.send_ethics_submitted_mail(review=review, user=user, referred=True)


@shared_task(name="thesis.mail_ethics_decided", **MAIL_RETRY)
def mail_ethics_decided(review_id: int) -> None:
    """The student hears the decision (while the round still shows it: not once resubmitted)."""
    review = _review(review_id)
    decided = (EthicsReview.Status.APPROVED, EthicsReview.Status.CHANGES)
    if review is None or review.status not in decided or not review.project.student.is_active:
        return
    mails.send_ethics_decided_mail(review=review)
