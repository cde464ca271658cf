"""The mails that follow a thesis act: who hears of it, and what they read.

``thesis/tasks.py`` loads the rows after the act's transaction committed and calls one of the
``send_*`` functions here; ``services.py`` only queues the tasks. Every mail goes to active
users only, in the recipient's own language, with an absolute link to the page to act on.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cohorts.models import SupervisorAssignment

from .models import (
    EthicsReview,
    EthicsReviewerAppointment,
    Milestone,
    MilestoneEvent,
    MilestoneVersion,
    ThesisProject,
    VersionReview,
)

User = get_user_model()

# --- recipients ------------------------------------------------------------------------------


def current_supervisor(project: ThesisProject):
    """The project's current supervisor when their account is active (else None)."""
    assignment = (
        SupervisorAssignment.objects.current()
        .filter(
            enrolment_id=project.enrolment_id,
            supervisor__is_active=True,
            supervisor__is_supervisor=True,
        )
        .select_related("supervisor")
        .first()
    )
    return assignment.supervisor if assignment else None


def ethics_reviewers(project: ThesisProject) -> models.QuerySet:
    """The active programme ethics reviewers who may decide on the project's review: not the
    student, nor anyone supervising them."""
    supervisors = SupervisorAssignment.objects.current().filter(enrolment_id=project.enrolment_id)
    appointed = EthicsReviewerAppointment.objects.current().values("reviewer_id")
    return (
        User.objects.active()
        .filter(pk__in=appointed)
        .exclude(pk=project.enrolment.student_id)
        .exclude(pk__in=supervisors.values("supervisor_id"))
        .order_by("pk")
    )


# --- sending ---------------------------------------------------------------------------------


def _mail(user, template: str, context: dict) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"thesis/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"thesis/email/{template}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def _milestone_url(milestone: Milestone) -> str:
    return settings.SITE_URL + reverse("thesis:milestone", args=[milestone.uuid])


def _ethics_url(review: EthicsReview) -> str:
    return settings.SITE_URL + reverse("thesis:ethics", args=[review.uuid])


def send_version_handed_in_mail(*, version: MilestoneVersion, supervisor) -> None:
    """Tells the supervisor that a version waits for their feedback."""
    milestone = version.milestone
    context = {
        "student": milestone.project.enrolment.student,
        "milestone": milestone,
        "version": version,
        "url": _milestone_url(milestone),
    }
    _mail(supervisor, "version_handed_in", context)


def send_version_reviewed_mail(*, review: VersionReview) -> None:
    """Tells the student what the supervisor decided on their version, with the feedback."""
    milestone = review.version.milestone
    context = {
        "milestone": milestone,
        "version": review.version,
        "approved": review.decision == VersionReview.Decision.APPROVED,
        "feedback": review.feedback,
        "url": _milestone_url(milestone),
    }
    _mail(milestone.project.enrolment.student, "version_reviewed", context)


def send_milestone_reopened_mail(*, event: MilestoneEvent) -> None:
    """Tells the student that an approved milestone is open again, and why."""
    milestone = event.milestone
    context = {"milestone": milestone, "reason": event.reason, "url": _milestone_url(milestone)}
    _mail(milestone.project.enrolment.student, "milestone_reopened", context)


def send_ethics_submitted_mail(*, review: EthicsReview, user, referred: bool = False) -> None:
    """Tells the decider (supervisor or ethics reviewer) that a review waits for them;
    ``referred``: the supervisor sent it on to the programme's ethics reviewers."""
    context = {
        "student": review.project.enrolment.student,
        "review": review,
        "as_reviewer": review.route == EthicsReview.Route.ETHICS_REVIEWER,
        "url": _ethics_url(review),
    }
    _mail(user, "ethics_referred" if referred else "ethics_submitted", context)


def send_ethics_decided_mail(*, review: EthicsReview) -> None:
    """Tells the student the decision on their ethics review, with its explanation."""
    context = {
        "review": review,
        "approved": review.status == EthicsReview.Status.APPROVED,
        "note": review.decision_note,
        "url": _ethics_url(review),
    }
    _mail(review.project.enrolment.student, "ethics_decided", context)
