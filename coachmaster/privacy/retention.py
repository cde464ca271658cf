"""The categories of personal data a retention rule governs: which records expire, and what
anonymising or deleting them means.

Each category works on a *scope*: for the daily job, the records whose period has run out
(``expired``); for an erasure request, one person's records (``of_person``). ``apply`` then
handles the scope in batches (one transaction each) and is idempotent: what was anonymised no
longer matches, what was deleted is gone, so a second run finds nothing.

What the database refuses is never attempted. Submitted portfolio snapshots, the assessment
record (assessments, judgements, final levels, approvals, corrections, events) and thesis
versions, reviews and milestone events are protected by row triggers
(``competencies/immutability.py``, ``thesis/immutability.py``): their rows are kept, and when
their period ends only their stored *files* are deleted. Those rows are counted as "kept".
"""

from __future__ import annotations

import abc
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coachmaster.reports.models import ReportJob
from cohorts.models import Enrolment, EnrolmentStatusChange, IntervisionSession, StudentImport
from competencies.models import (
    Assessment,
    ClientEngagement,
    Correction,
    Evidence,
    FeedbackRequest,
    FeedbackThread,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
)
from competencies.snapshots import SNAPSHOT_FILES
from competencies.uploads import private_storage
from thesis.models import (
    CalendarFeed,
    EthicsReview,
    MeetingAction,
    MilestoneKind,
    MilestoneVersion,
    SupervisionMeeting,
    ThesisProject,
)

from .models import Action, Clock, DataExport, RetentionRule

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# The legal minimum for final work and its assessment (Dutch archiving rules for exams).
ASSESSED_WORK_MINIMUM_MONTHS = 7 * 12
ANONYMOUS_TEXT = "–"
ERASED_EMAIL_DOMAIN = "erased.invalid"
FINAL_KINDS = (MilestoneKind.FINAL, MilestoneKind.DEFENCE)
ENDED = (Enrolment.Status.WITHDRAWN, Enrolment.Status.GRADUATED)


@dataclass
class Outcome:
    affected: int = 0
    kept: int = 0
    note: str = ""

    def add(self, other: Outcome) -> Outcome:
        self.affected += other.affected
        self.kept += other.kept
        return self


def cutoff_for(rule: RetentionRule, today: datetime.date) -> datetime.date:
    """Records whose clock started on or before this date have expired."""
    return today - relativedelta(years=rule.years, months=rule.months)


def until_for(rule: RetentionRule, started: datetime.date) -> datetime.date:
    return started + relativedelta(years=rule.years, months=rule.months)


# --- helpers -------------------------------------------------------------------------------


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _in_batches(queryset: models.QuerySet, work: Callable[[models.QuerySet], None]) -> int:
    """Runs ``work`` on ``queryset`` in batches of ids, one transaction each; returns the
    number of rows handed to it."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True).distinct())
    model = queryset.model
    for batch in _batches(ids):
        with transaction.atomic():
            work(model.objects.filter(pk__in=batch))
    return len(ids)


def _delete_files_after_commit(names: list[str]) -> None:
    storage = private_storage()

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("retention: could not delete stored file %s", name)

    if names:
        transaction.on_commit(delete)


def _existing_files(names: Iterable[str]) -> list[str]:
    storage = private_storage()
    return [name for name in names if name and storage.exists(name)]


def ended_on() -> Coalesce:
    """When an enrolment ended: the date of its last status, else its cohort's end."""
    return Coalesce("status_since", "cohort__end_date")


def ended_enrolments(cutoff: datetime.date) -> models.QuerySet:
    return (
        Enrolment.objects.filter(status__in=ENDED)
        .annotate(ended=ended_on())
        .filter(ended__lte=cutoff)
    )


def _not_logged_in_since(prefix: str, cutoff: datetime.date) -> models.Q:
    return models.Q(**{f"{prefix}last_login__date__lte": cutoff}) | models.Q(
        **{f"{prefix}last_login__isnull": True, f"{prefix}date_joined__date__lte": cutoff}
    )


def enrolments_for_clock(clock: str, cutoff: datetime.date) -> models.QuerySet:
    enrolments = ended_enrolments(cutoff)
    if clock == Clock.LAST_LOGIN:
        enrolments = enrolments.filter(_not_logged_in_since("student__", cutoff))
    return enrolments


def last_assessed(enrolment: Enrolment) -> datetime.date | None:
    """The latest release or correction of an assessment of this enrolment."""
    released = Assessment.objects.filter(
        portfolio__enrolment=enrolment, released_at__isnull=False
    ).aggregate(last=models.Max("released_at"))["last"]
    corrected = Correction.objects.filter(assessment__portfolio__enrolment=enrolment).aggregate(
        last=models.Max("at")
    )["last"]
    moments = [timezone.localdate(moment) for moment in (released, corrected) if moment]
    return max(moments) if moments else None


def enrolment_end(enrolment: Enrolment) -> datetime.date | None:
    if enrolment.status not in ENDED:
        return None
    return enrolment.status_since or enrolment.cohort.end_date


# --- the categories ------------------------------------------------------------------------


class Category(abc.ABC):
    code: str
    label = ""
    records = ""
    clocks: tuple[str, ...] = (Clock.ENROLMENT_ENDED, Clock.LAST_LOGIN)
    actions: tuple[str, ...] = (Action.DELETE,)
    minimum_months = 0
    # Whether the records are tied to enrolments (the scope is then an Enrolment queryset).
    per_enrolment = True

    def expired(self, rule: RetentionRule, cutoff: datetime.date) -> models.QuerySet:
        return enrolments_for_clock(rule.clock, cutoff)

    def of_person(self, user) -> models.QuerySet:
        return Enrolment.objects.filter(student=user)

    def started(self, rule: RetentionRule, user) -> datetime.date | None:
        """When this person's period started (None: not yet, e.g. still enrolled)."""
        ends = [enrolment_end(e) for e in Enrolment.objects.filter(student=user)]
        if not ends or None in ends:
            return None
        return max(ends)

    @abc.abstractmethod
    def count(self, scope: models.QuerySet) -> int:
        """How many records of this category ``scope`` holds."""

    @abc.abstractmethod
    def apply(self, scope: models.QuerySet, action: str, *, dry_run: bool, today=None) -> Outcome:
        """Anonymise or delete what ``scope`` holds (or, in a dry run, count it)."""


class AssessedWork(Category):
    code = "assessed_work"
    label = _("Assessed work and its assessment")
    records = _(
        "Submitted portfolios (the frozen submissions and their files), the final thesis "
        "and defence versions, and the assessment record: judgements, results, corrections."
    )
    clocks = (Clock.ASSESSMENT_RELEASED,)
    actions = (Action.DELETE,)
    minimum_months = ASSESSED_WORK_MINIMUM_MONTHS

    def expired(self, rule, cutoff):
        later = Assessment.objects.filter(
            portfolio__enrolment=models.OuterRef("pk"), released_at__date__gt=cutoff
        )
        corrected = Correction.objects.filter(
            assessment__portfolio__enrolment=models.OuterRef("pk"), at__date__gt=cutoff
        )
        return ended_enrolments(cutoff).filter(~models.Exists(later), ~models.Exists(corrected))

    def started(self, rule, user):
        dates = []
        for enrolment in Enrolment.objects.filter(student=user).select_related("cohort"):
            end = enrolment_end(enrolment)
            if end is None:
                return None
            dates += [end, last_assessed(enrolment) or end]
        return max(dates) if dates else None

    def _versions(self, scope):
        return MilestoneVersion.objects.filter(
            milestone__project__enrolment__in=scope, milestone__kind__in=FINAL_KINDS
        )

    def _files(self, scope) -> list[str]:
        storage = private_storage()
        names = []
        for enrolment_uuid in scope.values_list("uuid", flat=True):
            folder = f"{SNAPSHOT_FILES}/{enrolment_uuid}"
            try:
                _folders, files = storage.listdir(folder)
            except (FileNotFoundError, NotADirectoryError):
                files = []
            names += [f"{folder}/{name}" for name in files]
        names += _existing_files(self._versions(scope).values_list("file", flat=True))
        return names

    def count(self, scope):
        return (
            PortfolioSnapshot.objects.filter(portfolio__enrolment__in=scope).count()
            + Assessment.objects.filter(portfolio__enrolment__in=scope).count()
            + self._versions(scope).count()
        )

    def apply(self, scope, action, *, dry_run, today=None):
        names = self._files(scope)
        # Rows are counted as kept only where there was something left to delete, so the
        # count stays meaningful from day to day.
        touched = Enrolment.objects.filter(
            pk__in=[e.pk for e in scope if any(str(e.uuid) in n for n in names)]
        )
        kept = self.count(touched) if names else 0
        if not dry_run:
            for batch in _batches(list(range(len(names)))):
                with transaction.atomic():
                    _delete_files_after_commit([names[i] for i in batch])
        return Outcome(
            affected=len(names),
            kept=kept,
            note=str(
                _(
                    "Stored files deleted. The rows of submissions, assessments and thesis "
                    "versions are kept: the database refuses to change or delete them."
                )
            )
            if names
            else "",
        )


class ThesisVersions(Category):
    code = "thesis_versions"
    label = _("Thesis drafts")
    records = _(
        "Files handed in for thesis milestones before the final thesis: proposal, "
        "literature review, data collection, analysis, draft."
    )

    def _versions(self, scope):
        return MilestoneVersion.objects.filter(milestone__project__enrolment__in=scope).exclude(
            milestone__kind__in=FINAL_KINDS
        )

    def count(self, scope):
        return self._versions(scope).count()

    def apply(self, scope, action, *, dry_run, today=None):
        versions = list(self._versions(scope).values_list("file", flat=True))
        names = _existing_files(versions)
        if not dry_run:
            for batch in _batches(list(range(len(names)))):
                with transaction.atomic():
                    _delete_files_after_commit([names[i] for i in batch])
        note = (
            _("Files deleted; the version rows (name, date, hash) are kept by the database.")
            if names
            else ""
        )
        return Outcome(affected=len(names), kept=len(names), note=str(note))


class LearningLog(Category):
    code = "learning_log"
    label = _("Learning log")
    records = _(
        "Learning activities, client engagements and intervision case questions: "
        "descriptions, reflections and contract texts."
    )
    actions = (Action.ANONYMISE, Action.DELETE)

    def _activities(self, scope, action):
        activities = LearningActivity.objects.filter(enrolment__in=scope)
        if action == Action.ANONYMISE:
            activities = activities.exclude(title=ANONYMOUS_TEXT, description="", reflection="")
        return activities

    ENGAGEMENT_TEXTS = (
        "sponsor",
        "goals",
        "contract_goals",
        "contract_confidentiality",
        "contract_reporting",
        "contract_evaluation",
    )

    def _engagements(self, scope, action):
        engagements = ClientEngagement.objects.filter(enrolment__in=scope)
        if action == Action.ANONYMISE:
            engagements = engagements.exclude(**dict.fromkeys(self.ENGAGEMENT_TEXTS, ""))
        return engagements

    def _cases(self, scope):
        return IntervisionSession.objects.filter(case_bringer__in=scope).exclude(case_question="")

    def count(self, scope):
        return (
            LearningActivity.objects.filter(enrolment__in=scope).count()
            + ClientEngagement.objects.filter(enrolment__in=scope).count()
        )

    def apply(self, scope, action, *, dry_run, today=None):
        activities = self._activities(scope, action)
        engagements = self._engagements(scope, action)
        cases = self._cases(scope)
        if dry_run:
            return Outcome(affected=activities.count() + engagements.count() + cases.count())
        affected = _in_batches(cases, lambda rows: rows.update(case_question=""))
        if action == Action.ANONYMISE:
            # Dates, hours, kinds, levels and competencies stay: the hours ledger and the
            # programme's statistics keep their meaning without the stories.
            affected += _in_batches(
                activities,
                lambda rows: rows.update(title=ANONYMOUS_TEXT, description="", reflection=""),
            )
            affected += _in_batches(
                engagements,
                lambda rows: rows.update(**dict.fromkeys(self.ENGAGEMENT_TEXTS, "")),
            )
        else:
            affected += _in_batches(activities, lambda rows: rows.delete())
            affected += _in_batches(engagements, lambda rows: rows.delete())
        return Outcome(affected=affected)


class EvidenceCategory(Category):
    code = "evidence"
    label = _("Evidence and portfolio drafts")
    records = _(
        "Evidence (texts, links, files), feedback requests to clients and colleagues, and "
        "the working copy of portfolios (what was submitted is kept as assessed work)."
    )

    def _portfolios(self, scope):
        return Portfolio.objects.filter(enrolment__in=scope).exclude(
            overall_reflection="", development_plan=""
        )

    def _entries(self, scope):
        return PortfolioEntry.objects.filter(portfolio__enrolment__in=scope).exclude(
            argument="", self_level__isnull=True
        )

    def count(self, scope):
        return (
            Evidence.objects.filter(enrolment__in=scope).count()
            + FeedbackRequest.objects.filter(enrolment__in=scope).count()
            + Portfolio.objects.filter(enrolment__in=scope).count()
        )

    def apply(self, scope, action, *, dry_run, today=None):
        evidence = Evidence.objects.filter(enrolment__in=scope)
        requests = FeedbackRequest.objects.filter(enrolment__in=scope)
        portfolios, entries = self._portfolios(scope), self._entries(scope)
        if dry_run:
            return Outcome(
                affected=evidence.count() + requests.count() + portfolios.count() + entries.count()
            )

        def delete_evidence(rows):
            names = [name for name in rows.values_list("file", flat=True) if name]
            _delete_files_after_commit(names)
            rows.delete()

        affected = _in_batches(evidence, delete_evidence)
        # Answered requests are referenced by their evidence, deleted just before.
        affected += _in_batches(requests, lambda rows: rows.delete())
        affected += _in_batches(
            portfolios, lambda rows: rows.update(overall_reflection="", development_plan="")
        )
        affected += _in_batches(entries, lambda rows: rows.update(argument="", self_level=None))
        return Outcome(affected=affected)


class FeedbackThreads(Category):
    code = "feedback_threads"
    label = _("Formative feedback")
    records = _("Questions to lecturers about evidence or a draft portfolio, and the answers.")

    def count(self, scope):
        return FeedbackThread.objects.filter(enrolment__in=scope).count()

    def apply(self, scope, action, *, dry_run, today=None):
        threads = FeedbackThread.objects.filter(enrolment__in=scope)
        if dry_run:
            return Outcome(affected=threads.count())
        return Outcome(affected=_in_batches(threads, lambda rows: rows.delete()))


class Supervision(Category):
    code = "supervision"
    label = _("Supervision meetings")
    records = _("Notes of thesis supervision meetings and the actions agreed in them.")
    actions = (Action.DELETE, Action.ANONYMISE)

    def count(self, scope):
        return SupervisionMeeting.objects.filter(project__enrolment__in=scope).count()

    def apply(self, scope, action, *, dry_run, today=None):
        meetings = SupervisionMeeting.objects.filter(project__enrolment__in=scope)
        actions = MeetingAction.objects.filter(meeting__in=meetings)
        if action == Action.ANONYMISE:
            meetings = meetings.exclude(notes="")
            actions = actions.exclude(description=ANONYMOUS_TEXT)
        if dry_run:
            return Outcome(affected=meetings.count() + actions.count())
        if action == Action.ANONYMISE:
            affected = _in_batches(actions, lambda rows: rows.update(description=ANONYMOUS_TEXT))
            affected += _in_batches(meetings, lambda rows: rows.update(notes=""))
        else:
            affected = _in_batches(meetings, lambda rows: rows.delete())
        return Outcome(affected=affected)


class ThesisRecords(Category):
    code = "thesis_records"
    label = _("Thesis project and ethics review")
    records = _(
        "The research question and design of the thesis project, and the answers, consent "
        "procedure and data management plan of the ethics review."
    )
    actions = (Action.ANONYMISE,)
    ETHICS_TEXTS = (
        "consent_procedure",
        "data_management",
        "decision_note",
        "referral_note",
        "reason_for_round",
    )

    def count(self, scope):
        return (
            ThesisProject.objects.filter(enrolment__in=scope).count()
            + EthicsReview.objects.filter(project__enrolment__in=scope).count()
        )

    def apply(self, scope, action, *, dry_run, today=None):
        projects = ThesisProject.objects.filter(enrolment__in=scope).exclude(
            research_question="", design=""
        )
        reviews = EthicsReview.objects.filter(project__enrolment__in=scope).exclude(
            models.Q(answers={}) & models.Q(**dict.fromkeys(self.ETHICS_TEXTS, ""))
        )
        if dry_run:
            return Outcome(affected=projects.count() + reviews.count())
        # Title, approach, host organisation, risk class and decisions stay: they describe
        # the kept final thesis without the participants' details.
        affected = _in_batches(projects, lambda rows: rows.update(research_question="", design=""))
        affected += _in_batches(
            reviews,
            lambda rows: rows.update(answers={}, **dict.fromkeys(self.ETHICS_TEXTS, "")),
        )
        return Outcome(affected=affected)


class ReportFiles(Category):
    code = "report_files"
    label = _("Generated reports")
    records = _("PDF reports (portfolio, progress) made on request; they can be made again.")
    clocks = (Clock.CREATED,)
    per_enrolment = False

    def expired(self, rule, cutoff):
        return ReportJob.objects.filter(
            status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED],
            created_at__date__lte=cutoff,
        )

    def of_person(self, user):
        return ReportJob.objects.filter(
            models.Q(enrolment__student=user)
            | models.Q(snapshot__portfolio__enrolment__student=user)
        )

    def started(self, rule, user):
        return None

    def count(self, scope):
        return scope.count()

    def apply(self, scope, action, *, dry_run, today=None):
        if dry_run:
            return Outcome(affected=scope.count())

        def delete(rows):
            _delete_files_after_commit([n for n in rows.values_list("file", flat=True) if n])
            rows.delete()

        return Outcome(affected=_in_batches(scope, delete))


class DataExports(Category):
    code = "data_exports"
    label = _("Personal data exports")
    records = _(
        "ZIP files of a person's data made on request. The record of who asked for an "
        "export and when is kept."
    )
    clocks = (Clock.CREATED,)
    per_enrolment = False

    def expired(self, rule, cutoff):
        return DataExport.objects.filter(
            status__in=[DataExport.Status.DONE, DataExport.Status.FAILED],
            created_at__date__lte=cutoff,
        )

    def of_person(self, user):
        return DataExport.objects.filter(
            subject=user, status__in=[DataExport.Status.DONE, DataExport.Status.FAILED]
        )

    def started(self, rule, user):
        return None

    def count(self, scope):
        return scope.count()

    def apply(self, scope, action, *, dry_run, today=None):
        if dry_run:
            return Outcome(affected=scope.count())

        def expire(rows):
            _delete_files_after_commit([n for n in rows.values_list("file", flat=True) if n])
            rows.update(file="", size=None, status=DataExport.Status.EXPIRED)

        return Outcome(affected=_in_batches(scope, expire))


class StudentImports(Category):
    code = "student_imports"
    label = _("Student import files")
    records = _("Rows of student files uploaded from the student information system.")
    clocks = (Clock.CREATED,)
    per_enrolment = False

    def expired(self, rule, cutoff):
        return StudentImport.objects.filter(created_at__date__lte=cutoff)

    def of_person(self, user):
        return StudentImport.objects.annotate(text=Cast("rows", models.TextField())).filter(
            text__icontains=user.email
        )

    def started(self, rule, user):
        return None

    def count(self, scope):
        return scope.count()

    def apply(self, scope, action, *, dry_run, today=None):
        if dry_run:
            return Outcome(affected=scope.count())
        return Outcome(affected=_in_batches(scope, lambda rows: rows.delete()))


class Accounts(Category):
    code = "accounts"
    label = _("Student accounts")
    records = _(
        "Name, e-mail address, student number, preferences, sessions and sign-in methods of "
        "students whose enrolments have all ended."
    )
    clocks = (Clock.LAST_LOGIN,)
    actions = (Action.ANONYMISE,)
    per_enrolment = False

    def _candidates(self):
        staff = (
            models.Q(is_lecturer=True)
            | models.Q(is_supervisor=True)
            | models.Q(is_programme_admin=True)
            | models.Q(is_superuser=True)
        )
        running = Enrolment.objects.filter(student=models.OuterRef("pk")).exclude(status__in=ENDED)
        return (
            get_user_model()
            .objects.filter(is_student=True)
            .exclude(staff)
            .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
            .filter(~models.Exists(running))
        )

    def expired(self, rule, cutoff):
        users = self._candidates().filter(_not_logged_in_since("", cutoff))
        ended_later = (
            Enrolment.objects.filter(student=models.OuterRef("pk"))
            .annotate(ended=ended_on())
            .filter(ended__gt=cutoff)
        )
        return users.filter(~models.Exists(ended_later))

    def of_person(self, user):
        return get_user_model().objects.filter(pk=user.pk)

    def started(self, rule, user):
        return None

    def count(self, scope):
        return scope.count()

    def under_legal_hold(self, users: models.QuerySet, today: datetime.date) -> models.QuerySet:
        """Those whose assessed work is still kept: their name and student number stay with it."""
        rule = RetentionRule.objects.filter(category=AssessedWork.code).first()
        if rule is None:
            return users.none()
        expired = AssessedWork().expired(rule, cutoff_for(rule, today))
        held = Enrolment.objects.filter(
            student=models.OuterRef("pk"), portfolios__snapshots__isnull=False
        ).exclude(pk__in=expired.values("pk"))
        return users.filter(models.Exists(held))

    def apply(self, scope, action, *, dry_run, today: datetime.date | None = None):
        today = today or timezone.localdate()
        held = self.under_legal_hold(scope, today)
        free = scope.exclude(pk__in=held.values("pk"))
        kept = held.count()
        if dry_run:
            return Outcome(affected=free.count(), kept=kept)

        def anonymise(rows):
            for user in rows:
                anonymise_account(user, keep_identity=False)

        affected = _in_batches(free, anonymise)
        note = _("Kept: their assessed work is still within its legal period.") if kept else ""
        return Outcome(affected=affected, kept=kept, note=str(note))


def end_sessions(user) -> None:
    """Ends every session of ``user``: the accounts app's service when it has one, else
    allauth's list of sessions and any other database session that belongs to them."""
    from coachmaster.accounts import services as account_services

    end_all = getattr(account_services, "end_all_sessions", None)
    if end_all is not None:
        end_all(user=user)
        return
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def anonymise_account(user, *, keep_identity: bool) -> None:
    """Removes what identifies or reaches ``user``. With ``keep_identity`` the name and student
    numbers stay (they label assessed work still under legal retention); the e-mail address,
    preferences, sign-in methods, sessions and calendar feed always go."""
    User = get_user_model()
    user.email = f"erased-{user.uuid}@{ERASED_EMAIL_DOMAIN}"
    if not keep_identity:
        user.given_name, user.name_prefix = str(_("Former student")), ""
        user.family_name = str(user.uuid)[:8]
        for enrolment in Enrolment.objects.filter(student=user):
            Enrolment.objects.filter(pk=enrolment.pk).update(
                student_number=f"X{enrolment.pk}"[:20]
            )
    user.weekly_digest = False
    user.is_active = False
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        email=user.email,
        given_name=user.given_name,
        name_prefix=user.name_prefix,
        family_name=user.family_name,
        weekly_digest=False,
        is_active=False,
        password=user.password,
    )
    EnrolmentStatusChange.objects.filter(enrolment__student=user).exclude(reason="").update(
        reason=""
    )
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    end_sessions(user)


CATEGORY_LIST: list[Category] = [
    AssessedWork(),
    ThesisRecords(),
    ThesisVersions(),
    LearningLog(),
    EvidenceCategory(),
    FeedbackThreads(),
    Supervision(),
    ReportFiles(),
    DataExports(),
    StudentImports(),
    # Last: an account is anonymised only after the records that name it were handled.
    Accounts(),
]
CATEGORIES: dict[str, Category] = {category.code: category for category in CATEGORY_LIST}
ORDER = {category.code: index for index, category in enumerate(CATEGORY_LIST)}
