"""Asking for a report, and the work a worker does for it.

A request creates or reuses a job and sends its task after commit. The job row is the outbox:
it stays WAITING until the queue (Redis) has taken the message, so a request made while Redis is
down, or a web process that dies between commit and send, loses nothing: ``send_waiting`` (Celery
beat, every minute) and the job page send it later, exactly once. The task (``run_job``)
locks the row, skips finished work, renders outside the lock (so the page can watch the
progress), then locks again to store the file under the job's own name, overwriting any
earlier attempt. Only transient errors (OS, database connection) are retried; anything else
fails the job with a message the requester can read, and the job can be retried.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coachmaster.celery import BROKER_UNAVAILABLE
from coachmaster.celery import app as celery_app

from .documents import document
from .models import ReportJob
from .pdf import PageCapExceeded

logger = logging.getLogger(__name__)

SUBJECT_FIELD = {
    ReportJob.Kind.PORTFOLIO: "snapshot",
    ReportJob.Kind.PROGRESS: "enrolment",
    ReportJob.Kind.COHORT: "cohort",
    ReportJob.Kind.COHORT_PORTFOLIOS: "cohort",
}
# Worth another try: the disk, the network, a lost database connection. Not a bug.
TRANSIENT = (OSError, InterfaceError, OperationalError)


def allowed(user, kind: str, subject) -> bool:
    return bool(user.is_authenticated and document(kind).allowed(user, subject))


def request_report(*, kind: str, subject, by, language: str | None = None) -> ReportJob:
    """The job for this report: an existing one while its data is unchanged (waiting, queued,
    running or done), else a new one whose task is sent after commit."""
    if kind not in SUBJECT_FIELD:
        raise ValidationError(_("There is no such report."))
    if not allowed(by, kind, subject):
        raise PermissionDenied
    language = language or by.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        fingerprint = document(kind).fingerprint(subject, language)
    field = SUBJECT_FIELD[kind]
    with transaction.atomic():
        job = (
            ReportJob.objects.live()
            .select_for_update()
            .filter(kind=kind, language=language, source_hash=fingerprint, **{field: subject})
            .order_by("-created_at")
            .first()
        )
        if job is None:
            job = ReportJob.objects.create(
                kind=kind,
                language=language,
                source_hash=fingerprint,
                requested_by=by,
                **{field: subject},
            )
            queue(job)
        job.requesters.add(by)
    return job


class QueueUnavailable(Exception):
    """The broker (Redis) cannot be reached: the job keeps waiting in the database."""


def queue(job: ReportJob) -> None:
    """Sends the (waiting) job's task once the transaction that made it waiting commits."""
    transaction.on_commit(lambda: send_if_possible(job_id=job.pk))


def send(*, job_id: int) -> bool:
    """Hands a waiting job to the queue; True when this call sent it. The row lock keeps two
    senders (the beat task, a page poll) apart, and the job turns QUEUED only once the broker
    has the message: one message per request. Raises ``QueueUnavailable``."""
    from .tasks import render_report

    if celery_app.conf.task_always_eager:
        # In-process (no Redis): no broker to fail; the task runs here, outside any lock.
        if not ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.WAITING).update(
            status=ReportJob.Status.QUEUED, sent_at=timezone.now()
        ):
            return False
        render_report.delay(job_id)
        return True
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=ReportJob.Status.WAITING)
            .first()
        )
        if job is None:
            return False  # sent already, or being sent by someone else right now
        try:
            render_report.delay(job_id)
        except BROKER_UNAVAILABLE as error:
            logger.warning("report job %s waits for the queue: %s", job.uuid, error)
            raise QueueUnavailable from error
        job.status, job.sent_at = ReportJob.Status.QUEUED, timezone.now()
        job.save(update_fields=["status", "sent_at"])
    return True


def send_if_possible(*, job_id: int) -> bool:
    """``send``, or False while the queue is unavailable (the job keeps waiting)."""
    try:
        return send(job_id=job_id)
    except QueueUnavailable:
        return False


def send_waiting() -> int:
    """Sends every waiting job, oldest first; stops while the queue is unavailable. The
    number this call sent.

    A job queued longer ago than the broker's visibility timeout that no worker has started
    lost its message (a Redis restarted without persistence): it waits again and is sent
    again. Should the first message still turn up, it finds the job done and does nothing."""
    cutoff = timezone.now() - timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT)
    lost = ReportJob.objects.filter(status=ReportJob.Status.QUEUED, sent_at__lt=cutoff)
    for job in lost.only("uuid"):
        logger.warning("report job %s was never started: sending it again", job.uuid)
    lost.update(status=ReportJob.Status.WAITING)
    sent = 0
    waiting = ReportJob.objects.filter(status=ReportJob.Status.WAITING).order_by("created_at")
    for job_id in waiting.values_list("pk", flat=True):
        try:
            sent += send(job_id=job_id)
        except QueueUnavailable:
            break
    return sent


@transaction.atomic
def retry_job(*, job: ReportJob, by) -> ReportJob:
    """A failed job is sent to the queue again (its data may have been fixed since)."""
    if not allowed(by, job.kind, job.subject):
        raise PermissionDenied
    locked = ReportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ReportJob.Status.FAILED:
        raise ValidationError(_("Only a failed report can be made again."))
    locked.status, locked.progress, locked.progress_text, locked.error = "waiting", 0, "", ""
    locked.save(update_fields=["status", "progress", "progress_text", "error"])
    locked.requesters.add(by)
    queue(locked)
    return locked


def set_progress(job_id: int, percent: int, text: str = "") -> None:
    """Written at once (outside any transaction of the task) so the page sees it."""
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(
        progress=max(0, min(99, percent)), progress_text=text[:120]
    )


def _start(job_id: int) -> ReportJob | None:
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("snapshot", "enrolment__cohort", "cohort")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status == ReportJob.Status.DONE:
            return None
        job.status, job.attempts = ReportJob.Status.RUNNING, job.attempts + 1
        job.started_at, job.worker_pid, job.error = timezone.now(), os.getpid(), ""
        job.progress = 1
        job.save(
            update_fields=["status", "attempts", "started_at", "worker_pid", "error", "progress"]
        )
        return job


def _fail(job: ReportJob, message: str) -> None:
    ReportJob.objects.filter(pk=job.pk).exclude(status=ReportJob.Status.DONE).update(
        status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def give_up(job_id: int | None) -> None:
    job = ReportJob.objects.filter(pk=job_id).first() if job_id else None
    if job is not None:
        with translation.override(job.language):
            _fail(job, _("The report could not be made after several attempts. Try again later."))


def run_job(job_id: int) -> None:
    """The task's work; running it twice gives one file and one finished job."""
    job = _start(job_id)
    if job is None:
        return
    try:
        with translation.override(job.language):
            output = document(job.kind).render(
                job, lambda percent, text="": set_progress(job.pk, percent, text)
            )
    except PageCapExceeded as error:
        with translation.override(job.language):
            _fail(
                job,
                _(
                    "The report would have %(pages)s pages, more than the %(cap)s allowed. "
                    "Ask the programme administration to raise the limit."
                )
                % {"pages": error.pages, "cap": error.cap},
            )
        return
    except SoftTimeLimitExceeded:
        with translation.override(job.language):
            _fail(
                job,
                _(
                    "Making the report took longer than the %(seconds)s seconds allowed. "
                    "Ask the programme administration to look into it."
                )
                % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT},
            )
        return
    except TRANSIENT:
        raise  # the task retries these
    except Exception:
        logger.exception("report job %s failed", job.uuid)
        with translation.override(job.language):
            _fail(job, _("The report could not be made. The error has been logged."))
        return
    _store(job.pk, output)


def _store(job_id: int, output) -> None:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ReportJob.Status.DONE:
            return
        if job.file:
            job.file.storage.delete(job.file.name)
        job.file.save("report", ContentFile(output.content), save=False)
        job.sha256 = hashlib.sha256(output.content).hexdigest()
        job.size, job.pages, job.filename = len(output.content), output.pages, output.filename
        job.status, job.progress, job.progress_text = ReportJob.Status.DONE, 100, ""
        job.finished_at = timezone.now()
        job.save()
        took = (job.finished_at - job.started_at).total_seconds() if job.started_at else 0
        if took >= settings.REPORTS_NOTIFY_AFTER_SECONDS:
            transaction.on_commit(lambda: notify_ready(job.pk))


def notify_ready(job_id: int) -> None:
    """Tells everyone who asked that a long report is ready (once)."""
    job = ReportJob.objects.filter(pk=job_id, notified_at__isnull=True).first()
    if job is None:
        return
    url = settings.SITE_URL + reverse("reports:job", args=[job.uuid])
    for user in job.requesters.filter(is_active=True):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {"job": job, "user": user, "url": url}
            subject = render_to_string("reports/email/ready_subject.txt", context).strip()
            body = render_to_string("reports/email/ready_message.txt", context)
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    ReportJob.objects.filter(pk=job_id).update(notified_at=timezone.now())
