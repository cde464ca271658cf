"""What is taught: programmes, curriculum versions, years, periods, modules and review moments.

A cohort follows one curriculum version. Once a cohort follows a version (or the version is
active), the version is frozen: changing it would rewrite what students were assessed against.
The next cohort gets a new version copied from this one (``services.copy_version``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated

from .locking import version_field

# Dutch rule of thumb: one European credit is 28 hours of study load.
HOURS_PER_EC = 28


class Discipline(models.Model):
    """A field organisational coaching draws on (organisation science, andragogy, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)

    name = Translated("name")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CurriculumVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CurriculumVersionQuerySet:
        """Administrators see every version; everyone else the versions their cohorts follow.

        Students: the cohorts they are enrolled in. Lecturers: the cohorts they are assigned
        to. Supervisors: the cohorts of their supervisees. (The assignments live in
        ``cohorts``; they are reached here through the reverse relations, not imported.)
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        condition = models.Q(pk__in=[])
        if user.is_lecturer:
            condition |= models.Q(
                cohorts__lecturer_assignments__lecturer=user,
                cohorts__lecturer_assignments__ended_at__isnull=True,
            )
        if user.is_supervisor:
            condition |= models.Q(
                cohorts__enrolments__supervisor_assignments__supervisor=user,
                cohorts__enrolments__supervisor_assignments__ended_at__isnull=True,
            )
        if user.is_student:
            condition |= models.Q(cohorts__enrolments__student=user)
        return self.filter(condition).distinct()


class CurriculumVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="versions", verbose_name=_("programme")
    )
    name = models.CharField(
        _("name"), max_length=60, help_text=_("For example the year it starts: 2026.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derivatives",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = CurriculumVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("curriculum version")
        verbose_name_plural = _("curriculum versions")
        ordering = ["programme", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="curriculum_version_name_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.name}"

    @property
    def is_editable(self) -> bool:
        """Only drafts change; a draft a cohort already follows is frozen as well."""
        return self.status == self.Status.DRAFT and not self.cohorts.exists()

    def lock_reason(self) -> str:
        """Why this version cannot be edited, in words for the administrator ('' if it can)."""
        cohort_names = [cohort.name for cohort in self.cohorts.all()]
        if cohort_names:
            return _(
                "Cohort %(cohorts)s follows this version. Changing it would rewrite what "
                "students were assessed against. Make a new version from this one instead."
            ) % {"cohorts": ", ".join(cohort_names)}
        if self.status != self.Status.DRAFT:
            return _(
                "This version is %(status)s. Only draft versions can be changed: make a new "
                "version from this one, or set it back to draft while no cohort follows it."
            ) % {"status": self.get_status_display().lower()}
        return ""

    def year_overview(self) -> list[dict]:
        """Years with their periods and modules, EC totals and whether they match the target."""
        modules = models.Prefetch("modules", queryset=Module.objects.order_by("position", "code"))
        periods = models.Prefetch("periods", queryset=Period.objects.prefetch_related(modules))
        return [
            year_summary(
                year, (module for period in year.periods.all() for module in period.modules.all())
            )
            for year in self.years.prefetch_related(periods)
        ]


def year_summary(year, modules) -> dict:
    """A year of the overview: its modules' EC total, in hours, and whether it meets the
    year's target."""
    total = ec_total(modules)
    return {
        "year": year,
        "total": total,
        "hours": int(total * HOURS_PER_EC),
        "ok": total == year.ec_target,
    }


class CurriculumYear(models.Model):
    version = models.ForeignKey(
        CurriculumVersion,
        on_delete=models.CASCADE,
        related_name="years",
        verbose_name=_("curriculum version"),
    )
    number = models.PositiveSmallIntegerField(_("year"))
    ec_target = models.DecimalField(
        _("credits (EC) expected"),
        max_digits=5,
        decimal_places=1,
        help_text=_("The EC this year's modules should add up to."),
    )

    class Meta:
        verbose_name = _("year")
        verbose_name_plural = _("years")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="curriculum_year_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="curriculum_year_number"
            ),
        ]

    def __str__(self) -> str:
        return _("Year %(number)s") % {"number": self.number}


class Period(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(
        CurriculumYear, on_delete=models.CASCADE, related_name="periods", verbose_name=_("year")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    name = Translated("name")

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["year__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="period_number_unique"),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    class AssessmentForm(models.TextChoices):
        PORTFOLIO = "portfolio", _("Portfolio")
        WRITTEN = "written", _("Written assignment")
        PRACTICE = "practice", _("Assessment in practice")
        PRESENTATION = "presentation", _("Presentation")
        ORAL = "oral", _("Oral examination")
        RESEARCH = "research", _("Research report")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="modules", verbose_name=_("period")
    )
    code = models.CharField(_("code"), max_length=20)
    title_nl = models.CharField(_("title (Dutch)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    learning_outcomes_nl = models.TextField(
        _("learning outcomes (Dutch)"), blank=True, help_text=_("One outcome per line.")
    )
    learning_outcomes_en = models.TextField(
        _("learning outcomes (English)"), blank=True, help_text=_("One outcome per line.")
    )
    ec = models.DecimalField(
        _("credits (EC)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    assessment_form = models.CharField(
        _("assessment form"), max_length=20, choices=AssessmentForm.choices
    )
    disciplines = models.ManyToManyField(
        Discipline, blank=True, related_name="modules", verbose_name=_("disciplines")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = Translated("title")
    description = Translated("description")
    learning_outcomes_text = Translated("learning_outcomes")

    version = version_field()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["period__year__number", "period__number", "position", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ec__gt=0), name="module_ec_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def study_hours(self) -> int:
        return int(self.ec * HOURS_PER_EC)

    @property
    def learning_outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes_text.splitlines() if line.strip()]


class ReviewMoment(models.Model):
    """A moment students' portfolios or theses are judged: end of year 1, final portfolio, …"""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        CurriculumVersion,
        on_delete=models.CASCADE,
        related_name="review_moments",
        verbose_name=_("curriculum version"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    offset_months = models.PositiveSmallIntegerField(
        _("months after the cohort starts"), null=True, blank=True
    )
    date = models.DateField(_("date"), null=True, blank=True)
    min_examiners = models.PositiveSmallIntegerField(
        _("minimum number of independent examiners"), default=1
    )
    decisive = models.BooleanField(
        _("decisive"), default=False, help_text=_("Passing it is required to graduate.")
    )
    grade_required = models.BooleanField(
        _("grade required"), default=False, help_text=_("Examiners give a grade from 1 to 10.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")

    class Meta:
        verbose_name = _("review moment")
        verbose_name_plural = _("review moments")
        ordering = ["version", "position", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="review_moment_code_unique"),
            models.CheckConstraint(
                condition=models.Q(offset_months__isnull=True) | models.Q(date__isnull=True),
                name="review_moment_offset_or_date",
            ),
            models.CheckConstraint(
                condition=models.Q(min_examiners__gte=1), name="review_moment_min_examiners"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def due_date(self, cohort_start):
        """The date for a cohort that started on ``cohort_start`` (None when neither is set)."""
        if self.date:
            return self.date
        if self.offset_months is None or cohort_start is None:
            return None
        month_index = cohort_start.month - 1 + self.offset_months
        year, month = cohort_start.year + month_index // 12, month_index % 12 + 1
        return cohort_start.replace(year=year, month=month, day=min(cohort_start.day, 28))


def ec_total(modules) -> Decimal:
    return sum((module.ec for module in modules), Decimal("0"))
