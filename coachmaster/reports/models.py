"""Report jobs: the one truth about a PDF being made, made, or failed.

A job is requested for a subject (a portfolio snapshot, a student's enrolment, a cohort) in a
language. ``source_hash`` fingerprints the data the report is made from: asking again for the
same subject in the same language while its data is unchanged returns the existing job.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrolment
from competencies.models import PortfolioSnapshot
from competencies.models.evidence import private_storage


def report_upload_to(instance: ReportJob, filename: str) -> str:
    # One name per job: running a job again overwrites its own file, never adds one.
    return f"reports/{instance.uuid}{instance.extension}"


class ReportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportJobQuerySet:
        """The jobs a person asked for; administrators see every job. (Opening one also needs
        access to its subject: ``reports.access.get_job_for``.)"""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        return self.filter(requesters=user)

    def live(self) -> ReportJobQuerySet:
        """Waiting, queued, running or done: what a new request with the same data reuses."""
        return self.exclude(status=ReportJob.Status.FAILED)


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", _("Portfolio")
        PROGRESS = "progress", _("Student progress report")
        COHORT = "cohort", _("Cohort progress report")
        COHORT_PORTFOLIOS = "cohort_portfolios", _("Portfolios of a cohort (ZIP)")

    class Status(models.TextChoices):
        # Kept in the database until the queue (Redis) has taken it: a request made while the
        # queue is down is sent when it is back (``services.send_waiting``).
        WAITING = "waiting", _("Waiting for the queue")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    snapshot = models.ForeignKey(
        PortfolioSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("portfolio submission"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("student"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("cohort"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    source_hash = models.CharField(_("data fingerprint"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="report_jobs",
        verbose_name=_("requested by"),
    )
    requesters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
        help_text=_("Everyone who asked for this report (a second request reuses the job)."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_text = models.CharField(_("progress"), max_length=120, blank=True)
    file = models.FileField(
        _("file"), upload_to=report_upload_to, storage=private_storage, blank=True, max_length=255
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker_pid = models.PositiveIntegerField(_("worker process"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("requester told at"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "source_hash", "language"], name="report_job_dedupe_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_job_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def extension(self) -> str:
        return ".zip" if self.kind == self.Kind.COHORT_PORTFOLIOS else ".pdf"

    @property
    def content_type(self) -> str:
        return "application/zip" if self.kind == self.Kind.COHORT_PORTFOLIOS else "application/pdf"

    @property
    def subject(self):
        return self.snapshot or self.enrolment or self.cohort

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
