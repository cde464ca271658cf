"""Who may reach which thesis record. Views fetch and check in one call; 404 for what the
user may not see.

Capacities on a project: the student, the current supervisor, the second reader (who sees
the project, the timeline and the draft, final and defence milestones, not the supervision
meetings or the ethics review) and the administrators. Ethics reviewers see the ethics
reviews routed to them, not the project.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from cohorts.models import SupervisorAssignment

from .models import (
    EthicsReview,
    EthicsReviewerAppointment,
    MeetingAction,
    Milestone,
    MilestoneKind,
    MilestoneVersion,
    SecondReaderAssignment,
    SupervisionMeeting,
    ThesisProject,
)

STUDENT, SUPERVISOR, READER, ADMIN = "student", "supervisor", "reader", "admin"
# What a second reader needs: the thesis itself, not the research's working papers.
READER_KINDS = (MilestoneKind.DRAFT, MilestoneKind.FINAL, MilestoneKind.DEFENCE)


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_programme_admin or user.is_superuser))


def capacities(user, project: ThesisProject) -> frozenset[str]:
    """Every capacity ``user`` has on ``project`` (empty: none, so 404)."""
    if not user.is_authenticated:
        return frozenset()
    found = set()
    if project.enrolment.student_id == user.pk:
        found.add(STUDENT)
    if is_admin(user):
        found.add(ADMIN)
    if (
        user.is_supervisor
        and SupervisorAssignment.objects.current()
        .filter(enrolment_id=project.enrolment_id, supervisor=user)
        .exists()
    ):
        found.add(SUPERVISOR)
    if (
        SecondReaderAssignment.objects.current()
        .filter(project_id=project.pk, reader=user)
        .exists()
    ):
        found.add(READER)
    return frozenset(found)


def is_ethics_reviewer(user) -> bool:
    return bool(
        user.is_authenticated
        and EthicsReviewerAppointment.objects.current().filter(reviewer=user).exists()
    )


def get_project_for(user, project_uuid) -> tuple[ThesisProject, frozenset[str]]:
    """The project and the user's capacities on it; 404 when they have none."""
    project = get_object_or_404(
        ThesisProject.objects.select_related(
            "enrolment__student",
            "enrolment__cohort__curriculum_version",
            "approach",
            "host_organisation",
        ),
        uuid=project_uuid,
    )
    held = capacities(user, project)
    if not held:
        raise Http404
    return project, held


def may_see_milestone(held: frozenset[str], milestone: Milestone) -> bool:
    return bool(held - {READER}) or milestone.kind in READER_KINDS


def get_milestone_for(user, milestone_uuid) -> tuple[Milestone, frozenset[str]]:
    milestone = get_object_or_404(
        Milestone.objects.select_related(
            "project__enrolment__student",
            "project__enrolment__cohort",
            "project__approach",
            "project__host_organisation",
        ),
        uuid=milestone_uuid,
    )
    held = capacities(user, milestone.project)
    if not held or not may_see_milestone(held, milestone):
        raise Http404
    return milestone, held


def get_version_for(user, version_uuid) -> tuple[MilestoneVersion, frozenset[str]]:
    version = get_object_or_404(
        MilestoneVersion.objects.select_related("milestone__project__enrolment"),
        uuid=version_uuid,
    )
    held = capacities(user, version.milestone.project)
    if not held or not may_see_milestone(held, version.milestone):
        raise Http404
    return version, held


def get_ethics_review_for(user, review_uuid) -> tuple[EthicsReview, frozenset[str]]:
    """Student, supervisor and administrators; ethics reviewers for the reviews routed to
    them once submitted. Second readers: no."""
    review = get_object_or_404(
        EthicsReview.objects.select_related(
            "project__enrolment__student", "project__approach", "project__host_organisation"
        ),
        uuid=review_uuid,
    )
    held = set(capacities(user, review.project)) - {READER}
    if (
        review.route == EthicsReview.Route.ETHICS_REVIEWER
        and review.submitted_at is not None
        and is_ethics_reviewer(user)
    ):
        held.add("ethics_reviewer")
    if not held:
        raise Http404
    return review, frozenset(held)


def get_meeting_for(user, meeting_uuid) -> tuple[SupervisionMeeting, frozenset[str]]:
    """Meetings are between student and supervisor (administrators may look)."""
    meeting = get_object_or_404(
        SupervisionMeeting.objects.select_related("project__enrolment__student"),
        uuid=meeting_uuid,
    )
    held = capacities(user, meeting.project) - {READER}
    if not held:
        raise Http404
    return meeting, held


def get_action_for(user, action_uuid) -> tuple[MeetingAction, frozenset[str]]:
    action = get_object_or_404(
        MeetingAction.objects.select_related("meeting__project__enrolment__student", "owner"),
        uuid=action_uuid,
    )
    held = capacities(user, action.meeting.project) - {READER}
    if not held:
        raise Http404
    return action, held
