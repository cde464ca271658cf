"""The supervisor's week in a fixed number of queries, whatever the number of supervisees:
what waits for them, the supervisees × milestones matrix, their workload and open actions."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TypedDict

from django.utils import timezone
from django.utils.formats import date_format

from coachmaster.links import uuid_url
from cohorts.models import Enrolment, SupervisorAssignment

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


class Cell(TypedDict):
    """One supervisee × milestone kind. A dict, not a dataclass: the template reads a dozen
    keys in each of hundreds of cells, and Django's lookup tries ``cell[key]`` first. What
    the page prints is worked out once per distinct value rather than per cell."""

    kind: str
    milestone: Milestone | None
    overdue: bool
    waiting: bool
    url: str
    name: str
    approved: bool
    status_label: str
    due: str


@dataclass
class Row:
    enrolment: object
    project: ThesisProject | None
    cells: list[Cell] = field(default_factory=list)
    url: str = ""

    @property
    def student(self):
        return self.enrolment.student

    @property
    def cohort(self):
        return self.enrolment.cohort

    @property
    def needs_attention(self) -> bool:
        return any(cell["overdue"] or cell["waiting"] for cell in self.cells)


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
    """Everything the supervision page shows, for all of ``user``'s current supervisees, in
    five queries: supervisees (with project, student and cohort), their milestones, waiting
    ethics reviews, open actions, and the number of recent reviews."""
    today = today or timezone.localdate()
    # Only the columns the page shows: a supervisor has dozens of supervisees with nine
    # milestones each, and every column read is a value to convert and an attribute to set.
    enrolments = list(
        Enrolment.objects.filter(
            pk__in=SupervisorAssignment.objects.current()
            .filter(supervisor=user)
            .values("enrolment_id")
        )
        .select_related("student", "cohort", "thesis")
        .only(
            "student__given_name",
            "student__name_prefix",
            "student__family_name",
            "cohort__uuid",
            "cohort__name",
            "cohort__start_date",
            "thesis__uuid",
            "thesis__enrolment_id",
            "thesis__working_title",
            "thesis__status",
        )
    )
    projects = {
        enrolment.thesis.pk: enrolment.thesis
        for enrolment in enrolments
        if _project_of(enrolment) is not None
    }
    milestones: dict[int, dict[str, Milestone]] = {pk: {} for pk in projects}
    for milestone in (
        Milestone.objects.filter(project_id__in=list(projects))
        .only(
            "uuid",
            "project_id",
            "kind",
            "name_nl",
            "name_en",
            "position",
            "due_on",
            "status",
            "changed_at",
        )
        .order_by("position", "pk")
    ):
        milestone.project = projects[milestone.project_id]
        milestones[milestone.project_id][milestone.kind] = milestone
    waiting_ethics = list(
        EthicsReview.objects.waiting()
        .filter(route=EthicsReview.Route.SUPERVISOR, project_id__in=list(projects))
        .only("uuid", "project_id", "submitted_at")
        .order_by("submitted_at", "pk")
    )
    for review in waiting_ethics:
        review.project = projects[review.project_id]
    ethics_waiting_projects = {review.project_id for review in waiting_ethics}

    status_labels = {value: str(label) for value, label in S.choices}
    dates: dict[datetime.date, str] = {}
    rows: list[Row] = []
    waiting_versions: list[Milestone] = []
    for enrolment in enrolments:
        project = _project_of(enrolment)
        row = Row(enrolment=enrolment, project=project)
        if project is not None:
            by_kind = milestones[project.pk]
            for kind in MilestoneKind.values:
                milestone = by_kind.get(kind)
                cell = Cell(
                    kind=kind,
                    milestone=milestone,
                    overdue=False,
                    waiting=False,
                    url="",
                    name="",
                    approved=False,
                    status_label="",
                    due="",
                )
                if milestone is not None:
                    cell["overdue"] = milestone.is_overdue(today)
                    if milestone.status == S.SUBMITTED:
                        if kind == MilestoneKind.ETHICS:
                            cell["waiting"] = project.pk in ethics_waiting_projects
                        else:
                            cell["waiting"] = True
                            waiting_versions.append(milestone)
                    if milestone.due_on not in dates:
                        dates[milestone.due_on] = date_format(
                            milestone.due_on, "SHORT_DATE_FORMAT"
                        )
                    cell.update(
                        url=uuid_url("thesis:milestone", milestone.uuid),
                        name=milestone.name,
                        approved=milestone.status == S.APPROVED,
                        status_label=status_labels[milestone.status],
                        due=dates[milestone.due_on],
                    )
                row.cells.append(cell)
            row.url = uuid_url("thesis:project", project.uuid)
        rows.append(row)
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
        .only(
            "uuid",
            "description",
            "due_on",
            "meeting__uuid",
            "meeting__project__enrolment__student__given_name",
            "meeting__project__enrolment__student__name_prefix",
            "meeting__project__enrolment__student__family_name",
        )
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


def _project_of(enrolment) -> ThesisProject | None:
    try:
        return enrolment.thesis
    except ThesisProject.DoesNotExist:
        return None
