"""The report job row as the outbox: a job waits in the database until the queue has its task,
is sent once however often senders try, and a queued job whose message Redis lost (a restart
without persistence) is sent again after the visibility timeout. In-process tasks (no Redis)
stand in for the queue here; ``test_redis_back.py`` does it with real Redis and a worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coachmaster.reports import services, tasks
from coachmaster.reports.models import ReportJob
from tests.reports.fake_document import fake_documents_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
Status = ReportJob.Status


@pytest.fixture
def make(enrolment, student):
    def job(**fields) -> ReportJob:
        return ReportJob.objects.create(
            kind="progress",
            enrolment=enrolment,
            language="nl",
            source_hash=str(ReportJob.objects.count()),
            requested_by=student,
            **fields,
        )

    return job


def test_a_new_job_waits_until_it_is_sent(
    enrolment, student, fake_documents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_report(kind="progress", subject=enrolment, by=student)
    assert job.status == Status.WAITING
    assert job.sent_at is None

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.status, job.attempts, fake_documents.renders) == (Status.DONE, 1, 1)
    assert job.sent_at is not None


def test_a_job_is_sent_once_however_often_senders_try(make, fake_documents):
    job = make()
    assert services.send(job_id=job.pk) is True
    assert services.send(job_id=job.pk) is False
    assert tasks.send_waiting() == 0
    job.refresh_from_db()
    assert (job.status, job.attempts, fake_documents.renders) == (Status.DONE, 1, 1)


def test_the_beat_task_sends_every_waiting_job_oldest_first(make, fake_documents):
    jobs = [make() for _ in range(3)]
    assert tasks.send_waiting() == 3
    assert {j.status for j in ReportJob.objects.filter(pk__in=[j.pk for j in jobs])} == {
        Status.DONE
    }


def test_a_queued_job_never_started_within_the_visibility_timeout_is_sent_again(
    make, fake_documents, settings
):
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT + 5)
    lost = make(status=Status.QUEUED, sent_at=long_ago)
    recent = make(status=Status.QUEUED, sent_at=timezone.now() - timedelta(seconds=30))
    running = make(status=Status.RUNNING, sent_at=long_ago, attempts=1)

    assert tasks.send_waiting() == 1

    for job in (lost, recent, running):
        job.refresh_from_db()
    assert (lost.status, lost.attempts) == (Status.DONE, 1)
    assert recent.status == Status.QUEUED  # its message is still on its way
    assert running.status == Status.RUNNING  # a worker has it
    assert fake_documents.renders == 1
