"""Writes to cohorts: statuses with history, staff assignments, groups and intervision."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coachmaster.accounts.models import User

from .models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatusChange,
    Group,
    IntervisionSession,
    LecturerAssignment,
    SupervisorAssignment,
)


@transaction.atomic
def save_cohort(*, cohort: Cohort, by) -> Cohort:
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def change_status(
    *, enrolment: Enrolment, status: str, effective_on: datetime.date, reason: str, by
) -> EnrolmentStatusChange | None:
    """Moves an enrolment to ``status`` and records who, when, from when and why.

    Setting the status it already has records nothing. Leaving "active" needs a reason.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if status not in Enrolment.Status.values:
        raise ValidationError(_("Choose a status."))
    if status == enrolment.status:
        return None
    if not reason.strip() and status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("Give a reason for the change of status."))
    change = EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status=enrolment.status,
        to_status=status,
        effective_on=effective_on,
        reason=reason.strip(),
        changed_by=by,
    )
    enrolment.status = status
    enrolment.status_since = effective_on
    enrolment.save(update_fields=["status", "status_since"])
    return change


@transaction.atomic
def assign_lecturer(
    *, cohort: Cohort, lecturer: User, teaches: bool = True, examines: bool = True, by
) -> LecturerAssignment:
    if not lecturer.is_lecturer:
        raise ValidationError(_("%(person)s is not a lecturer.") % {"person": lecturer})
    current = LecturerAssignment.objects.current().filter(cohort=cohort, lecturer=lecturer)
    assignment = current.select_for_update().first()
    if assignment and (assignment.teaches, assignment.examines) == (teaches, examines):
        return assignment
    if assignment:
        _end(assignment, by)
    return LecturerAssignment.objects.create(
        cohort=cohort, lecturer=lecturer, teaches=teaches, examines=examines, assigned_by=by
    )


@transaction.atomic
def end_lecturer_assignment(*, assignment: LecturerAssignment, by) -> None:
    if assignment.ended_at is None:
        _end(assignment, by)


def _end(assignment, by) -> None:
    assignment.ended_at = timezone.now()
    assignment.ended_by = by
    assignment.save(update_fields=["ended_at", "ended_by"])


@transaction.atomic
def assign_supervisor(
    *, enrolment: Enrolment, supervisor: User | None, by
) -> SupervisorAssignment | None:
    """Makes ``supervisor`` the student's supervisor (None: no supervisor); history is kept."""
    if supervisor is not None and not supervisor.is_supervisor:
        raise ValidationError(_("%(person)s is not a thesis supervisor.") % {"person": supervisor})
    current = (
        SupervisorAssignment.objects.current().select_for_update().filter(enrolment=enrolment)
    ).first()
    if current and supervisor and current.supervisor_id == supervisor.pk:
        return current
    if current:
        _end(current, by)
    if supervisor is None:
        return None
    return SupervisorAssignment.objects.create(
        enrolment=enrolment, supervisor=supervisor, assigned_by=by
    )


@transaction.atomic
def bulk_change_status(*, enrolments, status, effective_on, reason, by) -> int:
    return sum(
        1
        for enrolment in enrolments
        if change_status(
            enrolment=enrolment, status=status, effective_on=effective_on, reason=reason, by=by
        )
    )


@transaction.atomic
def bulk_assign_supervisor(*, enrolments, supervisor, by) -> int:
    for enrolment in enrolments:
        assign_supervisor(enrolment=enrolment, supervisor=supervisor, by=by)
    return len(enrolments)


@transaction.atomic
def add_to_group(*, group: Group, enrolments, by) -> int:
    """Adds students of the group's cohort; a student is in one group of each kind at a time."""
    enrolments = [e for e in enrolments if e.cohort_id == group.cohort_id]
    for enrolment in enrolments:
        for other in enrolment.groups.filter(kind=group.kind).exclude(pk=group.pk):
            other.members.remove(enrolment)
    group.members.add(*enrolments)
    return len(enrolments)


@transaction.atomic
def remove_from_group(*, group: Group, enrolment: Enrolment, by) -> None:
    group.members.remove(enrolment)


@transaction.atomic
def save_group(*, group: Group, by) -> Group:
    if group.facilitator and not (
        group.facilitator.is_lecturer
        or group.facilitator.is_supervisor
        or group.facilitator.is_programme_admin
    ):
        raise ValidationError(_("A facilitator is a member of staff."))
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def delete_group(*, group: Group, by) -> None:
    if group.sessions.exists():
        raise ValidationError(
            _("This group has intervision sessions; they keep their attendance, so it stays.")
        )
    group.delete()


def next_case_bringer(group: Group) -> Enrolment | None:
    """Rotation: the member who brought a case longest ago (or never), alphabetically first."""
    members = list(
        group.members.filter(status=Enrolment.Status.ACTIVE)
        .select_related("student")
        .order_by("student__family_name", "student__given_name")
    )
    if not members:
        return None
    last_brought: dict[int, datetime.date] = {}
    for enrolment_id, date in group.sessions.filter(case_bringer__isnull=False).values_list(
        "case_bringer_id", "date"
    ):
        last_brought[enrolment_id] = max(date, last_brought.get(enrolment_id, date))
    return min(members, key=lambda e: last_brought.get(e.pk, datetime.date.min))


@transaction.atomic
def save_session(
    *, session: IntervisionSession, attendees, by, hours: Decimal | None = None
) -> IntervisionSession:
    """Saves a session and its attendance: every attendee is credited the session's hours."""
    group = session.group
    if group.kind != Group.Kind.INTERVISION:
        raise ValidationError(_("Intervision sessions belong to intervision groups."))
    attendees = list(attendees)
    members = set(group.members.values_list("pk", flat=True))
    if any(enrolment.pk not in members for enrolment in attendees):
        raise ValidationError(_("Only members of the group can attend its sessions."))
    if session.case_bringer_id and session.case_bringer_id not in members:
        raise ValidationError(_("The case bringer must be a member of the group."))
    session.full_clean()
    session.save()
    session.attendance.exclude(enrolment__in=attendees).delete()
    for enrolment in attendees:
        Attendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"hours": hours or session.hours}
        )
    return session


@transaction.atomic
def delete_session(*, session: IntervisionSession, by) -> None:
    session.delete()


@transaction.atomic
def correct_import_row(*, student_import, index: int, values: dict[str, str], by) -> None:
    """Writes corrected values into one row of an uploaded file (before it is applied)."""
    student_import = type(student_import).objects.select_for_update().get(pk=student_import.pk)
    if student_import.status != student_import.Status.UPLOADED:
        raise ValidationError(_("This import has been applied already; upload the file again."))
    row = list(student_import.rows[index])
    row += [""] * (len(student_import.headers) - len(row))
    for field, header in student_import.columns.items():
        if field in values:
            row[student_import.headers.index(header)] = values[field].strip()
    student_import.rows[index] = row
    student_import.save(update_fields=["rows"])
