"""Reports made by a real Celery worker (a subprocess, prefork pool) through Redis, against
the test database and the test's private folder. What happens when a worker is killed (its
pool child, or the whole worker) is in ``tests/reliability/test_worker_kill.py``.

Needs PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``); CI requires them.
"""

from __future__ import annotations

import io
import os

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from coachmaster.reports.models import ReportJob
from tests.reliability.workers import wait_for, workers_fixture  # noqa: F401 (fixture)

from .conftest import pdf_text, submit_final_portfolio

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
Status = ReportJob.Status


def content_of(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def words(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


def test_a_worker_makes_the_portfolio_pdf_asked_for_in_the_browser_in_dutch_and_english(
    workers, client, enrolment, programme_admin
):
    worker = workers.start()
    snapshot = submit_final_portfolio(enrolment)
    student = enrolment.student
    programme_admin.preferred_language = "en"
    programme_admin.save(update_fields=["preferred_language"])
    competencies = list(snapshot.portfolio.review_moment.version.framework.competencies.all())
    ask = reverse("reports:request", args=["portfolio", snapshot.portfolio.uuid])

    for user, language in [(student, "nl"), (programme_admin, "en")]:
        client.force_login(user)
        response = client.post(ask)
        job = ReportJob.objects.get(language=language)
        assert response.status_code == 302
        assert response.url == reverse("reports:job", args=[job.uuid])
        assert job.status in (Status.QUEUED, Status.RUNNING)  # not made in this process

        job = wait_for(job, worker, lambda j: j.is_finished)

        assert job.status == Status.DONE, f"{job.error}\n{worker.output()}"
        assert job.worker_pid not in (os.getpid(), worker.process.pid)  # a pool child
        assert job.attempts == 1
        content = content_of(job)
        text = words(content)
        assert student.get_full_name() in text
        for competency in competencies:
            name = competency.name_nl if language == "nl" else competency.name_en
            assert f"{competency.code} {name}" in text
            assert f"Bewijs {competency.code}" in text
        with translation.override(language):
            assert gettext("Overall reflection") in text
            assert gettext("Self-assessed level") in text
        assert job.pages == len(PdfReader(io.BytesIO(content)).pages)
        download = client.get(reverse("reports:download", args=[job.uuid]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
