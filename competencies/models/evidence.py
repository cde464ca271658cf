"""Evidence of competence: files, links or texts, each claiming levels on competencies."""

from __future__ import annotations

import hashlib
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrolment

from .framework import Competency, ProficiencyLevel
from .log import LearningActivity


def private_storage():
    """Evidence files live outside MEDIA_ROOT: only the download view serves them."""
    from django.core.files.storage import storages

    return storages["private"]


def evidence_upload_to(instance, filename: str) -> str:
    # Generated names only: the uploaded name is kept in ``original_name`` for display.
    return f"evidence/{instance.enrolment_id}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceQuerySet:
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))

    def for_enrolment(self, enrolment) -> EvidenceQuerySet:
        return self.filter(enrolment=enrolment)

    def linked_to(self, competency) -> EvidenceQuerySet:
        return self.filter(claims__competency=competency)

    def search(self, text: str) -> EvidenceQuerySet:
        """Every word must occur in the title, the text or the file name."""
        result = self
        for word in text.split():
            result = result.filter(
                models.Q(title__icontains=word)
                | models.Q(text__icontains=word)
                | models.Q(original_name__icontains=word)
                | models.Q(url__icontains=word)
            )
        return result


class Evidence(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        LINK = "link", _("Link")
        CLIENT_FEEDBACK = "client_feedback", _("Client feedback")
        OBSERVATION = "observation", _("Observation report")
        FEEDBACK_360 = "feedback_360", _("360° feedback")
        RECORDING = "recording", _("Recording")
        REFLECTION = "reflection", _("Reflection report")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("enrolment")
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=evidence_upload_to,
        blank=True,
        max_length=200,
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    activities = models.ManyToManyField(
        LearningActivity, blank=True, related_name="evidence", verbose_name=_("activities")
    )
    competencies = models.ManyToManyField(
        Competency,
        through="EvidenceClaim",
        related_name="evidence",
        verbose_name=_("competencies"),
    )
    feedback_request = models.OneToOneField(
        "FeedbackRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answer",
        verbose_name=_("answer to feedback request"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_answered_feedback(self) -> bool:
        """Written by someone else through a feedback link, not by the student."""
        return self.feedback_request_id is not None


class EvidenceClaim(models.Model):
    """ "This evidence shows competency X at level Y, because …"."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="claims", verbose_name=_("evidence")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="claims", verbose_name=_("competency")
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("claimed level"),
    )
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        verbose_name = _("competency claim")
        verbose_name_plural = _("competency claims")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "competency"], name="claim_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} · {self.competency.code} {self.level.rank}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedbackRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> FeedbackRequestQuerySet:
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))

    def for_token(self, token: str) -> FeedbackRequestQuerySet:
        """Only the hash is stored: the link's token is hashed to find its request."""
        return self.filter(token_hash=hash_token(token))


class FeedbackRequest(models.Model):
    """A single-use, expiring link for a client, sponsor or colleague to give feedback."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class Relation(models.TextChoices):
        CLIENT = "client", _("Client")
        SPONSOR = "sponsor", _("Sponsor")
        COLLEAGUE = "colleague", _("Colleague")
        PEER = "peer", _("Fellow student")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="feedback_requests",
        verbose_name=_("enrolment"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    recipient_label = models.CharField(
        _("who is asked"),
        max_length=120,
        help_text=_("A role or pseudonym, e.g. “coachee C-07” or “sponsor, HR”; never a name."),
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    engagement = models.ForeignKey(
        "ClientEngagement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_requests",
        verbose_name=_("client engagement"),
    )
    questions = models.TextField(_("questions"))
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="+", verbose_name=_("competencies")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.recipient_label} ({self.created_at:%Y-%m-%d})"

    @property
    def state(self) -> FeedbackRequest.State:
        if self.used_at:
            return self.State.ANSWERED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.OPEN

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def question_list(self) -> list[str]:
        """One question per non-empty line."""
        return [line.strip() for line in self.questions.splitlines() if line.strip()]
