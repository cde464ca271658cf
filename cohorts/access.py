"""Who may see which cohort, student, group and session: every cohort view asks here.

Administrators see the programme; lecturers their assigned cohorts (and those cohorts'
students and groups); supervisors their supervisees; students themselves, their groups and
their fellow members' names. Objects outside that answer 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Cohort,
    Enrolment,
    Group,
    IntervisionSession,
    LecturerAssignment,
)


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_programme_admin or user.is_superuser))


def get_cohort_for(user, cohort_uuid) -> Cohort:
    return get_object_or_404(
        Cohort.objects.visible_to(user).select_related("curriculum_version__programme"),
        uuid=cohort_uuid,
    )


def get_enrolment_for(user, enrolment_uuid) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.visible_to(user).select_related("student", "cohort"),
        uuid=enrolment_uuid,
    )


def groups_visible_to(user) -> QuerySet[Group]:
    if not user.is_authenticated:
        return Group.objects.none()
    if is_admin(user):
        return Group.objects.all()
    condition = Q(facilitator=user)
    if user.is_lecturer:
        condition |= Q(
            cohort__in=LecturerAssignment.objects.current()
            .filter(lecturer=user)
            .values("cohort_id")
        )
    if user.is_student:
        condition |= Q(members__student=user)
    return Group.objects.filter(condition).distinct()


def get_group_for(user, group_uuid) -> Group:
    return get_object_or_404(
        groups_visible_to(user).select_related("cohort", "facilitator"), uuid=group_uuid
    )


def get_session_for(user, session_uuid) -> IntervisionSession:
    return get_object_or_404(
        IntervisionSession.objects.filter(group__in=groups_visible_to(user)).select_related(
            "group__cohort", "group__facilitator", "method", "case_bringer__student"
        ),
        uuid=session_uuid,
    )


def can_manage_group(user, group: Group) -> bool:
    """Administrators manage every group; a facilitator runs their own group's sessions."""
    return is_admin(user) or (user.is_authenticated and group.facilitator_id == user.pk)
