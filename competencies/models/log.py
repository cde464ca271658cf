"""The learning log: what a student did, with whom (pseudonymised), at which system level."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated
from cohorts.models import Enrolment
from curriculum.models import Discipline

from .framework import Competency


class SystemLevel(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")
    ORGANISATION = "organisation", _("Organisation")
    NETWORK = "network", _("Chain or network")


class EnactedRole(models.TextChoices):
    COACH = "coach", _("Coach / facilitator")
    ADVISOR = "advisor", _("Advisor")
    RESEARCHER = "researcher", _("Researcher")


class ActivityKind(models.Model):
    """A kind of learning activity (data, extendable): coaching session, intervision, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    is_client_work = models.BooleanField(
        _("counts as client hours"),
        default=False,
        help_text=_("Coaching and advisory work with a client, counted in the hours ledger."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")

    class Meta:
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user) -> EngagementQuerySet:
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))

    def for_enrolment(self, enrolment) -> EngagementQuerySet:
        return self.filter(enrolment=enrolment)

    def consenting(self) -> EngagementQuerySet:
        return self.filter(consent=True)


class ClientEngagement(models.Model):
    """A coaching or advisory assignment. The client is a pseudonym, never a name."""

    class ClientType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("enrolment"),
    )
    client_code = models.CharField(
        _("client pseudonym"),
        max_length=40,
        help_text=_("A code or pseudonym such as C-07 or “Team Noord”; never a real name."),
    )
    sector = models.CharField(_("sector"), max_length=80, blank=True)
    client_type = models.CharField(
        _("individual or group"), max_length=10, choices=ClientType.choices
    )
    group_size = models.PositiveSmallIntegerField(
        _("group size"), null=True, blank=True, validators=[MinValueValidator(2)]
    )
    paid = models.BooleanField(_("paid"), default=False)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Inside the student's own organisation.")
    )
    sponsor = models.CharField(
        _("sponsor"), max_length=120, blank=True, help_text=_("Role, not name: e.g. HR manager.")
    )
    goals = models.TextField(_("agreed goals"), blank=True)
    # The three-way contract: coachee, sponsor and student-coach agree on these.
    contract_goals = models.TextField(_("contract: goals"), blank=True)
    contract_confidentiality = models.TextField(_("contract: confidentiality"), blank=True)
    contract_reporting = models.TextField(_("contract: reporting to the sponsor"), blank=True)
    contract_evaluation = models.TextField(_("contract: evaluation moments"), blank=True)
    contract_agreed_on = models.DateField(_("contract agreed on"), null=True, blank=True)
    consent = models.BooleanField(
        _("client consents"),
        default=False,
        help_text=_("Only engagements with consent count in the hours ledger."),
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("client engagement")
        verbose_name_plural = _("client engagements")
        ordering = ["enrolment", "client_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "client_code"], name="engagement_client_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(client_type="individual") | models.Q(group_size__gte=2),
                name="engagement_group_has_size",
            ),
        ]

    def __str__(self) -> str:
        return self.client_code

    @property
    def is_group(self) -> bool:
        return self.client_type == self.ClientType.GROUP

    def clean(self) -> None:
        errors = {}
        if self.is_group and (self.group_size or 0) < 2:
            errors["group_size"] = _("A group has at least two people: give its size.")
        if not self.is_group:
            self.group_size = None
        if self.consent_on and self.consent_on > timezone.localdate():
            errors["consent_on"] = _("The date of consent cannot be in the future.")
        if self.consent and not self.consent_on:
            errors["consent_on"] = _("Give the date on which the client consented.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date cannot come before the start date.")
        if errors:
            raise ValidationError(errors)


# What coaching associations count as client hours: client work for a client who consented
# (``ActivityQuerySet.client_hours``; the hours ledger groups by it).
CLIENT_HOURS = models.Q(kind__is_client_work=True, engagement__consent=True)


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActivityQuerySet:
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))

    def for_enrolment(self, enrolment) -> ActivityQuerySet:
        return self.filter(enrolment=enrolment)

    def between(self, start=None, end=None) -> ActivityQuerySet:
        """Activities dated from ``start`` up to and including ``end`` (either may be open)."""
        activities = self
        if start is not None:
            activities = activities.filter(date__gte=start)
        if end is not None:
            activities = activities.filter(date__lte=end)
        return activities

    def client_hours(self) -> ActivityQuerySet:
        """What coaching associations count: client work for a client who consented."""
        return self.filter(CLIENT_HOURS)


class LearningActivity(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("enrolment"),
    )
    kind = models.ForeignKey(
        ActivityKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.25)],
    )
    title = models.CharField(_("title"), max_length=160)
    system_level = models.CharField(
        _("system level"), max_length=12, choices=SystemLevel.choices, blank=True
    )
    role = models.CharField(
        _("role enacted"), max_length=12, choices=EnactedRole.choices, blank=True
    )
    engagement = models.ForeignKey(
        ClientEngagement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("client engagement"),
    )
    disciplines = models.ManyToManyField(
        Discipline, blank=True, related_name="+", verbose_name=_("disciplines")
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="activities", verbose_name=_("competencies")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    reflection = models.TextField(_("reflection"), blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning activity")
        verbose_name_plural = _("learning activities")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["enrolment", "-date"], name="activity_enrolment_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="activity_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"
