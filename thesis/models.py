"""Practice-based research: the thesis project, its host organisation, milestones with their
versions and decisions, the ethics review, supervision meetings and calendar feeds.

The supervisor of a project is the student's current ``cohorts.SupervisorAssignment`` (one
place decides who supervises whom); the second reader is assigned here, with history.

What happened to a milestone is kept: every version, every review, every status change and
date change is a row that the database refuses to change or delete (``thesis/immutability.py``).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coachmaster.i18n import Translated
from cohorts.models import Assignment, Enrolment, SupervisorAssignment
from competencies.models.evidence import private_storage
from curriculum.locking import version_field
from curriculum.models import CurriculumVersion


def version_upload_to(instance: MilestoneVersion, filename: str) -> str:
    # Generated names only: the uploaded name is kept in ``original_name`` for display.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    project = instance.milestone.project
    return f"thesis/{project.uuid}/{instance.milestone.kind}/{uuid.uuid4().hex}.{extension}"


class ResearchApproach(models.Model):
    """A research approach students can choose: action research, case study, … (data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")
    description = Translated("description")

    class Meta:
        verbose_name = _("research approach")
        verbose_name_plural = _("research approaches")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class HostOrganisation(models.Model):
    """An organisation where students do their research; one can host several students."""

    class Agreement(models.TextChoices):
        NONE = "none", _("No agreement yet")
        DRAFT = "draft", _("Agreement being drafted")
        SENT = "sent", _("Sent for signature")
        SIGNED = "signed", _("Signed")
        ENDED = "ended", _("Ended")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=160)
    sector = models.CharField(
        _("sector"),
        max_length=120,
        blank=True,
        help_text=_("For example healthcare or education."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    agreement = models.CharField(
        _("agreement status"), max_length=10, choices=Agreement.choices, default=Agreement.NONE
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    confidential = models.BooleanField(
        _("non-disclosure agreement"),
        default=False,
        help_text=_("The thesis is confidential: examiners and readers sign for confidentiality."),
    )
    may_be_named = models.BooleanField(
        _("may be named in the thesis"),
        default=True,
        help_text=_("Clear this when the thesis must describe the organisation anonymously."),
    )
    sponsor_name = models.CharField(_("sponsor"), max_length=150, blank=True)
    sponsor_signed_off_on = models.DateField(
        _("sponsor signed off on"),
        null=True,
        blank=True,
        help_text=_("When the sponsor in the organisation agreed to the research."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("host organisation")
        verbose_name_plural = _("host organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="host_organisation_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name, or a neutral description when the organisation may not be named."""
        if self.may_be_named:
            return self.name
        return str(_("An organisation in %(sector)s")) % {"sector": self.sector or "—"}


class MilestoneKind(models.TextChoices):
    PROPOSAL = "proposal", _("Research proposal")
    ETHICS = "ethics", _("Ethics and informed-consent review")
    AGREEMENT = "agreement", _("Host-organisation agreement")
    LITERATURE = "literature", _("Literature review")
    DATA_COLLECTION = "data_collection", _("Data collection")
    ANALYSIS = "analysis", _("Analysis")
    DRAFT = "draft", _("Draft thesis")
    FINAL = "final", _("Final thesis")
    DEFENCE = "defence", _("Defence")


class MilestoneTemplate(models.Model):
    """One milestone of a curriculum version's thesis trajectory, with its due date as a
    number of weeks after the cohort's start."""

    version = models.ForeignKey(
        CurriculumVersion,
        on_delete=models.CASCADE,
        related_name="milestone_templates",
        verbose_name=_("curriculum version"),
    )
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    offset_weeks = models.PositiveSmallIntegerField(_("weeks after the cohort starts"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")
    description = Translated("description")

    class Meta:
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="milestone_template_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def due_date(self, cohort_start: datetime.date) -> datetime.date:
        return cohort_start + datetime.timedelta(weeks=self.offset_weeks)


class ThesisProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ThesisProjectQuerySet:
        """Administrators: all. Students: their own. Supervisors: their current supervisees'.
        Second readers: the projects they read. (Ethics reviewers see reviews, not projects.)"""
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_admin or user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(enrolment__student=user)
            | models.Q(
                enrolment__in=SupervisorAssignment.objects.current()
                .filter(supervisor=user)
                .values("enrolment_id")
            )
            | models.Q(
                pk__in=SecondReaderAssignment.objects.current()
                .filter(reader=user)
                .values("project_id")
            )
        )

    def supervised_by(self, user) -> ThesisProjectQuerySet:
        return self.filter(
            enrolment__in=SupervisorAssignment.objects.current()
            .filter(supervisor=user)
            .values("enrolment_id")
        )

    def read_by(self, user) -> ThesisProjectQuerySet:
        return self.filter(
            pk__in=SecondReaderAssignment.objects.current()
            .filter(reader=user)
            .values("project_id")
        )

    def with_people(self) -> ThesisProjectQuerySet:
        """Annotates ``supervisor_id`` and ``second_reader_id`` without a query per row."""
        supervisor = SupervisorAssignment.objects.current().filter(
            enrolment=models.OuterRef("enrolment_id")
        )
        reader = SecondReaderAssignment.objects.current().filter(project=models.OuterRef("pk"))
        return self.annotate(
            supervisor_id=models.Subquery(supervisor.values("supervisor_id")[:1]),
            second_reader_id=models.Subquery(reader.values("reader_id")[:1]),
        )

    def with_overdue_counts(self, today: datetime.date | None = None) -> ThesisProjectQuerySet:
        """Annotates ``overdue_count`` (open milestones past their due date) and
        ``waiting_count`` (versions or ethics reviews waiting for a decision)."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_count=models.Count(
                "milestones",
                filter=models.Q(milestones__due_on__lt=today)
                & ~models.Q(milestones__status=Milestone.Status.APPROVED)
                & ~models.Q(milestones__status=Milestone.Status.SUBMITTED),
                distinct=True,
            ),
            waiting_count=models.Count(
                "milestones",
                filter=models.Q(milestones__status=Milestone.Status.SUBMITTED),
                distinct=True,
            ),
        )


class ThesisProject(models.Model):
    class Status(models.TextChoices):
        PROPOSAL = "proposal", _("Writing the proposal")
        RESEARCH = "research", _("Doing the research")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="thesis",
        verbose_name=_("student"),
    )
    working_title = models.CharField(_("working title"), max_length=250)
    research_question = models.TextField(_("research question"), blank=True)
    approach = models.ForeignKey(
        ResearchApproach,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("research approach"),
    )
    design = models.TextField(
        _("research design"),
        blank=True,
        help_text=_("Methods, participants and how you will collect data."),
    )
    host_organisation = models.ForeignKey(
        HostOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("host organisation"),
    )
    host_relation = models.CharField(
        _("relation to the host organisation"),
        max_length=12,
        blank=True,
        choices=[
            ("employer", _("My employer")),
            ("client", _("A coaching client")),
            ("other", _("Other")),
        ],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSAL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ThesisProjectQuerySet.as_manager()

    version = version_field()

    class Meta:
        verbose_name = _("thesis project")
        verbose_name_plural = _("thesis projects")
        ordering = ["enrolment__cohort", "enrolment__student__family_name"]

    def __str__(self) -> str:
        return self.working_title

    @property
    def student(self):
        return self.enrolment.student

    @property
    def design_fingerprint(self) -> str:
        """What an ethics approval is given for: changing any of it asks for re-approval."""
        import hashlib

        parts = [self.research_question.strip(), str(self.approach_id or ""), self.design.strip()]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class SecondReaderAssignment(Assignment):
    project = models.ForeignKey(
        ThesisProject,
        on_delete=models.CASCADE,
        related_name="reader_assignments",
        verbose_name=_("thesis project"),
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="second_reader_assignments",
        verbose_name=_("second reader"),
    )

    class Meta:
        verbose_name = _("second reader assignment")
        verbose_name_plural = _("second reader assignments")
        ordering = ["project", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(ended_at__isnull=True),
                name="second_reader_current_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reader} → {self.project}"


class EthicsReviewerAppointment(Assignment):
    """A member of staff the administrators made a programme ethics reviewer."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ethics_appointments",
        verbose_name=_("ethics reviewer"),
    )

    class Meta:
        verbose_name = _("ethics reviewer")
        verbose_name_plural = _("ethics reviewers")
        ordering = ["reviewer__family_name", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer"],
                condition=models.Q(ended_at__isnull=True),
                name="ethics_reviewer_current_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.reviewer)


class MilestoneQuerySet(models.QuerySet):
    def open(self) -> MilestoneQuerySet:
        return self.exclude(status=Milestone.Status.APPROVED)

    def overdue(self, today: datetime.date | None = None) -> MilestoneQuerySet:
        """Past the due date and not handed in or approved."""
        today = today or timezone.localdate()
        return self.filter(due_on__lt=today).exclude(
            status__in=[Milestone.Status.APPROVED, Milestone.Status.SUBMITTED]
        )


class Milestone(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REVISE = "revise", _("Revise")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        ThesisProject,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("thesis project"),
    )
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    name = Translated("name")
    description = Translated("description")

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="milestone_kind_unique"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="milestone_status_due_idx")]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_on < today and self.status not in (
            self.Status.APPROVED,
            self.Status.SUBMITTED,
        )

    @property
    def is_locked(self) -> bool:
        """Approved milestones take no new versions until a supervisor reopens them."""
        return self.status == self.Status.APPROVED

    @property
    def takes_uploads(self) -> bool:
        """The ethics review is a form, the defence an event: the rest take documents."""
        return self.kind not in (MilestoneKind.ETHICS, MilestoneKind.DEFENCE)


class MilestoneVersion(models.Model):
    """A document a student handed in for a milestone; append-only."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="versions", verbose_name=_("milestone")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(
        _("file"), upload_to=version_upload_to, storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("content hash"), max_length=64)
    comment = models.TextField(
        _("comment"),
        blank=True,
        help_text=_("What this version is, and how it answers the feedback on the last one."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["milestone", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "number"], name="milestone_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} v{self.number}"


class VersionReview(models.Model):
    """The supervisor's feedback on a version and the decision taken with it; append-only."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REVISE = "revise", _("Revise")

    version = models.ForeignKey(
        MilestoneVersion,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("version"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    feedback = models.TextField(_("feedback"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["version", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.version}: {self.decision}"


class MilestoneEvent(models.Model):
    """One thing that happened to a milestone: who, when, what and why; append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Planned")
        STARTED = "started", _("Started")
        SUBMITTED = "submitted", _("Version handed in")
        APPROVED = "approved", _("Approved")
        REVISE = "revise", _("Revision asked")
        REOPENED = "reopened", _("Reopened")
        DUE_CHANGED = "due_changed", _("Due date changed")

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="events", verbose_name=_("milestone")
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(
        _("from"), max_length=12, choices=Milestone.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=12, choices=Milestone.Status.choices, blank=True
    )
    old_due_on = models.DateField(_("old due date"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    version = models.ForeignKey(
        MilestoneVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone event")
        verbose_name_plural = _("milestone events")
        ordering = ["milestone", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.kind}"


class RiskClass(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class EthicsReviewQuerySet(models.QuerySet):
    def current(self) -> EthicsReviewQuerySet:
        return self.exclude(status=EthicsReview.Status.SUPERSEDED)

    def waiting(self) -> EthicsReviewQuerySet:
        return self.filter(status=EthicsReview.Status.SUBMITTED)

    def for_board(self) -> EthicsReviewQuerySet:
        return self.filter(route=EthicsReview.Route.ETHICS_REVIEWER)

    def waiting_for(self, user) -> EthicsReviewQuerySet:
        """Submitted reviews this person may decide (``services.may_decide_ethics``, as one
        query): low-risk reviews of their supervisees, and, when they are a programme ethics
        reviewer, higher-risk reviews of anyone but themselves and their supervisees."""
        supervised = ThesisProject.objects.supervised_by(user)
        appointed = models.Exists(
            EthicsReviewerAppointment.objects.current().filter(reviewer=user)
        )
        return (
            self.waiting()
            .alias(reviewer_appointed=appointed)
            .filter(
                models.Q(route=EthicsReview.Route.SUPERVISOR, project__in=supervised)
                | (
                    models.Q(route=EthicsReview.Route.ETHICS_REVIEWER, reviewer_appointed=True)
                    & ~models.Q(project__enrolment__student=user)
                    & ~models.Q(project__in=supervised)
                )
            )
        )


class EthicsReview(models.Model):
    """One round of the ethics and informed-consent review of a project's research design.

    The student answers the checklist (``thesis/ethics.py``), which gives a risk class and the
    route: low risk is decided by the supervisor, higher risk by a programme ethics reviewer.
    A decided round is never edited: changing the design after approval starts a new round.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        CHANGES = "changes", _("Changes asked")
        SUPERSEDED = "superseded", _("Replaced by a later round")

    class Route(models.TextChoices):
        SUPERVISOR = "supervisor", _("Thesis supervisor")
        ETHICS_REVIEWER = "ethics_reviewer", _("Programme ethics reviewer")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        ThesisProject,
        on_delete=models.CASCADE,
        related_name="ethics_reviews",
        verbose_name=_("thesis project"),
    )
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    consent_procedure = models.TextField(_("informed-consent procedure"), blank=True)
    data_management = models.TextField(_("data storage and retention"), blank=True)
    risk_class = models.CharField(
        _("risk class"), max_length=8, choices=RiskClass.choices, blank=True
    )
    route = models.CharField(_("decided by"), max_length=16, choices=Route.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    design_fingerprint = models.CharField(_("design fingerprint"), max_length=64, blank=True)
    reason_for_round = models.TextField(_("why this round"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("explanation of the decision"), blank=True)
    referral_note = models.TextField(
        _("why the supervisor referred it"),
        blank=True,
        help_text=_("A supervisor may send a low-risk review to a programme ethics reviewer."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EthicsReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("ethics review")
        verbose_name_plural = _("ethics reviews")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="ethics_review_round_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=~models.Q(status="superseded"),
                name="ethics_review_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES)


class SupervisionMeeting(models.Model):
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        ThesisProject,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("thesis project"),
    )
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown is allowed."))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    version = version_field()

    class Meta:
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.date}"


class MeetingAction(models.Model):
    """Something agreed in a meeting: who does it, by when, and whether it is done."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        SupervisionMeeting,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("meeting"),
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="thesis_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["meeting", "done", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class CalendarFeed(models.Model):
    """A person's secret calendar address; regenerating replaces the token, revoking deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
