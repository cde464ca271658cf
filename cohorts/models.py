"""Who learns when: cohorts and the students enrolled in them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curriculum.models import CurriculumVersion


class CohortQuerySet(models.QuerySet):
    def with_student_counts(self) -> CohortQuerySet:
        return self.annotate(
            active_student_count=models.Count(
                "enrolments", filter=models.Q(enrolments__status=Enrolment.Status.ACTIVE)
            )
        )


class Cohort(models.Model):
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
