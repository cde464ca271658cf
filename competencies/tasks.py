"""Assessment tasks: the mails that follow an act, queued after its transaction commits.

Thin and idempotent enough to retry: each loads its rows and returns quietly when they are
gone (an examiner removed before the mail went out is not told to assess).
"""

from celery import shared_task
from django.contrib.auth import get_user_model

from coachmaster.accounts.models import Role

from .models import Assessment, Examiner
from .services import examiners as examiner_services

MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="competencies.mail_examiner_assigned", **MAIL_RETRY)
def mail_examiner_assigned(examiner_id: int) -> None:
    examiner = (
        Examiner.objects.filter(pk=examiner_id, user__is_active=True)
        .select_related(
            "user",
            "assessment__snapshot",
            "assessment__portfolio__enrolment__student",
            "assessment__portfolio__enrolment__cohort",
            "assessment__portfolio__review_moment",
        )
        .first()
    )
    if examiner is None or not examiner.assessment.is_active:
        return
    examiner_services.send_assignment_mail(examiner=examiner)


@shared_task(name="competencies.mail_examiner_removed", **MAIL_RETRY)
def mail_examiner_removed(assessment_id: int, user_id: int) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    assessment = (
        Assessment.objects.filter(pk=assessment_id)
        .select_related(
            "snapshot",
            "portfolio__enrolment__student",
            "portfolio__enrolment__cohort",
            "portfolio__review_moment",
        )
        .first()
    )
    if user is None or assessment is None or assessment.examiners.filter(user=user).exists():
        return
    examiner_services.send_removal_mail(assessment=assessment, user=user)


@shared_task(name="competencies.mail_third_examiner_needed", **MAIL_RETRY)
def mail_third_examiner_needed(assessment_id: int) -> None:
    """Every active programme administrator hears that the examiners cannot agree (unless a
    third examiner was assigned in the meantime)."""
    assessment = (
        Assessment.objects.filter(pk=assessment_id, escalated_at__isnull=False)
        .select_related(
            "snapshot",
            "portfolio__enrolment__student",
            "portfolio__enrolment__cohort",
            "portfolio__review_moment",
        )
        .first()
    )
    if assessment is None or not assessment.is_active:
        return
    for user in get_user_model().objects.active().with_role(Role.PROGRAMME_ADMIN):
        examiner_services.send_escalation_mail(assessment=assessment, user=user)
