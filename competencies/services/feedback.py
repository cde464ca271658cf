"""Formative feedback: before submitting, a student asks one of their cohort's lecturers
about a piece of evidence or their draft self-assessment, and a short exchange follows.

Rules: only the student asks, about their own evidence or their own portfolio while it is a
draft, and only a lecturer currently assigned to their cohort (teaching or examining). The
student and the lecturer asked reply; a lecturer's reply marks the thread answered, a
student's reply opens it again. Either of them closes it; a closed thread takes no more
replies (the student asks a new question instead). Administrators read every thread but do
not take part.

Threads are not part of an assessment, so they record no ``AssessmentEvent``: the thread and
its messages, which are never edited or deleted here, are their own record. Mail goes after
commit, in the recipient's language, with an absolute link to the thread.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cohorts.models import Enrolment, LecturerAssignment

from ..models import Evidence, FeedbackMessage, FeedbackThread, Portfolio

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 5000
MAX_SUBJECT_LENGTH = 200


# --- reads ----------------------------------------------------------------------------------


def current_lecturers(enrolment: Enrolment):
    """The lecturers a student may ask: currently assigned to the student's cohort, teaching
    or examining, with an active account; by name."""
    assigned = (
        LecturerAssignment.objects.current()
        .filter(cohort_id=enrolment.cohort_id)
        .filter(models.Q(teaches=True) | models.Q(examines=True))
        .values("lecturer_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=assigned, is_active=True)
        .order_by("family_name", "given_name", "pk")
    )


def with_last_message(threads):
    """Annotates ``last_message_at``, ``last_author_id`` and ``last_text`` (the latest
    message of each thread) without a query per row."""
    latest = FeedbackMessage.objects.filter(thread=models.OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return threads.annotate(
        last_message_at=models.Subquery(latest.values("created_at")[:1]),
        last_author_id=models.Subquery(latest.values("author_id")[:1]),
        last_text=models.functions.Substr(models.Subquery(latest.values("text")[:1]), 1, 300),
    )


def in_queue_order(threads):
    """Open first (waiting longest on top), then answered, then closed (latest on top)."""
    rank = models.Case(
        models.When(status=FeedbackThread.Status.OPEN, then=models.Value(0)),
        models.When(status=FeedbackThread.Status.ANSWERED, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )
    return threads.annotate(status_rank=rank).order_by("status_rank", "-updated_at", "-pk")


def _listed(threads):
    return with_last_message(
        threads.select_related(
            "enrolment__student", "lecturer", "evidence", "portfolio__review_moment"
        )
    )


def threads_about_evidence(user, evidence: Evidence) -> list[FeedbackThread]:
    """The threads about ``evidence`` that ``user`` may read (one query)."""
    return list(
        in_queue_order(_listed(FeedbackThread.objects.visible_to(user).filter(evidence=evidence)))
    )


def threads_about_portfolio(user, portfolio: Portfolio) -> list[FeedbackThread]:
    """The portfolio's feedback history for ``user``: threads about the portfolio itself and
    about any evidence selected in it (one query)."""
    selected = Evidence.objects.filter(portfolio_entries__portfolio=portfolio).values("pk")
    threads = FeedbackThread.objects.visible_to(user).filter(
        models.Q(portfolio=portfolio) | models.Q(evidence__in=selected)
    )
    return list(in_queue_order(_listed(threads)))


def is_party(user, thread: FeedbackThread) -> bool:
    """The student who asked or the lecturer asked: the two who write in a thread."""
    return user.is_authenticated and user.pk in (thread.enrolment.student_id, thread.lecturer_id)


# --- writes ---------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message first: an empty message can't be sent."))
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("A message can be at most %(limit)d characters long (this one has %(length)d).")
            % {"limit": MAX_TEXT_LENGTH, "length": len(text)}
        )
    return text


@transaction.atomic
def ask_feedback(
    *,
    enrolment: Enrolment,
    lecturer,
    subject: str,
    question: str,
    evidence: Evidence | None = None,
    portfolio: Portfolio | None = None,
    by,
) -> FeedbackThread:
    """A student asks ``lecturer`` about their ``evidence`` or their draft ``portfolio``."""
    if not by.is_authenticated or enrolment.student_id != by.pk:
        raise PermissionDenied
    if (evidence is None) == (portfolio is None):
        raise ValidationError(_("Ask about one piece of evidence or one portfolio."))
    if evidence is not None and evidence.enrolment_id != enrolment.pk:
        raise PermissionDenied
    if portfolio is not None:
        if portfolio.enrolment_id != enrolment.pk:
            raise PermissionDenied
        # Locked so that a submission cannot slip in between the check and the question.
        portfolio = (
            Portfolio.objects.select_for_update()
            .select_related("review_moment")
            .get(pk=portfolio.pk)
        )
        if not portfolio.is_editable:
            raise ValidationError(
                _(
                    "This portfolio is submitted: feedback from a lecturer can be asked only "
                    "before it is submitted."
                )
            )
    if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.GRADUATED):
        raise ValidationError(_("Your enrolment has ended, so you can't ask for feedback."))
    if lecturer is None or not current_lecturers(enrolment).filter(pk=lecturer.pk).exists():
        raise ValidationError(_("Choose one of the lecturers currently assigned to your cohort."))
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(_("Give your question a subject."))
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise ValidationError(
            _("The subject can be at most %(limit)d characters long.")
            % {"limit": MAX_SUBJECT_LENGTH}
        )
    question = _clean_text(question)
    thread = FeedbackThread.objects.create(
        enrolment=enrolment,
        lecturer=lecturer,
        evidence=evidence,
        portfolio=portfolio,
        subject=subject,
    )
    message = FeedbackMessage.objects.create(thread=thread, author=by, text=question)
    logger.info("Feedback thread %s: asked by %s of %s", thread.uuid, by.uuid, lecturer.uuid)
    transaction.on_commit(lambda: send_feedback_mail(message_id=message.pk))
    return thread


def _locked(thread: FeedbackThread) -> FeedbackThread:
    return (
        FeedbackThread.objects.select_for_update(of=("self",))
        .select_related("enrolment__student", "lecturer")
        .get(pk=thread.pk)
    )


@transaction.atomic
def reply(*, thread: FeedbackThread, text: str, by) -> FeedbackMessage:
    """A message from the student or the lecturer of the thread."""
    locked = _locked(thread)
    if not is_party(by, locked):
        raise PermissionDenied
    if locked.status == FeedbackThread.Status.CLOSED:
        raise ValidationError(
            _(
                "This conversation is closed and can't be reopened. To ask more, start a new "
                "question."
            )
        )
    text = _clean_text(text)
    message = FeedbackMessage.objects.create(thread=locked, author=by, text=text)
    locked.status = (
        FeedbackThread.Status.ANSWERED
        if by.pk == locked.lecturer_id
        else FeedbackThread.Status.OPEN
    )
    locked.save(update_fields=["status", "updated_at"])
    thread.status, thread.updated_at = locked.status, locked.updated_at
    transaction.on_commit(lambda: send_feedback_mail(message_id=message.pk))
    return message


@transaction.atomic
def close_thread(*, thread: FeedbackThread, by) -> FeedbackThread:
    """Either party ends the conversation. A closed thread cannot be reopened."""
    locked = _locked(thread)
    if not is_party(by, locked):
        raise PermissionDenied
    if locked.status == FeedbackThread.Status.CLOSED:
        raise ValidationError(_("This conversation is already closed."))
    locked.status = FeedbackThread.Status.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    thread.status, thread.updated_at = locked.status, locked.updated_at
    logger.info("Feedback thread %s: closed by %s", thread.uuid, by.uuid)
    return locked


# --- mail -----------------------------------------------------------------------------------


def thread_url(thread: FeedbackThread) -> str:
    return settings.SITE_URL + reverse("competencies:feedback_thread", args=[thread.uuid])


def send_feedback_mail(*, message_id: int) -> None:
    """Tells the other party of a new message (run after commit). The mail holds the subject
    and a link, not the text: what the student writes about their practice stays on the
    platform."""
    message = (
        FeedbackMessage.objects.select_related(
            "author",
            "thread__enrolment__student",
            "thread__lecturer",
            "thread__evidence",
            "thread__portfolio__review_moment",
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return
    thread = message.thread
    student, lecturer = thread.enrolment.student, thread.lecturer
    recipient = lecturer if message.author_id == student.pk else student
    if not recipient.email or not recipient.is_active:
        return
    first = not thread.messages.filter(
        models.Q(created_at__lt=message.created_at)
        | models.Q(created_at=message.created_at, pk__lt=message.pk)
    ).exists()
    kind = "asked" if first else "reply"
    with translation.override(recipient.preferred_language):
        context = {
            "recipient": recipient,
            "author": message.author,
            "thread": thread,
            "about": about_label(thread),
            "url": thread_url(thread),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string(
            f"competencies/feedback/email/{kind}_subject.txt", context
        ).strip()
        body = render_to_string(f"competencies/feedback/email/{kind}_message.txt", context)
    try:
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
    except Exception:
        # The message is saved either way; the other party sees it on the platform.
        logger.exception("Could not send the mail about feedback thread %s", thread.uuid)


def about_label(thread: FeedbackThread) -> str:
    """What a thread is about, in the active language."""
    if thread.evidence_id:
        return _("the evidence “%(title)s”") % {"title": thread.evidence.title}
    return _("the self-assessment for %(moment)s") % {
        "moment": thread.portfolio.review_moment.name
    }
