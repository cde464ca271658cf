"""Privacy (AVG/GDPR): retention rules as data, the log of what the retention job did,
personal-data exports and erasure requests with their statements.

The categories a rule can govern, and what applying one means, live in ``retention.py``;
these models only hold the policy and the proof.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated
from competencies.models.evidence import private_storage


class Clock(models.TextChoices):
    """What starts a retention period."""

    ASSESSMENT_RELEASED = "assessment_released", _("the last assessment was released")
    ENROLMENT_ENDED = "enrolment_ended", _("the enrolment ended")
    LAST_LOGIN = "last_login", _("the last login (after the enrolment ended)")
    CREATED = "created", _("the record was made")


class Action(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise")
    DELETE = "delete", _("Delete")


class RetentionRule(models.Model):
    """How long one category of personal data is kept, and what happens after."""

    category = models.CharField(_("category"), max_length=30, unique=True)
    years = models.PositiveSmallIntegerField(_("years"), default=0)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    clock = models.CharField(_("counted from"), max_length=24, choices=Clock.choices)
    action = models.CharField(_("then"), max_length=10, choices=Action.choices)
    kept_on_erasure = models.BooleanField(
        _("kept when erasure is asked"),
        default=False,
        help_text=_("A legal obligation to keep these records outweighs a request for erasure."),
    )
    explanation_nl = models.TextField(_("legal basis and explanation (Dutch)"))
    explanation_en = models.TextField(_("legal basis and explanation (English)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    explanation = Translated("explanation")

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__lt=12), name="retention_rule_months_below_12"
            ),
        ]

    def __str__(self) -> str:
        return self.category

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    @property
    def spec(self):
        from .retention import CATEGORIES

        return CATEGORIES[self.category]

    @property
    def label(self) -> str:
        return self.spec.label


class RetentionRun(models.Model):
    """What one run of the retention job did for one category: the log administrators read."""

    class Source(models.TextChoices):
        SCHEDULE = "schedule", _("Daily schedule")
        COMMAND = "command", _("Command")

    run = models.UUIDField(_("run"), db_index=True)
    category = models.CharField(_("category"), max_length=30)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    source = models.CharField(_("started by"), max_length=10, choices=Source.choices)
    today = models.DateField(_("date of the run"))
    cutoff = models.DateField(_("records whose period started on or before"))
    affected = models.PositiveIntegerField(_("records handled"), default=0)
    kept = models.PositiveIntegerField(
        _("records kept"),
        default=0,
        help_text=_(
            "Expired, but kept: the database protects them, or a legal period still runs."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "pk"]
        indexes = [models.Index(fields=["-started_at"], name="retention_run_started_idx")]

    def __str__(self) -> str:
        return f"{self.category} {self.today}"

    @property
    def label(self) -> str:
        from .retention import CATEGORIES

        spec = CATEGORIES.get(self.category)
        return spec.label if spec else self.category


def export_upload_to(instance: DataExport, filename: str) -> str:
    return f"privacy-exports/{instance.uuid}.zip"


class DataExportQuerySet(models.QuerySet):
    def visible_to(self, user) -> DataExportQuerySet:
        """One's own exports; administrators see every export (they make them on request)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        return self.filter(subject=user)


class DataExport(models.Model):
    """A ZIP of one person's data, made in the background. The row stays as the record of
    who exported whose data and when; the file goes after the ``data_exports`` rule's period."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after its retention period")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="data_exports",
        verbose_name=_("whose data"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        _("file"), upload_to=export_upload_to, storage=private_storage, blank=True, max_length=255
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("last downloaded at"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)


class ErasureRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> ErasureRequestQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        return self.filter(subject=user)


class ErasureRequest(models.Model):
    """A request to erase someone's data, and once carried out, the statement of what was
    erased and what was kept (why, until when). Kept as proof, with as little as needed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the administration")
        DONE = "done", _("Carried out")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("whose data"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Optional. It is removed when the request is carried out."),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried out by"),
    )
    # [{"category", "outcome": "erased"|"kept"|"none", "action", "count", "until",
    #   "period": {"years", "months"}, "explanation": {"nl", "en"}}]: codes and copies, so the
    # statement reads the same in either language, whatever the rules say later.
    statement = models.JSONField(_("statement"), default=list, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(status="open"),
                name="erasure_request_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
