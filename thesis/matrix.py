"""The supervisor's week in a fixed number of queries, whatever the number of supervisees:
what waits for them, the supervisees × milestones matrix, their workload and open actions."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from cohorts.models import SupervisorAssignment

from .models import (
    EthicsReview,
    MeetingAction,
    Milestone,
    MilestoneKind,
    ThesisProject,
    VersionReview,
)

S = Milestone.Status
REVIEW_WINDOW_DAYS = 30


@dataclass
class Cell:
    kind: str
    milestone: Milestone | None
    overdue: bool = False
    waiting: bool = False


@dataclass
class Row:
    enrolment: object
    project: ThesisProject | None
    cells: list[Cell] = field(default_factory=list)

    @property
    def student(self):
        return self.enrolment.student

    @property
    def cohort(self):
        return self.enrolment.cohort

    @property
    def needs_attention(self) -> bool:
        return any(cell.overdue or cell.waiting for cell in self.cells)


@dataclass
class Week:
    rows: list[Row]
    waiting_versions: list[Milestone]
    waiting_ethics: list[EthicsReview]
    actions: list[MeetingAction]
    cohorts: list
    by_cohort: list[tuple[object, int]]
    by_status: list[tuple[str, int]]
    reviewed_recently: int
    supervisee_count: int
    without_project: int

    @property
    def waiting_count(self) -> int:
        return len(self.waiting_versions) + len(self.waiting_ethics)


def supervision_week(user, today: datetime.date | None = None) -> Week:
    """Everything the supervision page shows, for all of ``user``'s current supervisees."""
    today = today or timezone.localdate()
    projects = list(
        ThesisProject.objects.supervised_by(user)
        .select_related("enrolment__student", "enrolment__cohort")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("position")))
        .order_by("enrolment__student__family_name", "enrolment__student__given_name")
    )
    without_project = [
        assignment.enrolment
        for assignment in SupervisorAssignment.objects.current()
        .filter(supervisor=user, enrolment__thesis__isnull=True)
        .select_related("enrolment__student", "enrolment__cohort")
        .order_by("enrolment__student__family_name", "enrolment__student__given_name")
    ]
    waiting_ethics = list(
        EthicsReview.objects.waiting()
        .filter(
            route=EthicsReview.Route.SUPERVISOR,
            project__in=ThesisProject.objects.supervised_by(user),
        )
        .select_related("project__enrolment__student")
        .order_by("submitted_at", "pk")
    )
    ethics_waiting_projects = {review.project_id for review in waiting_ethics}

    rows: list[Row] = []
    waiting_versions: list[Milestone] = []
    for project in projects:
        by_kind = {milestone.kind: milestone for milestone in project.milestones.all()}
        row = Row(enrolment=project.enrolment, project=project)
        for kind in MilestoneKind.values:
            milestone = by_kind.get(kind)
            cell = Cell(kind=kind, milestone=milestone)
            if milestone is not None:
                milestone.project = project
                cell.overdue = milestone.is_overdue(today)
                if milestone.status == S.SUBMITTED:
                    if kind == MilestoneKind.ETHICS:
                        cell.waiting = project.pk in ethics_waiting_projects
                    else:
                        cell.waiting = True
                        waiting_versions.append(milestone)
            row.cells.append(cell)
        rows.append(row)
    rows += [Row(enrolment=enrolment, project=None, cells=[]) for enrolment in without_project]
    rows.sort(key=lambda row: (row.student.family_name.lower(), row.student.given_name.lower()))
    waiting_versions.sort(key=lambda milestone: (milestone.changed_at, milestone.pk))

    cohorts = {row.cohort.pk: row.cohort for row in rows}
    cohort_counts = Counter(row.cohort.pk for row in rows)
    status_counts = Counter(row.project.status if row.project else "" for row in rows)
    labels = dict(ThesisProject.Status.choices)
    by_status = [(labels[value], status_counts[value]) for value in labels if status_counts[value]]
    actions = list(
        MeetingAction.objects.filter(owner=user, done=False)
        .select_related("meeting__project__enrolment__student")
        .order_by("due_on", "pk")
    )
    since = timezone.now() - datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    reviewed = VersionReview.objects.filter(by=user, at__gte=since).count()
    ordered_cohorts = sorted(cohorts.values(), key=lambda c: c.start_date, reverse=True)
    return Week(
        rows=rows,
        waiting_versions=waiting_versions,
        waiting_ethics=waiting_ethics,
        actions=actions,
        cohorts=ordered_cohorts,
        by_cohort=[(cohort, cohort_counts[cohort.pk]) for cohort in ordered_cohorts],
        by_status=by_status,
        reviewed_recently=reviewed,
        supervisee_count=len(rows),
        without_project=status_counts[""],
    )
