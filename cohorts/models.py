"""Who learns when: cohorts, enrolments and their history, groups, intervision and staff.

Staff assignments and enrolment statuses are never overwritten: ending an assignment stamps
it, changing a status adds a row to the enrolment's history.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated
from curriculum.models import CurriculumVersion


class CohortQuerySet(models.QuerySet):
    def with_student_counts(self) -> CohortQuerySet:
        """Annotates ``active_student_count`` and one ``<status>_count`` per enrolment status."""
        counts = {
            f"{status}_count": models.Count(
                "enrolments", filter=models.Q(enrolments__status=status), distinct=True
            )
            for status in Enrolment.Status.values
        }
        return self.annotate(
            active_student_count=models.Count(
                "enrolments",
                filter=models.Q(enrolments__status=Enrolment.Status.ACTIVE),
                distinct=True,
            ),
            **counts,
        )

    def visible_to(self, user) -> CohortQuerySet:
        """Administrators: every cohort. Lecturers: the cohorts they are assigned to.
        Supervisors: the cohorts of their supervisees. Students: their own cohorts."""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        condition = models.Q(pk__in=[])
        if user.is_lecturer:
            condition |= models.Q(
                pk__in=LecturerAssignment.objects.current()
                .filter(lecturer=user)
                .values("cohort_id")
            )
        if user.is_supervisor:
            condition |= models.Q(
                pk__in=SupervisorAssignment.objects.current()
                .filter(supervisor=user)
                .values("enrolment__cohort_id")
            )
        if user.is_student:
            condition |= models.Q(
                pk__in=Enrolment.objects.filter(student=user).values("cohort_id")
            )
        return self.filter(condition)


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("name"), max_length=60, unique=True, help_text=_("For example 2025–2027.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    curriculum_version = models.ForeignKey(
        CurriculumVersion,
        on_delete=models.PROTECT,
        null=True,
        related_name="cohorts",
        verbose_name=_("curriculum version"),
        help_text=_("The curriculum and competency framework this cohort follows."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="cohort_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EnrolmentQuerySet(models.QuerySet):
    def for_student(self, user) -> EnrolmentQuerySet:
        return self.filter(student=user)

    def visible_to(self, user) -> EnrolmentQuerySet:
        """Administrators: all. Lecturers: their cohorts' students. Supervisors: their
        supervisees. Students: themselves only (fellow group members are shown by name
        through their groups, never through enrolments)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        condition = models.Q(pk__in=[])
        if user.is_lecturer:
            condition |= models.Q(
                cohort__in=LecturerAssignment.objects.current()
                .filter(lecturer=user)
                .values("cohort_id")
            )
        if user.is_supervisor:
            condition |= models.Q(
                pk__in=SupervisorAssignment.objects.current()
                .filter(supervisor=user)
                .values("enrolment_id")
            )
        if user.is_student:
            condition |= models.Q(student=user)
        return self.filter(condition)

    def counts_by_cohort(self) -> dict[int, Counter]:
        """{cohort id: {status: number of students}} in one grouped query over the cohorts'
        enrolments; cheaper than annotating the counts onto cohorts, which joins every
        enrolment to its cohort and sorts the lot before grouping."""
        counts: dict[int, Counter] = defaultdict(Counter)
        rows = self.values_list("cohort_id", "status").annotate(total=models.Count("*"))
        for cohort_id, status, total in rows.order_by():
            counts[cohort_id][status] = total
        return counts

    def with_current_supervisor(self) -> EnrolmentQuerySet:
        """Annotates ``supervisor_name`` (sortable) without a query per row."""
        current = SupervisorAssignment.objects.current().filter(enrolment=models.OuterRef("pk"))
        return self.annotate(
            supervisor_id=models.Subquery(current.values("supervisor_id")[:1]),
            supervisor_family_name=models.Subquery(current.values("supervisor__family_name")[:1]),
        )

    def with_current_supervisor_name(self) -> EnrolmentQuerySet:
        """Annotates ``supervisor_id`` and the current supervisor's ``supervisor_given_name``,
        ``supervisor_name_prefix`` and ``supervisor_family_name`` (sortable) through one outer
        join: at most one assignment per enrolment is current, so rows never multiply."""
        return self.annotate(
            current_supervision=models.FilteredRelation(
                "supervisor_assignments",
                condition=models.Q(supervisor_assignments__ended_at__isnull=True),
            ),
            supervisor_id=models.F("current_supervision__supervisor_id"),
            supervisor_given_name=models.F("current_supervision__supervisor__given_name"),
            supervisor_name_prefix=models.F("current_supervision__supervisor__name_prefix"),
            supervisor_family_name=models.F("current_supervision__supervisor__family_name"),
        )


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        GRADUATED = "graduated", _("Graduated")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("student"),
        limit_choices_to={"is_student": True},
    )
    student_number = models.CharField(
        _("student number"), max_length=20, help_text=_("As in the student information system.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "student__family_name", "student__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "student"], name="enrolment_once_per_cohort"
            ),
            models.UniqueConstraint(
                fields=["student_number"], name="enrolment_student_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.cohort})"


class EnrolmentStatusChange(models.Model):
    """One step in an enrolment's history: append-only, written by ``services.change_status``."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="history", verbose_name=_("enrolment")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Enrolment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Enrolment.Status.choices)
    effective_on = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["enrolment", "-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.from_status or '–'} → {self.to_status}"


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Assignment(models.Model):
    """Who was assigned, by whom and when; ending it keeps the row as history."""

    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        abstract = True


class LecturerAssignment(Assignment):
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="lecturer_assignments",
        verbose_name=_("cohort"),
    )
    lecturer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lecturer_assignments",
        verbose_name=_("lecturer"),
    )
    teaches = models.BooleanField(_("teaches"), default=True)
    examines = models.BooleanField(_("examines"), default=True)

    class Meta:
        verbose_name = _("lecturer assignment")
        verbose_name_plural = _("lecturer assignments")
        ordering = ["cohort", "lecturer__family_name", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "lecturer"],
                condition=models.Q(ended_at__isnull=True),
                name="lecturer_assignment_current_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecturer} → {self.cohort}"


class SupervisorAssignment(Assignment):
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="supervisor_assignments",
        verbose_name=_("enrolment"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervisor_assignments",
        verbose_name=_("thesis supervisor"),
    )

    class Meta:
        verbose_name = _("supervisor assignment")
        verbose_name_plural = _("supervisor assignments")
        ordering = ["enrolment", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(ended_at__isnull=True),
                name="supervisor_assignment_current_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.enrolment}"


class Group(models.Model):
    class Kind(models.TextChoices):
        LEARNING = "learning", _("Learning group")
        INTERVISION = "intervision", _("Intervision group")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="groups", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitated_groups",
        verbose_name=_("facilitator"),
    )
    members = models.ManyToManyField(
        Enrolment, blank=True, related_name="groups", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["cohort", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class IntervisionMethod(models.Model):
    """A way of running a peer-consultation session (incident method, ten-step method, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")
    description = Translated("description")

    class Meta:
        verbose_name = _("intervision method")
        verbose_name_plural = _("intervision methods")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class IntervisionSession(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("duration (hours)"), max_digits=4, decimal_places=2, default=2)
    method = models.ForeignKey(
        IntervisionMethod, on_delete=models.PROTECT, related_name="+", verbose_name=_("method")
    )
    case_bringer = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_brought",
        verbose_name=_("case bringer"),
    )
    case_question = models.TextField(_("case question"), blank=True)

    class Meta:
        verbose_name = _("intervision session")
        verbose_name_plural = _("intervision sessions")
        ordering = ["group", "-date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="session_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.date}"


class Attendance(models.Model):
    """Who attended a session, and the hours that count for their learning log."""

    session = models.ForeignKey(
        IntervisionSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("student")
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.student} @ {self.session}"


class ImportProfile(models.Model):
    """A saved column mapping for student files from a student information system."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=80, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudentImport(models.Model):
    """An uploaded student file between upload and confirmation: its rows and their fate."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        APPLIED = "applied", _("Applied")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    headers = models.JSONField(_("columns in the file"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    columns = models.JSONField(_("column mapping"), default=dict)
    default_cohort = models.ForeignKey(
        Cohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohort for rows without one"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("student import")
        verbose_name_plural = _("student imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
