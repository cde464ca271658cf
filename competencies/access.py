"""Who may read which framework: lookups of frameworks and competencies go through here."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import Enrolment
from curriculum.models import CurriculumVersion, ReviewMoment

from .models import Competency, CompetencyFramework


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
