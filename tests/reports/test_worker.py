"""Reports made by a real Celery worker (a subprocess, prefork pool) through Redis, against
the test database and the test's private folder; and the kill test: the worker's child is
killed mid-render, the message comes back (late acknowledgement, rejected on a lost worker)
and the job is done exactly once more.

Needs PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``); CI requires them.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from coachmaster.celery import app as celery_app
from coachmaster.reports import services, tasks
from coachmaster.reports.models import ReportJob

from .big_portfolio import big_snapshot, evidence_title
from .conftest import pdf_text, submit_final_portfolio

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
Status = ReportJob.Status
CELERY = Path(sys.executable).with_name("celery")


def database_url() -> str:
    """The URL of the database this test runs against (pytest-django's test database)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Routed:
    """Stands in for the task in ``reports.tasks``: ``delay`` sends the real task to the
    test's own queue, so only the test's worker takes it."""

    task: object
    queue: str

    def delay(self, *args):
        return self.task.apply_async(args=args, queue=self.queue)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def worker(transactional_db, private_media, settings, monkeypatch, tmp_path):
    """A Celery worker subprocess (prefork, one child) on a queue of its own, writing report
    files where the test reads them; this process sends tasks instead of running them."""
    queue = f"reports-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coachmaster.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(private_media.parent),  # private storage: MEDIA_ROOT/private
        "REPORTS_NOTIFY_AFTER_SECONDS": "3600",
        "PYTHONUNBUFFERED": "1",
    }
    assert django_settings.STORAGES["private"]["OPTIONS"]["location"].endswith("/private")
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "coachmaster",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False  # the autouse fixture restores it
    monkeypatch.setattr(tasks, "render_report", Routed(tasks.render_report, queue))
    try:
        yield Worker(process, log)
    finally:
        _stop(process)
        with celery_app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the worker and its pool children
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(job: ReportJob, worker: Worker, condition, *, timeout: float = 90) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.output()}"
        time.sleep(0.05)
    pytest.fail(f"job still {job.status} ({job.progress}%) after {timeout}s:\n{worker.output()}")


def content_of(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def words(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


def test_a_worker_makes_the_portfolio_pdf_asked_for_in_the_browser_in_dutch_and_english(
    worker, client, enrolment, programme_admin
):
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


def test_a_killed_worker_child_loses_nothing_and_the_job_is_done_exactly_once(
    worker, enrolment, private_media
):
    snapshot = big_snapshot(enrolment, evidence=60)  # a few seconds of rendering
    job = services.request_report(kind="portfolio", subject=snapshot, by=enrolment.student)

    job = wait_for(job, worker, lambda j: j.status == Status.RUNNING and j.worker_pid)
    killed = job.worker_pid
    assert killed != worker.process.pid
    os.kill(killed, signal.SIGKILL)

    job = wait_for(job, worker, lambda j: j.is_finished, timeout=120)

    assert job.status == Status.DONE, f"{job.error}\n{worker.output()}"
    assert job.attempts == 2
    assert job.worker_pid != killed
    assert worker.process.poll() is None  # the worker itself lives on
    files = sorted((private_media / "reports").iterdir())
    assert [path.name for path in files] == [f"{job.uuid}.pdf"]
    content = files[0].read_bytes()
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.size == len(content)
    assert evidence_title(60) in words(content)
    time.sleep(2)  # nothing runs it a third time
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
