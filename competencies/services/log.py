"""Writes to the learning log: activities and client engagements. Only the student writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Enrolment
from curriculum.models import Discipline

from ..models import ClientEngagement, Competency, LearningActivity


def _check_owner(enrolment: Enrolment, by) -> None:
    if by is None or not by.is_authenticated or enrolment.student_id != by.pk:
        raise PermissionDenied(_("Only the student writes their own learning log."))


def selectable_competencies(enrolment: Enrolment):
    """The competencies of the framework of the enrolment's curriculum version."""
    version_id = enrolment.cohort.curriculum_version_id
    if version_id is None:
        return Competency.objects.none()
    return Competency.objects.filter(framework__curriculum_version_id=version_id)


@transaction.atomic
def save_activity(
    *,
    activity: LearningActivity,
    disciplines: Iterable[Discipline] | None = None,
    competencies: Iterable[Competency] | None = None,
    by,
) -> LearningActivity:
    """Creates or updates an activity; ``None`` leaves its disciplines or competencies as
    they are (the quick form does not show them)."""
    enrolment = activity.enrolment
    _check_owner(enrolment, by)
    if activity.engagement_id and activity.engagement.enrolment_id != enrolment.pk:
        raise ValidationError({"engagement": _("Choose one of your own client engagements.")})
    if competencies is not None:
        competencies = list(competencies)
        allowed = set(
            selectable_competencies(enrolment)
            .filter(pk__in=[c.pk for c in competencies])
            .values_list("pk", flat=True)
        )
        if any(competency.pk not in allowed for competency in competencies):
            raise ValidationError(
                {"competencies": _("Choose competencies of your own competency framework.")}
            )
    activity.full_clean()
    activity.save()
    if disciplines is not None:
        activity.disciplines.set(disciplines)
    if competencies is not None:
        activity.competencies.set(competencies)
    return activity


@transaction.atomic
def duplicate_activity(
    *, activity: LearningActivity, by, on: datetime.date | None = None
) -> LearningActivity:
    """A copy of ``activity`` dated ``on`` (today by default), with the same disciplines and
    competencies."""
    _check_owner(activity.enrolment, by)
    disciplines = list(activity.disciplines.all())
    competencies = list(activity.competencies.all())
    copy = LearningActivity(
        enrolment=activity.enrolment,
        kind=activity.kind,
        date=on or timezone.localdate(),
        hours=activity.hours,
        title=activity.title,
        system_level=activity.system_level,
        role=activity.role,
        engagement=activity.engagement,
        description=activity.description,
        reflection=activity.reflection,
    )
    copy.full_clean()
    copy.save()
    copy.disciplines.set(disciplines)
    copy.competencies.set(competencies)
    return copy


@transaction.atomic
def delete_activity(*, activity: LearningActivity, by) -> None:
    _check_owner(activity.enrolment, by)
    activity.delete()


@transaction.atomic
def save_engagement(*, engagement: ClientEngagement, by) -> ClientEngagement:
    """Creates or updates an engagement; the model's rules (group size, consent date, a
    pseudonym unique for the student) are checked here whatever the form did."""
    _check_owner(engagement.enrolment, by)
    engagement.full_clean()
    engagement.save()
    return engagement
