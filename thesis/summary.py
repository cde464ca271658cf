"""What the dashboards show of thesis work: a few counts per role, each in one query."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from .models import EthicsReview, Milestone, ThesisProject


def for_student(enrolment) -> dict:
    """The student's project and the next milestone that isn't approved."""
    project = ThesisProject.objects.filter(enrolment=enrolment).first()
    if project is None:
        return {"thesis": None}
    upcoming = project.milestones.open().order_by("due_on", "position").first()
    return {"thesis": project, "thesis_next": upcoming}


def for_supervisor(user, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    milestones = Milestone.objects.filter(project__in=ThesisProject.objects.supervised_by(user))
    counts = milestones.aggregate(
        waiting=Count("pk", filter=Q(status=Milestone.Status.SUBMITTED)),
        overdue=Count(
            "pk",
            filter=Q(due_on__lt=today)
            & ~Q(status__in=[Milestone.Status.APPROVED, Milestone.Status.SUBMITTED]),
        ),
    )
    counts["ethics"] = ethics_waiting_for(user)
    return counts


def ethics_waiting_for(user) -> int:
    """Ethics reviews waiting for this person's decision (one query)."""
    return EthicsReview.objects.waiting_for(user).count()


def for_reader(user) -> int:
    return ThesisProject.objects.read_by(user).count()


def for_admin(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = Milestone.objects.aggregate(
        overdue=Count(
            "pk",
            filter=Q(due_on__lt=today)
            & ~Q(status__in=[Milestone.Status.APPROVED, Milestone.Status.SUBMITTED]),
        ),
        projects=Count("project", distinct=True),
    )
    counts["ethics"] = EthicsReview.objects.waiting().count()
    return counts
