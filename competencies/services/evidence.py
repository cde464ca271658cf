"""Writes to evidence and feedback requests.

Only the student writes their own evidence. Stored files are never overwritten: a new upload
gets a new generated name, and the old file stays, because a submitted portfolio snapshot may
refer to it by storage name and hash. A file is removed from storage only when its evidence is
deleted and no snapshot mentions it.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cohorts.models import Enrolment

from ..models import (
    ClientEngagement,
    Competency,
    CompetencyFramework,
    Evidence,
    EvidenceClaim,
    FeedbackRequest,
    LearningActivity,
    PortfolioSnapshot,
    ProficiencyLevel,
)
from ..models.evidence import hash_token
from ..uploads import CheckedFile, private_storage

logger = logging.getLogger(__name__)

MAX_QUESTIONS = 10
EXPIRY_DAYS = (1, 60)


@dataclass(frozen=True)
class Claim:
    competency: Competency
    level: ProficiencyLevel
    justification: str = ""


class FeedbackLinkClosed(ValidationError):
    """The link exists but can no longer be answered; ``state`` says why."""

    def __init__(self, state: FeedbackRequest.State):
        self.state = state
        super().__init__(str(state.label), code=state.value)


def _ensure_owner(enrolment: Enrolment, by) -> None:
    if not (by and by.is_authenticated and enrolment.student_id == by.pk):
        raise PermissionDenied


# --- evidence -------------------------------------------------------------------------------


@transaction.atomic
def save_evidence(
    *,
    evidence: Evidence,
    checked_file: CheckedFile | None = None,
    remove_file: bool = False,
    claims: Sequence[Claim],
    activities: Iterable[LearningActivity],
    by,
) -> Evidence:
    """Create or change evidence with its claims and activities (replacing both sets)."""
    enrolment = evidence.enrolment
    _ensure_owner(enrolment, by)
    if evidence.pk:
        stored = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if stored.enrolment_id != enrolment.pk:
            raise PermissionDenied
        if stored.feedback_request_id and (
            evidence.kind != stored.kind
            or evidence.text != stored.text
            or evidence.url != stored.url
            or checked_file
            or remove_file
        ):
            raise ValidationError(
                _("Feedback someone gave you through a link can't be changed; add claims only.")
            )
    has_file = checked_file is not None or bool(evidence.file and not remove_file)
    if has_file and evidence.url:
        raise ValidationError(_("Give a file or a link, not both."))
    if not (has_file or evidence.url or evidence.text.strip()):
        raise ValidationError(_("Add a file, a link or a text."))
    if evidence.kind == Evidence.Kind.LINK and not evidence.url:
        raise ValidationError(_("Evidence of the kind “link” needs a link."))
    claims = list(claims)
    if not claims:
        raise ValidationError(_("Claim at least one competency."))
    framework_id = _framework_id(enrolment)
    seen = set()
    for claim in claims:
        if claim.competency.framework_id != framework_id or claim.level.framework_id != (
            framework_id
        ):
            raise ValidationError(_("Claim only competencies and levels of your own framework."))
        if claim.competency.pk in seen:
            raise ValidationError(
                _("%(code)s is claimed twice.") % {"code": claim.competency.code}
            )
        seen.add(claim.competency.pk)
    activities = list(activities)
    if any(activity.enrolment_id != enrolment.pk for activity in activities):
        raise ValidationError(_("Link only activities from your own learning log."))

    if checked_file is not None:
        # A new generated name every time: whatever a snapshot refers to stays in place.
        evidence.file.save(checked_file.name, checked_file.file, save=False)
        evidence.original_name = checked_file.name
        evidence.content_type = checked_file.content_type
        evidence.size = checked_file.size
        evidence.sha256 = checked_file.sha256
    elif remove_file:
        # Only the reference goes: the stored file may belong to a submitted snapshot.
        evidence.file = ""
        evidence.original_name = evidence.content_type = evidence.sha256 = ""
        evidence.size = None
    evidence.save()
    evidence.claims.all().delete()
    EvidenceClaim.objects.bulk_create(
        EvidenceClaim(
            evidence=evidence,
            competency=claim.competency,
            level=claim.level,
            justification=claim.justification.strip(),
        )
        for claim in claims
    )
    evidence.activities.set(activities)
    return evidence


def _framework_id(enrolment: Enrolment) -> int | None:
    version_id = enrolment.cohort.curriculum_version_id
    if version_id is None:
        return None
    return (
        CompetencyFramework.objects.filter(curriculum_version_id=version_id)
        .values_list("pk", flat=True)
        .first()
    )


def file_is_referenced(name: str) -> bool:
    """Whether a stored file is still needed: by evidence or by a submitted snapshot."""
    if not name:
        return False
    if Evidence.objects.filter(file=name).exists():
        return True
    return (
        PortfolioSnapshot.objects.annotate(content=Cast("data", TextField()))
        .filter(content__contains=name)
        .exists()
    )


@transaction.atomic
def delete_evidence(*, evidence: Evidence, by) -> None:
    """Delete evidence that no portfolio uses. Its file goes too, unless a snapshot keeps it."""
    _ensure_owner(evidence.enrolment, by)
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.portfolio_entries.exists():
        raise ValidationError(
            _("This evidence is used in a portfolio. Remove it from the portfolio first.")
        )
    name = evidence.file.name if evidence.file else ""
    evidence.delete()

    def remove_file():
        if name and not file_is_referenced(name):
            private_storage().delete(name)

    transaction.on_commit(remove_file)


# --- feedback requests ----------------------------------------------------------------------


def default_questions(competencies: Sequence[Competency] = ()) -> str:
    """Three open questions, about the chosen competencies when there are any."""
    if competencies:
        names = "; ".join(competency.name for competency in competencies)
        lines = [
            _("Looking at %(names)s: what did you see me do that helped you or your team?")
            % {"names": names},
            _("Where could I have done better on %(names)s, and how?") % {"names": names},
            _("What should I keep doing, or start doing, in a next assignment?"),
        ]
    else:
        lines = [
            _("What did you notice in how I worked with you or your team that helped most?"),
            _("What could I have done differently or better?"),
            _("What should I keep doing, or start doing, in a next assignment?"),
        ]
    return "\n".join(lines)


def feedback_link(token: str) -> str:
    return settings.SITE_URL + reverse("competencies:feedback_answer", args=[token])


@transaction.atomic
def create_feedback_request(
    *,
    enrolment: Enrolment,
    recipient_label: str,
    relation: str,
    questions: str,
    engagement: ClientEngagement | None = None,
    competencies: Iterable[Competency] = (),
    expires_in_days: int = 14,
    email: str = "",
    by,
) -> tuple[FeedbackRequest, str]:
    """A new single-use link. Returns the request and its token, which is not stored (only its
    hash is), so this is the only moment it can be shown. ``email``, when given, only receives
    the link after commit; it is not stored."""
    _ensure_owner(enrolment, by)
    if engagement is not None and engagement.enrolment_id != enrolment.pk:
        raise ValidationError(_("Choose one of your own client engagements."))
    competencies = list(competencies)
    framework_id = _framework_id(enrolment)
    if any(competency.framework_id != framework_id for competency in competencies):
        raise ValidationError(_("Choose competencies of your own framework."))
    low, high = EXPIRY_DAYS
    if not low <= expires_in_days <= high:
        raise ValidationError(
            _("A link stays valid for %(low)s to %(high)s days.") % {"low": low, "high": high}
        )
    question_lines = [line.strip() for line in questions.splitlines() if line.strip()]
    if not question_lines:
        raise ValidationError(_("Ask at least one question."))
    if len(question_lines) > MAX_QUESTIONS:
        raise ValidationError(
            _("Ask at most %(count)s questions, one per line.") % {"count": MAX_QUESTIONS}
        )
    token = secrets.token_urlsafe(32)
    request = FeedbackRequest.objects.create(
        enrolment=enrolment,
        token_hash=hash_token(token),
        recipient_label=recipient_label.strip(),
        relation=relation,
        engagement=engagement,
        questions="\n".join(question_lines),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    request.competencies.set(competencies)
    if email:
        subject, body = _invitation(request, token)
        transaction.on_commit(lambda: _send_invitation(subject, body, email))
    return request, token


def _send_invitation(subject: str, body: str, email: str) -> None:
    # The request exists either way; a mail failure must not turn into an error page that
    # invites the student to make a second request. The address is not logged.
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        logger.exception("Could not send a feedback invitation")


def _invitation(request: FeedbackRequest, token: str) -> tuple[str, str]:
    name = request.enrolment.student.given_name
    expires = formats.date_format(timezone.localtime(request.expires_at), "DATE_FORMAT")
    subject = _("%(name)s asks for your feedback") % {"name": name}
    body = _(
        "Hello,\n\n"
        "%(name)s is a student in the master's programme in organisational coaching and asks "
        "for your feedback on their work with you. It takes a few minutes and you don't need "
        "an account.\n\n"
        "Open this link to answer (it works once, until %(expires)s):\n%(link)s\n\n"
        "Your answer is shared with %(name)s and their lecturers. If you did not expect this "
        "message, you can ignore it.\n"
    ) % {"name": name, "expires": expires, "link": feedback_link(token)}
    return subject, body


@transaction.atomic
def revoke_feedback_request(*, feedback_request: FeedbackRequest, by) -> FeedbackRequest:
    _ensure_owner(feedback_request.enrolment, by)
    request = FeedbackRequest.objects.select_for_update().get(pk=feedback_request.pk)
    if request.used_at:
        raise ValidationError(_("This request has been answered already."))
    if not request.revoked_at:
        request.revoked_at = timezone.now()
        request.save(update_fields=["revoked_at"])
    return request


@transaction.atomic
def answer_feedback_request(
    *, token: str, answers: Sequence[str], respondent_role: str = ""
) -> Evidence:
    """Store an answer as client-feedback evidence; the link is used up.

    ``FeedbackRequest.DoesNotExist`` for an unknown token, ``FeedbackLinkClosed`` for an
    expired, revoked or used one. The row lock makes a double submit answer once.
    """
    request = (
        FeedbackRequest.objects.select_for_update()
        .select_related("enrolment__student")
        .get(token_hash=hash_token(token))
    )
    if not request.is_open:
        raise FeedbackLinkClosed(request.state)
    questions = request.question_list
    answers = [answer.strip() for answer in answers]
    if len(answers) != len(questions) or not any(answers):
        raise ValidationError(_("Answer at least one question."))
    language = request.enrolment.student.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        title = _("Feedback from %(who)s") % {"who": request.recipient_label}
        parts = []
        if respondent_role.strip():
            parts.append(_("Answered by: %(role)s") % {"role": respondent_role.strip()})
        for question, answer in zip(questions, answers, strict=True):
            parts.append(f"**{question}**\n\n{answer or '–'}")
    # Use the link up first, conditionally: whatever the database's locking, only one
    # request can change it from open to used.
    now = timezone.now()
    claimed = FeedbackRequest.objects.filter(
        pk=request.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        request.refresh_from_db()
        raise FeedbackLinkClosed(request.state)
    request.used_at = now
    evidence = Evidence.objects.create(
        enrolment=request.enrolment,
        title=title[: Evidence._meta.get_field("title").max_length],
        kind=Evidence.Kind.CLIENT_FEEDBACK,
        text="\n\n".join(parts),
        feedback_request=request,
    )
    return evidence
