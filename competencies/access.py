"""Who may read which framework: lookups of frameworks and competencies go through here."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import Enrolment
from curriculum.models import CurriculumVersion, ReviewMoment

from .models import Assessment, Competency, CompetencyFramework, Examiner, FeedbackThread


def get_framework_for(user, framework_uuid) -> CompetencyFramework:
    return get_object_or_404(
        CompetencyFramework.objects.visible_to(user).select_related(
            "curriculum_version__programme", "derived_from__curriculum_version"
        ),
        uuid=framework_uuid,
    )


def get_competency_for(user, competency_uuid) -> Competency:
    return get_object_or_404(
        Competency.objects.select_related(
            "profile", "framework__curriculum_version__programme"
        ).filter(framework__in=CompetencyFramework.objects.visible_to(user)),
        uuid=competency_uuid,
    )


def next_review_moment(
    user, version: CurriculumVersion, today: datetime.date | None = None
) -> tuple[ReviewMoment, datetime.date | None] | None:
    """The student's next review moment in ``version`` (by their cohort's start) and its date.

    When every moment has passed, the last one; None for people not enrolled in a cohort
    following this version.
    """
    enrolment = (
        Enrolment.objects.for_student(user)
        .filter(cohort__curriculum_version=version)
        .select_related("cohort")
        .first()
    )
    if enrolment is None:
        return None
    today = today or timezone.localdate()
    dated = [
        (moment, moment.due_date(enrolment.cohort.start_date))
        for moment in version.review_moments.all()
    ]
    dated.sort(key=lambda pair: (pair[1] or datetime.date.max, pair[0].position))
    upcoming = [pair for pair in dated if pair[1] is None or pair[1] >= today]
    if upcoming:
        return upcoming[0]
    return dated[-1] if dated else None


def own_enrolment(user) -> Enrolment | None:
    """The student's current enrolment: the active one, else the most recent."""
    if not user.is_authenticated or not user.is_student:
        return None
    enrolments = Enrolment.objects.for_student(user).select_related("cohort")
    return (
        enrolments.filter(status=Enrolment.Status.ACTIVE).order_by("-enrolled_on").first()
        or enrolments.order_by("-enrolled_on").first()
    )


def enrolment_for(request, enrolment_uuid=None) -> Enrolment:
    """Whose learning log, evidence or portfolios a page shows.

    Without a uuid: the student's own (404 for anyone else). With one: any enrolment the user
    may see (``Enrolment.objects.visible_to``): staff for their students, a student only for
    themselves.
    """
    if enrolment_uuid is None:
        enrolment = own_enrolment(request.user)
        if enrolment is None:
            raise Http404
        return enrolment
    return get_object_or_404(
        Enrolment.objects.visible_to(request.user).select_related("student", "cohort"),
        uuid=enrolment_uuid,
    )


def is_owner(user, enrolment: Enrolment) -> bool:
    """Only the student writes their own log, evidence and portfolios; staff read."""
    return user.is_authenticated and enrolment.student_id == user.pk


def get_assessment_for(user, assessment_uuid) -> Assessment:
    """The assessment if ``user`` may open it (``Assessment.objects.visible_to``; 404
    otherwise). What they see of each examiner's judgement is decided by
    ``Examiner.objects.visible_to``: pages, partials and exports read judgements only
    through that."""
    return get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "snapshot",
            "portfolio__enrolment__student",
            "portfolio__enrolment__cohort",
            "portfolio__review_moment__version__framework",
        ),
        uuid=assessment_uuid,
    )


def get_examination_for(user, assessment_uuid) -> Examiner:
    """``user``'s own examination of an assessment: their examiner row, with the assessment
    as ``get_assessment_for`` loads it (404 when they don't examine it). Examining an
    assessment is what lets an examiner open it (``Assessment.objects.visible_to``); this
    finds it in one indexed lookup instead of the general rule's alternatives."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Examiner.objects.select_related(
            "assessment__snapshot",
            "assessment__portfolio__enrolment__student",
            "assessment__portfolio__enrolment__cohort",
            "assessment__portfolio__review_moment__version__framework",
        ),
        user=user,
        assessment__uuid=assessment_uuid,
    )


def get_feedback_thread_for(user, thread_uuid) -> FeedbackThread:
    """A formative feedback thread: its student, the lecturer asked, administrators."""
    return get_object_or_404(
        FeedbackThread.objects.visible_to(user).select_related(
            "enrolment__student", "enrolment__cohort", "lecturer", "evidence", "portfolio"
        ),
        uuid=thread_uuid,
    )
