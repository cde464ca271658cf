"""What must be shown: versioned competency frameworks and the targets the curriculum sets.

A framework belongs to one curriculum version and is frozen with it. A framework derived for
the next version records, for every old competency, its successor(s), so evidence and
assessments made against the old one stay readable.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated
from curriculum.locking import version_field
from curriculum.models import CurriculumVersion, Module, ReviewMoment


class ProfessionalRole(models.TextChoices):
    COACH = "coach", _("Coach / facilitator of collective learning")
    ADVISOR = "advisor", _("Advisor on the learning environment")
    RESEARCHER = "researcher", _("Practice researcher")
    CONDUCT = "conduct", _("Professional and ethical conduct")


class FrameworkQuerySet(models.QuerySet):
    def visible_to(self, user) -> FrameworkQuerySet:
        return self.filter(curriculum_version__in=CurriculumVersion.objects.visible_to(user))


class CompetencyFramework(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    curriculum_version = models.OneToOneField(
        CurriculumVersion,
        on_delete=models.CASCADE,
        related_name="framework",
        verbose_name=_("curriculum version"),
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derivatives",
        verbose_name=_("derived from"),
    )

    name = Translated("name")

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")

    def __str__(self) -> str:
        return f"{self.name} ({self.curriculum_version.name})"

    @property
    def is_editable(self) -> bool:
        return self.curriculum_version.is_editable


class ProficiencyLevel(models.Model):
    framework = models.ForeignKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("framework"),
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    name = Translated("name")
    description = Translated("description")

    version = version_field()

    class Meta:
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="level_rank_unique"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="level_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"


class Profile(models.Model):
    framework = models.ForeignKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="profiles",
        verbose_name=_("framework"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    builds_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("builds on")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")
    description = Translated("description")

    version = version_field()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="profile_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CompetencyQuerySet(models.QuerySet):
    def in_order(self) -> CompetencyQuerySet:
        return self.order_by("profile__position", "position", "code")


class Competency(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("framework"),
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("profile")
    )
    code = models.CharField(_("code"), max_length=20)
    name_nl = models.CharField(_("name (Dutch)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    role = models.CharField(
        _("professional role"), max_length=12, choices=ProfessionalRole.choices
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")
    description = Translated("description")

    objects = CompetencyQuerySet.as_manager()

    version = version_field()

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "profile__position", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(models.Model):
    """Observable behaviour that shows a competency at one proficiency level."""

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("competency"),
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("level"),
    )
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    text = Translated("text")

    class Meta:
        verbose_name = _("behavioural indicator")
        verbose_name_plural = _("behavioural indicators")
        ordering = ["competency", "level__rank", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class CompetencyMapping(models.Model):
    """An old competency's successor in a derived framework (one old can map to several)."""

    old = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("earlier competency"),
    )
    new = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )

    class Meta:
        verbose_name = _("competency mapping")
        verbose_name_plural = _("competency mappings")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="competency_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old.code} → {self.new.code}"


class ModuleTarget(models.Model):
    """A competency a module develops, with the level the module aims for."""

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="targets", verbose_name=_("module")
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="module_targets",
        verbose_name=_("competency"),
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        related_name="module_targets",
        verbose_name=_("target level"),
    )

    class Meta:
        verbose_name = _("module target")
        verbose_name_plural = _("module targets")
        constraints = [
            models.UniqueConstraint(fields=["module", "competency"], name="module_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.module.code} · {self.competency.code} → {self.level.rank}"


class ReviewTarget(models.Model):
    """The level a competency must reach by a review moment."""

    review_moment = models.ForeignKey(
        ReviewMoment,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("review moment"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="review_targets",
        verbose_name=_("competency"),
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        related_name="review_targets",
        verbose_name=_("target level"),
    )

    class Meta:
        verbose_name = _("review target")
        verbose_name_plural = _("review targets")
        constraints = [
            models.UniqueConstraint(
                fields=["review_moment", "competency"], name="review_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_moment.code} · {self.competency.code} → {self.level.rank}"
