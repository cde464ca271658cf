"""Assigning examiners to a submitted portfolio's assessment, by hand or as proposed.

Who may examine: lecturers with a current examining assignment (``LecturerAssignment`` with
``examines``) to the portfolio's cohort, with an active account. The proposal balances the
workload: fewest open examinations first (of assessments still being assessed or
reconciled), then fewest examinations assigned this calendar year, then by family name. The
student's own thesis supervisor may be the first examiner only, unless
``ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER`` allows more.

Every act is recorded (``assigned``/``unassigned`` events) in the same transaction; the
examiners are told by mail after commit, in their own language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cohorts.models import LecturerAssignment, SupervisorAssignment

from .. import tasks
from ..models import Assessment, AssessmentEvent, Examiner
from .assessment import is_admin, lock, record

User = get_user_model()

OPEN_STATUSES = (Assessment.Status.OPEN, Assessment.Status.RECONCILING)


# --- reads ----------------------------------------------------------------------------------


def with_load(users: models.QuerySet) -> models.QuerySet:
    """Annotates ``open_load`` (examinations of assessments being assessed or reconciled)
    and ``year_load`` (examinations assigned this calendar year), ordered by both, then name:
    the order in which the proposal picks examiners."""
    open_load = (
        Examiner.objects.filter(user=models.OuterRef("pk"), assessment__status__in=OPEN_STATUSES)
        .order_by()
        .values("user")
        .annotate(total=models.Count("pk"))
        .values("total")
    )
    year_load = (
        Examiner.objects.filter(
            user=models.OuterRef("pk"), assigned_at__year=timezone.localdate().year
        )
        .order_by()
        .values("user")
        .annotate(total=models.Count("pk"))
        .values("total")
    )
    return users.annotate(
        open_load=Coalesce(models.Subquery(open_load), 0),
        year_load=Coalesce(models.Subquery(year_load), 0),
    ).order_by("open_load", "year_load", "family_name", "given_name", "pk")


def eligible_examiners(assessment: Assessment) -> models.QuerySet:
    """Who may still be assigned: active lecturers who currently examine the portfolio's
    cohort and are not examiners of this assessment yet (nor the student), with their load."""
    enrolment = assessment.portfolio.enrolment
    examining = LecturerAssignment.objects.current().filter(
        cohort_id=enrolment.cohort_id, examines=True
    )
    users = (
        User.objects.filter(is_active=True, pk__in=examining.values("lecturer_id"))
        .exclude(pk__in=Examiner.objects.filter(assessment=assessment).values("user_id"))
        .exclude(pk=enrolment.student_id)
    )
    return with_load(users)


def with_examiner_counts(assessments: models.QuerySet) -> models.QuerySet:
    """Annotates ``examiner_count`` and ``submitted_count`` (examiners who submitted)."""
    examiners = Examiner.objects.filter(assessment=models.OuterRef("pk")).order_by()
    count = examiners.values("assessment").annotate(total=models.Count("pk")).values("total")
    done = (
        examiners.filter(submitted_at__isnull=False)
        .values("assessment")
        .annotate(total=models.Count("pk"))
        .values("total")
    )
    return assessments.annotate(
        examiner_count=Coalesce(models.Subquery(count), 0),
        submitted_count=Coalesce(models.Subquery(done), 0),
    )


def short_of_examiners(assessments: models.QuerySet) -> models.QuerySet:
    """Of ``with_examiner_counts`` assessments: the ones being assessed with fewer examiners
    than their review moment asks for."""
    return assessments.filter(
        status=Assessment.Status.OPEN,
        examiner_count__lt=models.F("portfolio__review_moment__min_examiners"),
    )


def awaiting_third_examiner(assessments: models.QuerySet) -> models.QuerySet:
    """The ones whose examiners cannot agree and asked for a third examiner."""
    return assessments.filter(status=Assessment.Status.RECONCILING, escalated_at__isnull=False)


def needing_examiners(assessments: models.QuerySet) -> models.QuerySet:
    """Of ``with_examiner_counts`` assessments: the ones the bulk action gives examiners."""
    return assessments.filter(
        models.Q(
            status=Assessment.Status.OPEN,
            examiner_count__lt=models.F("portfolio__review_moment__min_examiners"),
        )
        | models.Q(status=Assessment.Status.RECONCILING, escalated_at__isnull=False)
    )


def supervisor_of(assessment: Assessment) -> int | None:
    """The user id of the student's current thesis supervisor, if any."""
    return (
        SupervisorAssignment.objects.current()
        .filter(enrolment_id=assessment.portfolio.enrolment_id)
        .values_list("supervisor_id", flat=True)
        .first()
    )


def supervisor_allowed(ordinal: int) -> bool:
    """May the thesis supervisor be the ``ordinal``-th examiner (1, 2, …)?"""
    return ordinal < 2 or settings.ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER


def examiners_wanted(assessment: Assessment, assigned: int | None = None) -> int:
    """How many examiners the assessment should have: the review moment's minimum, or one
    more than it has when the examiners asked for a third examiner."""
    if assigned is None:
        assigned = assessment.examiners.count()
    if assessment.escalated_at is not None:
        return assigned + 1
    return assessment.portfolio.review_moment.min_examiners


def needs_examiners(assessment: Assessment, assigned: int | None = None) -> int:
    """How many examiners the assessment still needs (0: none)."""
    if not assessment.is_active:
        return 0
    if assigned is None:
        assigned = assessment.examiners.count()
    return max(examiners_wanted(assessment, assigned) - assigned, 0)


def propose_examiners(*, assessment: Assessment) -> list:
    """The users who would fill the assessment up to what it needs, balancing the workload
    (see the module's docstring). Fewer when not enough lecturers are eligible."""
    assigned = assessment.examiners.count()
    missing = needs_examiners(assessment, assigned)
    if not missing:
        return []
    candidates = list(eligible_examiners(assessment))
    supervisor_id = supervisor_of(assessment)
    proposal: list = []
    for ordinal in range(assigned + 1, assigned + missing + 1):
        pick = next(
            (
                user
                for user in candidates
                if user not in proposal
                and (user.pk != supervisor_id or supervisor_allowed(ordinal))
            ),
            None,
        )
        if pick is None:
            break
        proposal.append(pick)
    return proposal


# --- mails (sent by the tasks in ``competencies/tasks.py``, after commit) --------------------


def _mail(user, template: str, context: dict) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def _mail_context(assessment: Assessment) -> dict:
    portfolio = assessment.portfolio
    return {
        "assessment": assessment,
        "student": portfolio.enrolment.student,
        "cohort": portfolio.enrolment.cohort,
        "moment": portfolio.review_moment,
        "round": assessment.snapshot.number,
    }


def send_assignment_mail(*, examiner: Examiner) -> None:
    """Tells an examiner what to assess, by when, and where."""
    path = reverse("competencies:assessment_form", args=[examiner.assessment.uuid])
    context = {
        **_mail_context(examiner.assessment),
        "examiner": examiner,
        "url": settings.SITE_URL + path,
    }
    _mail(examiner.user, "competencies/assessment/email/assigned", context)


def send_removal_mail(*, assessment: Assessment, user) -> None:
    """Tells a removed examiner that the portfolio is no longer theirs to assess."""
    _mail(user, "competencies/assessment/email/removed", _mail_context(assessment))


def send_escalation_mail(*, assessment: Assessment, user) -> None:
    """Tells an administrator that the examiners cannot agree and a third is needed."""
    path = reverse("competencies:assessment_examiners", args=[assessment.uuid])
    context = {
        **_mail_context(assessment),
        "reason": assessment.escalation_reason,
        "url": settings.SITE_URL + path,
    }
    _mail(user, "competencies/assessment/email/escalated", context)


# --- writes ---------------------------------------------------------------------------------


def _require_admin(by) -> None:
    if not is_admin(by):
        raise PermissionDenied


@transaction.atomic
def assign_examiners(*, assessment: Assessment, users: Sequence, by) -> list[Examiner]:
    """Assigns ``users`` in the given order (their examiner numbers follow the ones already
    there). A third examiner for an assessment being reconciled sends it back to being
    assessed (and answers the request for a third examiner)."""
    _require_admin(by)
    assessment = lock(assessment)
    if assessment.status not in OPEN_STATUSES:
        raise ValidationError(
            _(
                "Examiners can only be assigned while the portfolio is being assessed or "
                "reconciled."
            )
        )
    users = list(users)
    if not users:
        raise ValidationError(_("Choose at least one examiner."))
    if len({user.pk for user in users}) != len(users):
        raise ValidationError(_("Choose each examiner once."))
    eligible = set(eligible_examiners(assessment).values_list("pk", flat=True))
    errors = [
        _(
            "%(name)s cannot examine this portfolio: they are not an examining lecturer of the "
            "cohort, or already examine it."
        )
        % {"name": user.get_full_name()}
        for user in users
        if user.pk not in eligible
    ]
    if errors:
        raise ValidationError(errors)
    existing = list(assessment.examiners.values_list("position", flat=True))
    supervisor_id = supervisor_of(assessment)
    for ordinal, user in enumerate(users, start=len(existing) + 1):
        if user.pk == supervisor_id and not supervisor_allowed(ordinal):
            raise ValidationError(
                _(
                    "%(name)s is the student's thesis supervisor and may not be the second "
                    "examiner."
                )
                % {"name": user.get_full_name()}
            )

    reopened = assessment.status == Assessment.Status.RECONCILING
    if reopened:
        # The added examiner judges first; the others wait for them in reconciliation.
        assessment.status = Assessment.Status.OPEN
        assessment.escalated_at = None
        assessment.save(update_fields=["status", "escalated_at"])

    first = max(existing, default=0) + 1
    examiners = []
    for position, user in enumerate(users, start=first):
        examiner = Examiner.objects.create(
            assessment=assessment, user=user, position=position, assigned_by=by
        )
        examiners.append(examiner)
        data = {"examiner": user.get_full_name(), "user": user.pk, "position": position}
        if reopened:
            data["reopened"] = True
        record(assessment, AssessmentEvent.Kind.ASSIGNED, by=by, data=data)

    for examiner in examiners:
        tasks.mail_examiner_assigned.delay_on_commit(examiner.pk)
    return examiners


@transaction.atomic
def remove_examiner(*, examiner: Examiner, by) -> None:
    """Removes an examiner who has not started (no draft saved, nothing submitted)."""
    _require_admin(by)
    assessment = lock(examiner.assessment)
    examiner = Examiner.objects.select_for_update().select_related("user").get(pk=examiner.pk)
    if examiner.has_started:
        raise ValidationError(
            _("%(name)s has already started assessing and cannot be removed.")
            % {"name": examiner.user.get_full_name()}
        )
    if assessment.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Examiners can only be removed while the portfolio is being assessed.")
        )
    data = {
        "examiner": examiner.user.get_full_name(),
        "user": examiner.user_id,
        "position": examiner.position,
    }
    examiner.delete()
    remaining = list(assessment.examiners.values_list("submitted_at", flat=True))
    if (
        assessment.status == Assessment.Status.OPEN
        and len(remaining) >= assessment.portfolio.review_moment.min_examiners
        and all(remaining)
    ):
        # Everyone left has submitted: they can reconcile.
        assessment.status = Assessment.Status.RECONCILING
        assessment.save(update_fields=["status"])
        data["reconciling"] = True
    record(assessment, AssessmentEvent.Kind.UNASSIGNED, by=by, data=data)

    tasks.mail_examiner_removed.delay_on_commit(assessment.pk, examiner.user_id)


@transaction.atomic
def assign_proposed(*, assessments: Iterable[Assessment], by) -> int:
    """Assigns the proposed examiners to each of ``assessments`` that still needs them, in
    order; each proposal counts the examinations assigned before it. Returns how many
    assessments got examiners."""
    _require_admin(by)
    count = 0
    for assessment in assessments:
        proposal = propose_examiners(assessment=assessment)
        if not proposal:
            continue
        try:
            with transaction.atomic():
                assign_examiners(assessment=assessment, users=proposal, by=by)
        except ValidationError:
            # Changed meanwhile (released, withdrawn, assigned by hand): leave it.
            continue
        count += 1
    return count
