"""Portfolios per review moment, and the frozen snapshot a submission makes of one."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrolment
from curriculum.models import ReviewMoment

from .evidence import Evidence
from .framework import Competency, ProficiencyLevel, ReviewTarget


@dataclass(frozen=True)
class MomentStatus:
    """Where a student stands with the portfolio of one review moment."""

    moment: ReviewMoment
    due_date: datetime.date | None
    portfolio: Portfolio | None
    # Earlier submissions that were withdrawn (they stay as history).
    withdrawn_count: int = 0

    @property
    def state(self) -> str:
        """``"not_started"``, ``"draft"``, ``"submitted"`` or ``"assessed"``."""
        return self.portfolio.status if self.portfolio else "not_started"

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self.portfolio.submitted_at if self.portfolio else None


class PortfolioQuerySet(models.QuerySet):
    def visible_to(self, user) -> PortfolioQuerySet:
        """Who sees the student's enrolment, and the examiners of any of its rounds (who may
        come from outside the cohort's staff)."""
        if not user.is_authenticated:
            return self.none()
        examines = models.Exists(
            apps.get_model("competencies", "Examiner").objects.filter(
                assessment__portfolio=models.OuterRef("pk"), user=user
            )
        )
        return self.filter(
            models.Q(enrolment__in=Enrolment.objects.visible_to(user)) | models.Q(examines)
        )

    def statuses_for(self, enrolment: Enrolment) -> list[MomentStatus]:
        """Every review moment of the enrolment's curriculum version, in order, with its due
        date for the cohort and the portfolio's status (two queries, whatever the size)."""
        version_id = enrolment.cohort.curriculum_version_id
        if version_id is None:
            return []
        moments = ReviewMoment.objects.filter(version_id=version_id).order_by(
            "position", "year", "code"
        )
        portfolios = {
            portfolio.review_moment_id: portfolio
            for portfolio in self.filter(enrolment=enrolment)
            .select_related("current_snapshot")
            # The frozen content (tens of kB of JSON each) is not needed for a status.
            .defer("current_snapshot__data")
            .order_by()  # a dict: the default ordering would only add joins
            .annotate(
                withdrawn_count=models.Count(
                    "assessments", filter=models.Q(assessments__status="withdrawn")
                )
            )
        }
        statuses = []
        for moment in moments:
            portfolio = portfolios.get(moment.pk)
            withdrawn = portfolio.withdrawn_count if portfolio is not None else 0
            statuses.append(
                MomentStatus(
                    moment=moment,
                    due_date=moment.due_date(enrolment.cohort.start_date),
                    portfolio=portfolio,
                    withdrawn_count=withdrawn,
                )
            )
        return statuses


class Portfolio(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        # The released result of the last round is final (pass or fail). After "not yet" the
        # portfolio is a draft again, to be resubmitted.
        ASSESSED = "assessed", _("Assessed")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="portfolios", verbose_name=_("enrolment")
    )
    review_moment = models.ForeignKey(
        ReviewMoment,
        on_delete=models.PROTECT,
        related_name="portfolios",
        verbose_name=_("review moment"),
    )
    overall_reflection = models.TextField(_("overall reflection"), blank=True)
    development_plan = models.TextField(_("development plan"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    current_snapshot = models.OneToOneField(
        "PortfolioSnapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted snapshot"),
    )
    # Set when an examiner starts assessing; from then on a submission cannot be withdrawn.
    assessment_started_at = models.DateTimeField(_("assessment started"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["enrolment", "review_moment__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "review_moment"], name="portfolio_once_per_moment"
            ),
            # Submitted exactly when there is a current snapshot.
            models.CheckConstraint(
                condition=(
                    models.Q(status="draft", current_snapshot__isnull=True)
                    | models.Q(
                        status__in=["submitted", "assessed"], current_snapshot__isnull=False
                    )
                ),
                name="portfolio_submitted_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.student} · {self.review_moment}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status == self.Status.SUBMITTED and self.assessment_started_at is None

    @property
    def submitted_at(self) -> datetime.datetime | None:
        snapshot = self.current_snapshot
        return snapshot.submitted_at if snapshot else None


class PortfolioEntryQuerySet(models.QuerySet):
    def in_order(self) -> PortfolioEntryQuerySet:
        """Framework order: profile, then position and code of the competency."""
        return self.order_by(
            "competency__profile__position", "competency__position", "competency__code"
        )

    def with_targets(self) -> PortfolioEntryQuerySet:
        """Adds ``target_level_id`` and ``target_rank``: the level the review moment asks."""
        targets = ReviewTarget.objects.filter(
            review_moment=models.OuterRef("portfolio__review_moment"),
            competency=models.OuterRef("competency"),
        )
        return self.annotate(
            target_level_id=models.Subquery(targets.values("level")[:1]),
            target_rank=models.Subquery(targets.values("level__rank")[:1]),
        )


class PortfolioEntry(models.Model):
    """One competency in a portfolio: the evidence chosen for it and the self-assessment."""

    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="entries", verbose_name=_("portfolio")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    self_level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-assessed level"),
    )
    argument = models.TextField(_("argument"), blank=True)
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="portfolio_entries", verbose_name=_("evidence")
    )

    objects = PortfolioEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio entry")
        verbose_name_plural = _("portfolio entries")
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "competency"], name="portfolio_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} · {self.competency.code}"


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user) -> SnapshotQuerySet:
        return self.filter(portfolio__in=Portfolio.objects.visible_to(user))


class PortfolioSnapshot(models.Model):
    """Exactly what was submitted: texts, selections, levels and file hashes, frozen.

    Never changed and never deleted: the model refuses it here and database triggers
    (migration ``0003_snapshot_immutable``) refuse it below the ORM too.
    """

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("portfolio")
    )
    number = models.PositiveSmallIntegerField(_("submission number"))
    data = models.JSONField(_("content"))
    sha256 = models.CharField(_("content hash"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio snapshot")
        verbose_name_plural = _("portfolio snapshots")
        ordering = ["portfolio", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "number"], name="snapshot_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("A submitted portfolio snapshot cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submitted portfolio snapshot cannot be deleted."))
