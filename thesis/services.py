"""Everything that changes a thesis project: plain functions, keyword-only, one acting user.

Milestone statuses move only along ``TRANSITIONS``; every move writes a ``MilestoneEvent``.
Rules enforced here (the views only glue): only the student hands in versions, only the
supervisor decides on them, approved milestones are locked until a supervisor reopens them
with a reason, data collection waits for an approved ethics review, and a change of research
design after ethics approval starts a new review round.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Enrolment
from competencies.uploads import CheckedFile
from curriculum.locking import save_edit, save_if_unchanged

from . import ethics, tasks
from .access import ADMIN, STUDENT, SUPERVISOR, capacities, is_admin, is_ethics_reviewer
from .defaults import MILESTONES, load_approaches
from .models import (
    CalendarFeed,
    EthicsReview,
    EthicsReviewerAppointment,
    HostOrganisation,
    MeetingAction,
    Milestone,
    MilestoneEvent,
    MilestoneKind,
    MilestoneTemplate,
    MilestoneVersion,
    ResearchApproach,
    SecondReaderAssignment,
    SupervisionMeeting,
    ThesisProject,
    VersionReview,
)

S = Milestone.Status
E = MilestoneEvent.Kind

# (from, to) → the event it writes. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.NOT_STARTED, S.IN_PROGRESS): E.STARTED,
    (S.REVISE, S.IN_PROGRESS): E.STARTED,
    (S.NOT_STARTED, S.SUBMITTED): E.SUBMITTED,
    (S.IN_PROGRESS, S.SUBMITTED): E.SUBMITTED,
    (S.REVISE, S.SUBMITTED): E.SUBMITTED,
    (S.SUBMITTED, S.SUBMITTED): E.SUBMITTED,  # a newer version replaces the waiting one
    (S.SUBMITTED, S.APPROVED): E.APPROVED,
    (S.SUBMITTED, S.REVISE): E.REVISE,
    (S.APPROVED, S.REVISE): E.REOPENED,
    (S.APPROVED, S.IN_PROGRESS): E.REOPENED,  # the ethics review after a design change
}


def allowed(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in TRANSITIONS


# --- set-up ------------------------------------------------------------------------------------


def ensure_approaches() -> None:
    """The default research approaches (a migration loads them; a flushed database, such as
    the browser tests', gets them back here)."""
    load_approaches(ResearchApproach)


def ensure_templates(version, kinds: Iterable[str] | None = None) -> list[MilestoneTemplate]:
    """The curriculum version's milestone template, created from the defaults if it has none
    (only the milestones of ``kinds``, when given)."""
    templates = list(version.milestone_templates.all())
    if templates:
        return templates
    MilestoneTemplate.objects.bulk_create(
        [
            MilestoneTemplate(
                version=version,
                kind=kind,
                name_nl=name_nl,
                name_en=name_en,
                description_nl=hint_nl,
                description_en=hint_en,
                offset_weeks=weeks,
                position=position,
            )
            for position, (kind, name_nl, name_en, weeks, hint_nl, hint_en) in enumerate(
                (item for item in MILESTONES if kinds is None or item[0] in kinds), start=1
            )
        ],
        ignore_conflicts=True,
    )
    return list(version.milestone_templates.all())


def _require_admin(by) -> None:
    if not is_admin(by):
        raise PermissionDenied


@transaction.atomic
def start_project(
    *,
    enrolment: Enrolment,
    working_title: str,
    research_question: str = "",
    approach=None,
    by,
) -> ThesisProject:
    """Creates the project with its milestones (due dates from the template's offsets) and an
    empty first round of the ethics review. The student or an administrator starts it."""
    if not (enrolment.student_id == by.pk or is_admin(by)):
        raise PermissionDenied
    if ThesisProject.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("This student already has a thesis project."))
    version = enrolment.cohort.curriculum_version
    if version is None:
        raise ValidationError(_("This cohort has no curriculum version, so no thesis milestones."))
    if not working_title.strip():
        raise ValidationError(_("Give your thesis a working title."))
    project = ThesisProject.objects.create(
        enrolment=enrolment,
        working_title=working_title.strip(),
        research_question=research_question.strip(),
        approach=approach,
    )
    start = enrolment.cohort.start_date
    now = timezone.now()
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(
                project=project,
                kind=template.kind,
                name_nl=template.name_nl,
                name_en=template.name_en,
                description_nl=template.description_nl,
                description_en=template.description_en,
                position=template.position,
                due_on=template.due_date(start),
                changed_at=now,
            )
            for template in ensure_templates(version)
        ]
    )
    MilestoneEvent.objects.bulk_create(
        [
            MilestoneEvent(
                milestone=milestone,
                kind=E.CREATED,
                to_status=S.NOT_STARTED,
                new_due_on=milestone.due_on,
                by=by,
                at=now,
            )
            for milestone in milestones
        ]
    )
    EthicsReview.objects.create(project=project, number=1)
    return project


DESIGN_FIELDS = ("research_question", "approach", "design")
PROJECT_FIELDS = ("working_title", *DESIGN_FIELDS, "host_organisation", "host_relation")


@transaction.atomic
def update_project(
    *, project: ThesisProject, by, version: int | None = None, **values
) -> ThesisProject:
    """Saves the project's description. Changing the research design (question, approach or
    design) after the ethics review was approved starts a new review round. ``version``: the
    edit version the form was opened with; when someone else saved the project since,
    ``EditConflict`` is raised and nothing is written."""
    held = capacities(by, project)
    if not held & {STUDENT, SUPERVISOR, ADMIN}:
        raise PermissionDenied
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    locked = ThesisProject.objects.select_for_update().get(pk=project.pk)
    if "working_title" in values and not str(values["working_title"]).strip():
        raise ValidationError(_("Give your thesis a working title."))
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    save_edit(locked, version=version)
    approved = locked.ethics_reviews.filter(status=EthicsReview.Status.APPROVED).first()
    if approved and approved.design_fingerprint != locked.design_fingerprint:
        _new_ethics_round(
            review=approved,
            reason=_("The research design changed after the ethics review was approved."),
            by=by,
        )
    for name in (*values, "version"):
        setattr(project, name, getattr(locked, name))
    return locked


def _set_project_status(project: ThesisProject) -> None:
    """The project's status follows its milestones."""
    statuses = dict(project.milestones.values_list("kind", "status"))
    if project.status == ThesisProject.Status.STOPPED:
        return
    if statuses.get(MilestoneKind.DEFENCE) == S.APPROVED:
        status = ThesisProject.Status.COMPLETED
    elif statuses.get(MilestoneKind.PROPOSAL) == S.APPROVED:
        status = ThesisProject.Status.RESEARCH
    else:
        status = ThesisProject.Status.PROPOSAL
    if status != project.status:
        ThesisProject.objects.filter(pk=project.pk).update(status=status)
        project.status = status


# --- milestones --------------------------------------------------------------------------------


def _lock(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)


def _move(
    milestone: Milestone, to_status: str, *, by, reason: str = "", version=None
) -> MilestoneEvent:
    """Moves a locked milestone along an allowed transition and records it."""
    from_status = milestone.status
    if not allowed(from_status, to_status):
        raise ValidationError(
            _("A milestone that is “%(from)s” can't become “%(to)s”.")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    now = timezone.now()
    milestone.status, milestone.changed_at = to_status, now
    if to_status == S.APPROVED:
        milestone.approved_at, milestone.approved_by = now, by
    elif from_status == S.APPROVED:
        milestone.approved_at, milestone.approved_by = None, None
    milestone.save(update_fields=["status", "changed_at", "approved_at", "approved_by"])
    event = MilestoneEvent.objects.create(
        milestone=milestone,
        kind=TRANSITIONS[(from_status, to_status)],
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        version=version,
        by=by,
        at=now,
    )
    _set_project_status(milestone.project)
    return event


def ethics_approved(project: ThesisProject) -> bool:
    return project.ethics_reviews.filter(status=EthicsReview.Status.APPROVED).exists()


def _guard_data_collection(milestone: Milestone) -> None:
    if milestone.kind == MilestoneKind.DATA_COLLECTION and not ethics_approved(milestone.project):
        raise ValidationError(
            _("Data collection can only start once the ethics review has been approved.")
        )


def _require(held: frozenset[str], *wanted: str) -> None:
    if not held & set(wanted):
        raise PermissionDenied


@transaction.atomic
def start_milestone(*, milestone: Milestone, by) -> Milestone:
    """The student marks a milestone as started (after a revision too)."""
    _require(capacities(by, milestone.project), STUDENT)
    locked = _lock(milestone)
    _guard_data_collection(locked)
    if locked.kind == MilestoneKind.ETHICS:
        raise ValidationError(_("The ethics review moves on when you submit the checklist."))
    _move(locked, S.IN_PROGRESS, by=by)
    milestone.status = locked.status
    return locked


@transaction.atomic
def upload_version(
    *, milestone: Milestone, checked_file: CheckedFile, comment: str = "", by
) -> MilestoneVersion:
    """The student hands in a new version; the milestone waits for the supervisor."""
    _require(capacities(by, milestone.project), STUDENT)
    locked = _lock(milestone)
    if not locked.takes_uploads:
        raise ValidationError(_("This milestone doesn't take documents."))
    if locked.is_locked:
        raise ValidationError(
            _("This milestone is approved: ask your supervisor to reopen it for a new version.")
        )
    _guard_data_collection(locked)
    number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = MilestoneVersion(
        milestone=locked,
        number=number,
        original_name=checked_file.name,
        content_type=checked_file.content_type,
        size=checked_file.size,
        sha256=checked_file.sha256,
        comment=comment.strip(),
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    version.file.save(checked_file.name, checked_file.file, save=False)
    version.save()
    _move(locked, S.SUBMITTED, by=by, version=version)
    transaction.on_commit(lambda: tasks.mail_version_handed_in.delay(version.pk))
    milestone.status = locked.status
    return version


@transaction.atomic
def review_version(
    *, version: MilestoneVersion, decision: str, feedback: str, by
) -> VersionReview:
    """The supervisor's feedback on the latest version, approving it or asking for revision."""
    milestone = version.milestone
    _require(capacities(by, milestone.project), SUPERVISOR)
    locked = _lock(milestone)
    if locked.status != S.SUBMITTED:
        raise ValidationError(_("This milestone has no version waiting for your review."))
    latest = locked.versions.order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        raise ValidationError(_("A newer version has been handed in: review that one."))
    if decision not in VersionReview.Decision.values:
        raise ValidationError(_("Choose whether to approve or to ask for a revision."))
    if not feedback.strip():
        raise ValidationError(_("Write your feedback on this version."))
    if decision == VersionReview.Decision.APPROVED and locked.kind == MilestoneKind.DEFENCE:
        raise ValidationError(_("The defence is signed off, not reviewed as a document."))
    review = VersionReview.objects.create(
        version=version, decision=decision, feedback=feedback.strip(), by=by, at=timezone.now()
    )
    _move(
        locked,
        S.APPROVED if decision == VersionReview.Decision.APPROVED else S.REVISE,
        by=by,
        version=version,
    )
    transaction.on_commit(lambda: tasks.mail_version_reviewed.delay(review.pk))
    milestone.status = locked.status
    if locked.kind == MilestoneKind.FINAL and locked.status == S.APPROVED:
        # The approved thesis becomes evidence for the student's thesis-defence portfolio.
        from .final import add_thesis_as_evidence

        add_thesis_as_evidence(project=locked.project, by=by)
    return review


@transaction.atomic
def reopen_milestone(*, milestone: Milestone, reason: str, by) -> Milestone:
    """The supervisor (or an administrator) reopens an approved milestone, with a reason."""
    _require(capacities(by, milestone.project), SUPERVISOR, ADMIN)
    if not reason.strip():
        raise ValidationError(_("Say why the milestone is reopened."))
    locked = _lock(milestone)
    transaction.on_commit(lambda: tasks.mail_milestone_reopened.delay(locked.pk))
    if locked.kind == MilestoneKind.ETHICS:
        review = locked.project.ethics_reviews.current().first()
        if review and review.status == EthicsReview.Status.APPROVED:
            _new_ethics_round(review=review, reason=reason.strip(), by=by)
            locked.refresh_from_db()
            milestone.status = locked.status
            return locked
    if locked.status != S.APPROVED:
        raise ValidationError(_("Only an approved milestone can be reopened."))
    _move(locked, S.REVISE, by=by, reason=reason.strip())
    milestone.status = locked.status
    return locked


@transaction.atomic
def sign_off_defence(*, milestone: Milestone, note: str = "", by) -> Milestone:
    """The supervisor signs the defence off once the final thesis is approved and the
    examiners have released their assessment of the thesis."""
    _require(capacities(by, milestone.project), SUPERVISOR, ADMIN)
    locked = _lock(milestone)
    if locked.kind != MilestoneKind.DEFENCE:
        raise ValidationError(_("Only the defence is signed off this way."))
    final = locked.project.milestones.get(kind=MilestoneKind.FINAL)
    if final.status != S.APPROVED:
        raise ValidationError(_("The final thesis must be approved before the defence."))
    if final_assessment_result(locked.project) is None:
        raise ValidationError(
            _("The examiners haven't released their assessment of the thesis yet.")
        )
    if locked.status in (S.NOT_STARTED, S.IN_PROGRESS, S.REVISE):
        _move(locked, S.SUBMITTED, by=by, reason=note.strip())
    _move(locked, S.APPROVED, by=by, reason=note.strip())
    milestone.status = locked.status
    return locked


@transaction.atomic
def change_due_date(*, milestone: Milestone, due_on: datetime.date, reason: str, by) -> Milestone:
    """A supervisor or administrator moves a due date for this student, with a reason."""
    _require(capacities(by, milestone.project), SUPERVISOR, ADMIN)
    if not reason.strip():
        raise ValidationError(_("Say why the due date changes."))
    locked = _lock(milestone)
    if locked.due_on == due_on:
        raise ValidationError(_("That is already the due date."))
    old = locked.due_on
    locked.due_on = due_on
    locked.save(update_fields=["due_on"])
    MilestoneEvent.objects.create(
        milestone=locked,
        kind=E.DUE_CHANGED,
        from_status=locked.status,
        to_status=locked.status,
        old_due_on=old,
        new_due_on=due_on,
        reason=reason.strip(),
        by=by,
        at=timezone.now(),
    )
    milestone.due_on = due_on
    return locked


# --- the final assessment (the thesis-defence review moment's portfolio assessment) -----------

THESIS_REVIEW_MOMENT = "thesis-defence"


@dataclass(frozen=True)
class FinalResult:
    verdict: str
    grade: object
    assessment_uuid: object


def final_assessment(project: ThesisProject):
    """The latest assessment of the student's thesis-defence portfolio, or None."""
    from competencies.models import Assessment

    return (
        Assessment.objects.filter(
            portfolio__enrolment_id=project.enrolment_id,
            portfolio__review_moment__code=THESIS_REVIEW_MOMENT,
        )
        .exclude(status=Assessment.Status.WITHDRAWN)
        .with_effective_result()
        .order_by("-created_at")
        .first()
    )


def final_assessment_result(project: ThesisProject) -> FinalResult | None:
    """The released result of the final assessment, or None while there is none."""
    assessment = final_assessment(project)
    if assessment is None or assessment.status != assessment.Status.RELEASED:
        return None
    return FinalResult(assessment.effective_verdict, assessment.effective_grade, assessment.uuid)


# --- the ethics review -------------------------------------------------------------------------


def _ethics_milestone(project: ThesisProject) -> Milestone | None:
    return (
        Milestone.objects.select_for_update()
        .select_related("project")
        .filter(project=project, kind=MilestoneKind.ETHICS)
        .first()
    )


def _lock_review(review: EthicsReview) -> EthicsReview:
    return EthicsReview.objects.select_for_update().select_related("project").get(pk=review.pk)


@transaction.atomic
def save_ethics_answers(
    *,
    review: EthicsReview,
    answers: dict,
    consent_procedure: str = "",
    data_management: str = "",
    by,
) -> EthicsReview:
    """The student saves (part of) the checklist; only while it is being filled in."""
    _require(capacities(by, review.project), STUDENT)
    locked = _lock_review(review)
    if not locked.is_editable:
        raise ValidationError(_("This round of the ethics review can no longer be changed."))
    locked.answers = {k: v for k, v in answers.items() if k in ethics.QUESTION_KEYS and v}
    locked.consent_procedure = consent_procedure.strip()
    locked.data_management = data_management.strip()
    locked.save(update_fields=["answers", "consent_procedure", "data_management", "updated_at"])
    review.answers, review.consent_procedure = locked.answers, locked.consent_procedure
    review.data_management = locked.data_management
    return locked


@transaction.atomic
def submit_ethics(*, review: EthicsReview, by) -> EthicsReview:
    """Sends a complete checklist to whoever decides on its risk class."""
    _require(capacities(by, review.project), STUDENT)
    locked = _lock_review(review)
    if not locked.is_editable:
        raise ValidationError(_("This round of the ethics review has already been submitted."))
    missing = ethics.unanswered(locked.answers)
    if missing:
        raise ValidationError(
            _("Answer every question of the checklist (%(count)s open).") % {"count": len(missing)}
        )
    if not locked.consent_procedure or not locked.data_management:
        raise ValidationError(
            _("Describe your informed-consent procedure and how you store and delete data.")
        )
    risk = ethics.risk_class(locked.answers)
    locked.risk_class, locked.route = risk, ethics.route_for(risk)
    locked.status, locked.submitted_at = EthicsReview.Status.SUBMITTED, timezone.now()
    locked.save()
    milestone = _ethics_milestone(locked.project)
    if milestone and milestone.status != S.SUBMITTED:
        _move(milestone, S.SUBMITTED, by=by)
    transaction.on_commit(lambda: tasks.mail_ethics_submitted.delay(locked.pk))
    _copy(locked, review)
    return locked


def may_decide_ethics(user, review: EthicsReview) -> bool:
    if review.status != EthicsReview.Status.SUBMITTED:
        return False
    if review.route == EthicsReview.Route.SUPERVISOR:
        return SUPERVISOR in capacities(user, review.project)
    # Nobody decides on their own research or on a supervisee's: that is the point of routing.
    return is_ethics_reviewer(user) and not capacities(user, review.project) & {
        STUDENT,
        SUPERVISOR,
    }


@transaction.atomic
def decide_ethics(*, review: EthicsReview, approve: bool, note: str, by) -> EthicsReview:
    """Low risk: the supervisor decides. Higher risk: a programme ethics reviewer."""
    locked = _lock_review(review)
    if not may_decide_ethics(by, locked):
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError(_("Explain what has to change."))
    now = timezone.now()
    locked.status = EthicsReview.Status.APPROVED if approve else EthicsReview.Status.CHANGES
    locked.decided_at, locked.decided_by, locked.decision_note = now, by, note.strip()
    if approve:
        locked.design_fingerprint = locked.project.design_fingerprint
    locked.save()
    milestone = _ethics_milestone(locked.project)
    if milestone:
        _move(milestone, S.APPROVED if approve else S.REVISE, by=by, reason=note.strip())
    transaction.on_commit(lambda: tasks.mail_ethics_decided.delay(locked.pk))
    _copy(locked, review)
    return locked


@transaction.atomic
def refer_ethics(*, review: EthicsReview, note: str, by) -> EthicsReview:
    """A supervisor who doubts a low-risk review sends it to a programme ethics reviewer."""
    locked = _lock_review(review)
    if not (
        locked.status == EthicsReview.Status.SUBMITTED
        and locked.route == EthicsReview.Route.SUPERVISOR
        and SUPERVISOR in capacities(by, locked.project)
    ):
        raise PermissionDenied
    locked.route = EthicsReview.Route.ETHICS_REVIEWER
    locked.referral_note = note.strip()
    locked.save(update_fields=["route", "referral_note", "updated_at"])
    transaction.on_commit(lambda: tasks.mail_ethics_referred.delay(locked.pk))
    _copy(locked, review)
    return locked


def _new_ethics_round(*, review: EthicsReview, reason: str, by) -> EthicsReview:
    """Supersedes an approved round with a new one (answers copied) and reopens the ethics
    milestone: the research needs re-approval."""
    EthicsReview.objects.filter(pk=review.pk).update(status=EthicsReview.Status.SUPERSEDED)
    new = EthicsReview.objects.create(
        project=review.project,
        number=review.number + 1,
        answers=review.answers,
        consent_procedure=review.consent_procedure,
        data_management=review.data_management,
        reason_for_round=reason,
    )
    milestone = _ethics_milestone(review.project)
    if milestone and milestone.status == S.APPROVED:
        _move(milestone, S.IN_PROGRESS, by=by, reason=reason)
    return new


@transaction.atomic
def revise_ethics(*, review: EthicsReview, reason: str, by) -> EthicsReview:
    """The student changes an approved design on purpose: a new round asks for re-approval."""
    _require(capacities(by, review.project), STUDENT, SUPERVISOR)
    locked = _lock_review(review)
    if locked.status != EthicsReview.Status.APPROVED:
        raise ValidationError(_("Only an approved ethics review needs a new round."))
    if not reason.strip():
        raise ValidationError(_("Say what changes in your research design."))
    return _new_ethics_round(review=locked, reason=reason.strip(), by=by)


def _copy(source: EthicsReview, target: EthicsReview) -> None:
    if source is not target:
        for name in (
            "status",
            "risk_class",
            "route",
            "submitted_at",
            "decided_at",
            "decided_by_id",
            "decision_note",
            "design_fingerprint",
        ):
            setattr(target, name, getattr(source, name))


@transaction.atomic
def appoint_ethics_reviewer(*, user, by) -> EthicsReviewerAppointment:
    _require_admin(by)
    if not (user.is_lecturer or user.is_supervisor or user.is_programme_admin):
        raise ValidationError(_("Only staff can be ethics reviewers."))
    current = EthicsReviewerAppointment.objects.current().filter(reviewer=user).first()
    if current:
        return current
    return EthicsReviewerAppointment.objects.create(reviewer=user, assigned_by=by)


@transaction.atomic
def end_ethics_reviewer(*, appointment: EthicsReviewerAppointment, by) -> None:
    _require_admin(by)
    if appointment.ended_at is None:
        appointment.ended_at, appointment.ended_by = timezone.now(), by
        appointment.save(update_fields=["ended_at", "ended_by"])


# --- the milestone template ------------------------------------------------------------------


@transaction.atomic
def save_templates(*, version, templates: Iterable[MilestoneTemplate], by) -> None:
    """Saves edited milestone templates of ``version``. Projects already started keep their
    milestones: the template applies to new projects. Due offsets must be at least one week
    and must not decrease in the template's order."""
    if not is_admin(by):
        raise PermissionDenied
    changed = {template.pk: template for template in templates}
    for template in changed.values():
        if template.version_id != version.pk:
            raise PermissionDenied
        if not template.name_nl.strip() or not template.name_en.strip():
            raise ValidationError(_("Every milestone needs a Dutch and an English name."))
        if template.offset_weeks < 1:
            raise ValidationError(_("A milestone is due at least one week after the start."))
    current = MilestoneTemplate.objects.select_for_update().filter(version=version)
    previous = 0
    for template in current.order_by("position", "pk"):
        weeks = changed.get(template.pk, template).offset_weeks
        if weeks < previous:
            raise ValidationError(_("Each milestone must be due on or after the one before it."))
        previous = weeks
    for template in changed.values():
        template.save(
            update_fields=[
                "name_nl",
                "name_en",
                "description_nl",
                "description_en",
                "offset_weeks",
            ]
        )


# --- people ------------------------------------------------------------------------------------


@transaction.atomic
def assign_second_reader(*, project: ThesisProject, reader, by) -> SecondReaderAssignment | None:
    """Makes ``reader`` the second reader (None: no second reader); the old one is kept as
    history. The supervisor can't be the second reader, nor the student."""
    _require_admin(by)
    current = SecondReaderAssignment.objects.current().filter(project=project).first()
    if reader is not None and current and current.reader_id == reader.pk:
        return current
    if reader is not None:
        if not (reader.is_lecturer or reader.is_supervisor):
            raise ValidationError(
                _("%(person)s is not a lecturer or thesis supervisor.") % {"person": reader}
            )
        if reader.pk == project.enrolment.student_id or SUPERVISOR in capacities(reader, project):
            raise ValidationError(
                _("%(person)s supervises this thesis and can't be its second reader.")
                % {"person": reader}
            )
    if current:
        current.ended_at, current.ended_by = timezone.now(), by
        current.save(update_fields=["ended_at", "ended_by"])
    if reader is None:
        return None
    return SecondReaderAssignment.objects.create(project=project, reader=reader, assigned_by=by)


@transaction.atomic
def save_host(*, host: HostOrganisation, by) -> HostOrganisation:
    """Administrators keep the registry; supervisors may add and correct organisations."""
    if not (is_admin(by) or by.is_supervisor):
        raise PermissionDenied
    if host.pk is None:
        host.created_by = by
    if (
        HostOrganisation.objects.filter(name__iexact=host.name.strip())
        .exclude(pk=host.pk)
        .exists()
    ):
        raise ValidationError(
            _("%(name)s is already in the registry.") % {"name": host.name.strip()}
        )
    host.name = host.name.strip()
    host.save()
    return host


# --- supervision meetings ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner: object
    due_on: datetime.date | None = None


def _check_owners(project: ThesisProject, actions: Iterable[ActionInput]) -> None:
    for action in actions:
        held = capacities(action.owner, project)
        if not held & {STUDENT, SUPERVISOR}:
            raise ValidationError(
                _("An action belongs to the student or the supervisor, not to %(person)s.")
                % {"person": action.owner}
            )


def _check_meeting_date(date: datetime.date) -> None:
    if date > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError(_("That date is too far ahead for a meeting."))


@transaction.atomic
def log_meeting(
    *,
    project: ThesisProject,
    date: datetime.date,
    notes: str,
    actions: Sequence[ActionInput] = (),
    by,
) -> SupervisionMeeting:
    """The supervisor (or the student) records a supervision meeting and what was agreed."""
    _require(capacities(by, project), SUPERVISOR, STUDENT)
    _check_meeting_date(date)
    _check_owners(project, actions)
    meeting = SupervisionMeeting.objects.create(
        project=project, date=date, notes=notes.strip(), logged_by=by
    )
    MeetingAction.objects.bulk_create(
        [
            MeetingAction(
                meeting=meeting,
                description=action.description.strip(),
                owner=action.owner,
                due_on=action.due_on,
            )
            for action in actions
            if action.description.strip()
        ]
    )
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: SupervisionMeeting,
    date: datetime.date,
    notes: str,
    by,
    version: int | None = None,
) -> SupervisionMeeting:
    """``version``: the edit version the form was opened with; when the other party saved the
    meeting since, ``EditConflict`` is raised and nothing is written."""
    _require(capacities(by, meeting.project), SUPERVISOR, STUDENT)
    _check_meeting_date(date)
    meeting.date, meeting.notes = date, notes.strip()
    if version is None:
        meeting.save(update_fields=["date", "notes", "updated_at"])
    else:
        save_if_unchanged(meeting, version=version, fields=["date", "notes"])
    return meeting


@transaction.atomic
def add_action(*, meeting: SupervisionMeeting, action: ActionInput, by) -> MeetingAction:
    _require(capacities(by, meeting.project), SUPERVISOR, STUDENT)
    if not action.description.strip():
        raise ValidationError(_("Describe the action."))
    _check_owners(meeting.project, [action])
    return MeetingAction.objects.create(
        meeting=meeting,
        description=action.description.strip(),
        owner=action.owner,
        due_on=action.due_on,
    )


@transaction.atomic
def set_action_done(*, action: MeetingAction, done: bool, by) -> MeetingAction:
    """The student or the supervisor ticks an action off (or on again)."""
    _require(capacities(by, action.meeting.project), SUPERVISOR, STUDENT)
    action.done = done
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done", "done_at"])
    return action


# --- calendar feeds ----------------------------------------------------------------------------


@transaction.atomic
def regenerate_calendar_token(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed


@transaction.atomic
def revoke_calendar_token(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
