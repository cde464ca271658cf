"""The assessment of a submitted portfolio: examiners, their independent judgements, the
reconciled result, its release, later corrections, and the record of every act.

One ``Assessment`` per submission round (one snapshot). Examiners judge independently
(``Examiner`` with a ``Judgement`` per competency); when all have submitted, they agree a
final result (``FinalLevel`` per competency, verdict, grade, joint explanation) that every
examiner approves; then it is released to the student. After release nothing changes:
a ``Correction`` is a new row with a reason, laid over the released result.

The database refuses what must never happen (see ``competencies/immutability.py``): changing
or deleting a released assessment, its final levels, a submitted judgement, an event, an
approval or a correction.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrolment

from .framework import Competency, Indicator, ProficiencyLevel
from .portfolio import Portfolio, PortfolioSnapshot

GRADE_FIELD = {
    "max_digits": 3,
    "decimal_places": 1,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("10.0"))],
}


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    NOT_YET = "not_yet", _("Not yet")
    FAIL = "fail", _("Fail")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """Who may open an assessment at all (what they then see of it is decided by
        ``Examiner.objects.visible_to`` and ``Assessment.is_released``):

        administrators: all; examiners: the ones they examine; the student and staff who
        see the portfolio: released ones only.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        # The portfolio test is a correlated EXISTS (one index lookup per row), not an IN over
        # every portfolio the user sees, whose estimate on a large database crossed
        # PostgreSQL's JIT threshold (see ``ExaminerQuerySet.visible_to``).
        sees_portfolio = models.Exists(
            Portfolio.objects.visible_to(user).filter(pk=models.OuterRef("portfolio_id"))
        )
        return self.filter(
            models.Q(examiners__user=user)
            | (models.Q(status=Assessment.Status.RELEASED) & models.Q(sees_portfolio))
        ).distinct()

    def for_cohort(self, cohort: Cohort) -> AssessmentQuerySet:
        return self.filter(portfolio__enrolment__cohort=cohort)

    def active(self) -> AssessmentQuerySet:
        """Not released and not withdrawn: somebody still has work on it."""
        return self.filter(status__in=[Assessment.Status.OPEN, Assessment.Status.RECONCILING])

    def with_effective_result(self) -> AssessmentQuerySet:
        """Annotates ``effective_verdict`` and ``effective_grade``: the released result with
        the latest correction that changed it laid over it."""
        verdicts = Correction.objects.filter(assessment=models.OuterRef("pk")).exclude(verdict="")
        grades = Correction.objects.filter(assessment=models.OuterRef("pk"), grade__isnull=False)
        return self.annotate(
            effective_verdict=models.functions.Coalesce(
                models.Subquery(verdicts.order_by("-at", "-pk").values("verdict")[:1]),
                "final_verdict",
            ),
            effective_grade=models.functions.Coalesce(
                models.Subquery(grades.order_by("-at", "-pk").values("grade")[:1]),
                "final_grade",
            ),
        )


class Assessment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Being assessed")
        RECONCILING = "reconciling", _("Being reconciled")
        RELEASED = "released", _("Released")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("portfolio"),
    )
    snapshot = models.OneToOneField(
        PortfolioSnapshot,
        on_delete=models.PROTECT,
        related_name="assessment",
        verbose_name=_("submitted snapshot"),
    )
    # The round is the snapshot's submission number (withdrawn submissions count too).
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    due_on = models.DateField(_("assess by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # The examiners cannot agree: the administrator is asked to add a third examiner.
    escalated_at = models.DateTimeField(_("third examiner requested"), null=True, blank=True)
    escalation_reason = models.TextField(_("why the examiners cannot agree"), blank=True)

    # The reconciled result, proposed by an examiner and approved by all (``Approval``);
    # ``revision`` counts the proposals (0: none yet) so that a stale form is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    final_verdict = models.CharField(
        _("verdict"), max_length=10, choices=Verdict.choices, blank=True
    )
    final_grade = models.DecimalField(_("grade"), **GRADE_FIELD)
    joint_explanation = models.TextField(_("joint explanation"), blank=True)
    resubmission_deadline = models.DateField(_("resubmit by"), null=True, blank=True)
    revised_at = models.DateTimeField(_("last proposal at"), null=True, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last proposal by"),
    )

    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="assessment_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="released", released_at__isnull=False)
                | (~models.Q(status="released") & models.Q(released_at__isnull=True)),
                name="assessment_released_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(final_grade__isnull=True)
                | models.Q(final_grade__gte=Decimal("1.0"), final_grade__lte=Decimal("10.0")),
                name="assessment_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} · {self.round}"

    @property
    def round(self) -> int:
        return self.snapshot.number

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.RECONCILING)

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.due_on < timezone.localdate()


class ExaminerQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExaminerQuerySet:
        """Whose judgement (levels, indicators, feedback, verdict, grade) ``user`` may read.

        This is the one place that keeps examiners independent: an examiner sees their own
        judgement, and another examiner's only once both have submitted. Administrators see
        submitted judgements; the student and the staff who see the portfolio see the
        submitted judgements of a released assessment. Drafts are their author's alone.
        """
        if not user.is_authenticated:
            return self.none()
        own = models.Q(user=user)
        submitted = models.Q(submitted_at__isnull=False)
        peers_done = models.Exists(
            Examiner.objects.filter(
                assessment=models.OuterRef("assessment"), user=user, submitted_at__isnull=False
            )
        )
        if user.is_programme_admin or user.is_superuser:
            # An administrator who examines this assessment too is an examiner first.
            examining = models.Exists(
                Examiner.objects.filter(assessment=models.OuterRef("assessment"), user=user)
            )
            return self.filter(own | (submitted & (~models.Q(examining) | models.Q(peers_done))))
        # A correlated EXISTS on the row's own portfolio (one index lookup), not an IN over
        # every portfolio the user sees: on a large database (10,000 students) the planner's
        # estimate for the latter crossed PostgreSQL's JIT threshold, and compiling it cost
        # 50-110 ms per query although that branch was never executed.
        sees_portfolio = models.Exists(
            Portfolio.objects.visible_to(user).filter(
                pk=models.OuterRef("assessment__portfolio_id")
            )
        )
        released = models.Q(assessment__status=Assessment.Status.RELEASED) & models.Q(
            sees_portfolio
        )
        return self.filter(own | (submitted & (models.Q(peers_done) | released)))

    def waiting(self) -> ExaminerQuerySet:
        """Judgements not yet submitted, of assessments still open."""
        return self.filter(submitted_at__isnull=True, assessment__status=Assessment.Status.OPEN)


class Examiner(models.Model):
    """An examiner assigned to an assessment, and their own, independent judgement."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="examiners",
        verbose_name=_("assessment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="examinations",
        verbose_name=_("examiner"),
    )
    position = models.PositiveSmallIntegerField(_("examiner number"))
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    grade = models.DecimalField(_("grade"), **GRADE_FIELD)
    feedback = models.TextField(_("overall feedback"), blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ExaminerQuerySet.as_manager()

    class Meta:
        verbose_name = _("examiner")
        verbose_name_plural = _("examiners")
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="examiner_once"),
            models.UniqueConstraint(
                fields=["assessment", "position"], name="examiner_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | ~models.Q(verdict=""),
                name="examiner_submitted_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.position}: {self.user}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def has_started(self) -> bool:
        return self.draft_saved_at is not None or self.submitted_at is not None


class Judgement(models.Model):
    """One examiner's judgement of one competency: the level reached, the behavioural
    indicators observed, and feedback to the student."""

    examiner = models.ForeignKey(
        Examiner, on_delete=models.PROTECT, related_name="judgements", verbose_name=_("examiner")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level reached"),
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("indicators observed")
    )
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("judgement")
        verbose_name_plural = _("judgements")
        constraints = [
            models.UniqueConstraint(fields=["examiner", "competency"], name="judgement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.examiner} · {self.competency.code}"


class FinalLevel(models.Model):
    """The level of one competency the examiners agreed on in reconciliation."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="final_levels",
        verbose_name=_("assessment"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )

    class Meta:
        verbose_name = _("final level")
        verbose_name_plural = _("final levels")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="final_level_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.competency.code} → {self.level.rank}"


class Approval(models.Model):
    """An examiner agrees with revision ``revision`` of the proposed final result."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("assessment"),
    )
    examiner = models.ForeignKey(
        Examiner, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("examiner")
    )
    revision = models.PositiveIntegerField(_("revision"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["examiner", "revision"], name="approval_once_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.examiner} ✓ {self.revision}"


class Correction(models.Model):
    """A change to a released result: a new, recorded act with a reason. Blank fields leave
    that part of the result as it was."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("assessment"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    at = models.DateTimeField(_("corrected at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    grade = models.DecimalField(_("grade"), **GRADE_FIELD)
    # {competency id (text): level id} for the levels this correction changes.
    levels = models.JSONField(_("levels"), default=dict, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    # For a result corrected to "not yet": when the student resubmits.
    resubmission_deadline = models.DateField(_("resubmit by"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["assessment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.at:%Y-%m-%d}"


class AssessmentEvent(models.Model):
    """The record: every act on an assessment, who did it, when and what. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Submitted for assessment")
        ASSIGNED = "assigned", _("Examiner assigned")
        UNASSIGNED = "unassigned", _("Examiner removed")
        DRAFT_SAVED = "draft_saved", _("Draft saved")
        SUBMITTED = "submitted", _("Judgement submitted")
        PROPOSED = "proposed", _("Final result proposed")
        APPROVED = "approved", _("Final result approved")
        ESCALATED = "escalated", _("Third examiner requested")
        RELEASED = "released", _("Released to the student")
        CORRECTED = "corrected", _("Corrected")
        WITHDRAWN = "withdrawn", _("Submission withdrawn")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="events", verbose_name=_("assessment")
    )
    kind = models.CharField(_("act"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # What was done, as plain JSON (names, levels by rank, verdicts, grades as text).
    data = models.JSONField(_("what"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
        ordering = ["assessment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


@dataclass
class Outcome:
    """The result a student is given: the released one with its corrections applied."""

    verdict: str
    grade: Decimal | None
    explanation: str
    resubmission_deadline: datetime.date | None = None
    # competency id -> level id
    levels: dict[int, int] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label if self.verdict in Verdict.values else ""


def outcome_of(assessment: Assessment, corrections: list[Correction] | None = None) -> Outcome:
    """The effective result: final levels, verdict, grade and explanation of a released
    assessment with ``corrections`` (all of its corrections when not given) applied in order.
    Reads ``assessment.final_levels.all()`` (prefetch it to save the query)."""
    if corrections is None:
        corrections = list(assessment.corrections.order_by("at", "pk"))
    outcome = Outcome(
        verdict=assessment.final_verdict,
        grade=assessment.final_grade,
        explanation=assessment.joint_explanation,
        resubmission_deadline=assessment.resubmission_deadline,
        levels={final.competency_id: final.level_id for final in assessment.final_levels.all()},
        corrections=corrections,
    )
    for correction in corrections:
        if correction.verdict:
            outcome.verdict = correction.verdict
        if correction.grade is not None:
            outcome.grade = correction.grade
        if correction.explanation:
            outcome.explanation = correction.explanation
        if correction.resubmission_deadline:
            outcome.resubmission_deadline = correction.resubmission_deadline
        for competency_id, level_id in correction.levels.items():
            outcome.levels[int(competency_id)] = int(level_id)
    return outcome


class FeedbackThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> FeedbackThreadQuerySet:
        """The student who asked and the lecturer asked; administrators. Nobody else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        return self.filter(models.Q(enrolment__student=user) | models.Q(lecturer=user))

    def open(self) -> FeedbackThreadQuerySet:
        return self.filter(status=FeedbackThread.Status.OPEN)


class FeedbackThread(models.Model):
    """Formative feedback: before submitting, a student asks one of their lecturers about a
    piece of evidence or their draft self-assessment; a short exchange follows. It stays with
    the evidence (or the portfolio's history), never in an assessed snapshot."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the lecturer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="feedback_threads",
        verbose_name=_("enrolment"),
    )
    lecturer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="feedback_threads",
        verbose_name=_("lecturer"),
    )
    evidence = models.ForeignKey(
        "Evidence",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_threads",
        verbose_name=_("evidence"),
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_threads",
        verbose_name=_("portfolio"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last message at"), auto_now=True)

    objects = FeedbackThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback thread")
        verbose_name_plural = _("feedback threads")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["lecturer", "status"], name="feedback_thread_lecturer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evidence__isnull=False, portfolio__isnull=True)
                | models.Q(evidence__isnull=True, portfolio__isnull=False),
                name="feedback_thread_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class FeedbackMessage(models.Model):
    thread = models.ForeignKey(
        FeedbackThread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback message")
        verbose_name_plural = _("feedback messages")
        ordering = ["thread", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread} · {self.author}"
