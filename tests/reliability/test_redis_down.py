"""Redis down: the cache and the broker point at a closed port. Pages keep working (login with
its rate limits, dashboards), e-mails still go out, and a report request is kept in the
database with a page that says the queue is unavailable.

Runs without real services: nothing listens on the port, which is what a stopped Redis looks
like to the site.
"""

from __future__ import annotations

import logging
import time

import pytest
from celery import shared_task
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext
from kombu.exceptions import OperationalError

from coachmaster.accounts.models import Role
from coachmaster.accounts.services import create_account
from coachmaster.celery import ping
from coachmaster.reports import services, tasks
from coachmaster.reports.models import ReportJob
from tests.reports.fake_document import fake_documents_fixture  # noqa: F401 (fixture)

from .services import broker_at, closed_port, redis_url, tolerant_cache_at

pytestmark = pytest.mark.django_db
Status = ReportJob.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
QUEUE_UNAVAILABLE = (
    "The report queue is unavailable right now. Your request is kept: it is sent to the queue "
    "as soon as the queue is back, and the report is then made. You don't need to ask again."
)


@pytest.fixture
def redis_down(settings):
    """Cache and broker at a port where nothing listens."""
    url = redis_url(closed_port())
    settings.CACHES = tolerant_cache_at(url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at(url):
        yield url


@shared_task(name="tests.reliability.note")
def note(text: str) -> None:
    mail.send_mail("note", text, None, ["ops@example.org"])


def test_login_with_its_rate_limits_and_the_dashboard_work_while_redis_is_down(
    redis_down, client, student, password, caplog
):
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="coachmaster.cache"):
        wrong = client.post(
            reverse("account_login"), {"login": student.email, "password": "not-it-at-all"}
        )
        right = client.post(
            reverse("account_login"), {"login": student.email, "password": password}
        )
        dashboard = client.get(reverse("home"), follow=True)

    assert wrong.status_code == 200  # the form again, with its error
    assert right.status_code == 302
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == student
    assert time.monotonic() - started < 10
    # One message when Redis went away, not one per cache call.
    outage = [r for r in caplog.records if r.name == "coachmaster.cache"]
    assert len(outage) == 1
    assert "unavailable" in outage[0].getMessage()


def test_the_login_rate_limit_still_holds_while_redis_is_down(
    redis_down, client, student, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/ip"}
    login = reverse("account_login")
    answers = [
        client.post(login, {"login": student.email, "password": "wrong-password-here"})
        for _ in range(3)
    ]
    too_many = gettext("Too many failed login attempts. Try again later.")
    assert [too_many in a.content.decode() for a in answers] == [False, False, True]


def test_a_task_sent_while_the_broker_is_down_runs_in_process_and_the_mail_goes_out(
    redis_down, django_capture_on_commit_callbacks, programme_admin, caplog
):
    with caplog.at_level(logging.ERROR, logger="coachmaster.celery"):
        with django_capture_on_commit_callbacks(execute=True):
            person = create_account(
                email="nieuw@example.org",
                given_name="Nieuw",
                family_name="Persoon",
                roles=[Role.STUDENT],
                by=programme_admin,
            )
        note.delay("still delivered")

    assert [m.to for m in mail.outbox] == [[person.email], ["ops@example.org"]]
    assert "running task accounts.send_invitation_email in-process" in caplog.text


def test_the_broker_ping_fails_instead_of_answering_itself(redis_down):
    """A health check must not be fooled by the in-process fallback."""
    with pytest.raises(OperationalError):
        ping.delay()


def test_a_report_asked_for_while_the_queue_is_down_is_kept_and_the_page_says_so(
    redis_down, client, enrolment, student, fake_documents, django_capture_on_commit_callbacks
):
    client.force_login(student)
    ask = reverse("reports:request", args=["progress", enrolment.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask)

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:job", args=[job.uuid])
    assert (job.status, job.attempts) == (Status.WAITING, 0)
    assert fake_documents.renders == 0
    page = client.get(response.url)
    assert page.status_code == 200
    assert gettext(QUEUE_UNAVAILABLE) in page.content.decode()
    assert gettext("Waiting for the queue") in page.content.decode()
    poll = client.get(response.url, **HTMX)
    assert poll.status_code == 200  # keeps polling, less often
    assert 'hx-trigger="every 5s"' in poll.text
    assert gettext(QUEUE_UNAVAILABLE) in poll.text

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(ask)
    assert again.url == response.url  # the same kept request, not a second one
    assert ReportJob.objects.get().status == Status.WAITING
    listed = client.get(reverse("reports:list"))
    assert gettext("Waiting for the queue") in listed.content.decode()


def test_a_failed_report_retried_while_the_queue_is_down_waits_too(
    redis_down, enrolment, student, fake_documents, django_capture_on_commit_callbacks
):
    job = ReportJob.objects.create(
        kind="progress",
        enrolment=enrolment,
        language="nl",
        source_hash="x",
        requested_by=student,
        status=Status.FAILED,
        error="Kapot.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_job(job=job, by=student)
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.WAITING, "")


def test_sending_waiting_jobs_stops_at_the_first_refusal(redis_down, enrolment, student):
    for number in range(3):
        ReportJob.objects.create(
            kind="progress", enrolment=enrolment, language="nl", source_hash=str(number)
        )
    assert tasks.send_waiting() == 0
    assert set(ReportJob.objects.values_list("status", flat=True)) == {Status.WAITING}


def test_the_cache_answers_from_memory_while_redis_is_down(redis_down):
    cache.set("colour", "blue")
    assert cache.get("colour") == "blue"
    assert cache.add("lock", 1) is True
    assert cache.add("lock", 1) is False
    assert cache.incr("lock") == 2
    cache.delete("colour")
    assert cache.get("colour", "gone") == "gone"
