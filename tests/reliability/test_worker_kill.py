"""A worker killed with SIGKILL in the middle of a report loses nothing, and the report is made
exactly once: one finished job, one file, no third run.

- Only the pool child killed: the worker's main process sees the child die and rejects the
  message back onto the queue (``task_reject_on_worker_lost``); the job runs again at once.
- The whole worker (main process and children) killed: nobody acknowledges or rejects, the
  message waits in Redis' unacknowledged set and a worker hands it out again after the
  broker's visibility timeout (``CELERY_VISIBILITY_TIMEOUT``, short here through the worker's
  environment).

Real workers (prefork) against PostgreSQL and Redis.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from coachmaster.reports import services
from coachmaster.reports.models import ReportJob
from tests.reports.big_portfolio import big_snapshot, evidence_title
from tests.reports.conftest import pdf_text

from .workers import wait_for, workers_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
Status = ReportJob.Status
VISIBILITY_TIMEOUT = 6  # seconds, for the worker processes of the whole-worker test


def is_dead(pid: int, *, timeout: float = 10) -> bool:
    """Gone, or a zombie (its parent died with it and nobody reaped it yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def assert_made_exactly_once(job: ReportJob, private_media, *, attempts: int) -> None:
    assert (job.status, job.attempts) == (Status.DONE, attempts), job.error
    files = sorted((private_media / "reports").iterdir())
    assert [path.name for path in files] == [f"{job.uuid}.pdf"]
    content = files[0].read_bytes()
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.size == len(content)
    assert evidence_title(40) in " ".join(pdf_text(content).split())


def test_a_killed_worker_child_loses_nothing_and_the_job_is_done_exactly_once(
    workers, enrolment, private_media
):
    worker = workers.start()
    snapshot = big_snapshot(enrolment, evidence=40)  # a few seconds of rendering
    job = services.request_report(kind="portfolio", subject=snapshot, by=enrolment.student)

    job = wait_for(job, worker, lambda j: j.status == Status.RUNNING and j.worker_pid)
    killed = job.worker_pid
    assert killed != worker.process.pid
    os.kill(killed, signal.SIGKILL)

    job = wait_for(job, worker, lambda j: j.is_finished, timeout=120)

    assert job.worker_pid != killed
    assert worker.alive()  # the worker itself lives on and started a new child
    assert_made_exactly_once(job, private_media, attempts=2)
    time.sleep(2)  # nothing runs it a third time
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)


def test_a_whole_worker_killed_mid_report_is_recovered_after_the_visibility_timeout(
    workers, enrolment, private_media
):
    workers.env["CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)
    first = workers.start()
    snapshot = big_snapshot(enrolment, evidence=40)
    job = services.request_report(kind="portfolio", subject=snapshot, by=enrolment.student)
    job = wait_for(job, first, lambda j: j.status == Status.RUNNING and j.worker_pid)
    killed, first_start = job.worker_pid, job.started_at

    first.kill_all()
    assert is_dead(killed)  # the pool child too
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.RUNNING, 1)  # abandoned mid-render

    second = workers.start()
    job = wait_for(job, second, lambda j: j.is_finished, timeout=120)

    # Handed out again not before the visibility timeout (counted from the first delivery),
    # and soon after it: with this timeout workers look for abandoned messages every second.
    handed_out_after = (job.started_at - first_start).total_seconds()
    assert VISIBILITY_TIMEOUT - 1 <= handed_out_after < VISIBILITY_TIMEOUT + 20, handed_out_after
    assert job.worker_pid not in (killed, second.process.pid)
    assert_made_exactly_once(job, private_media, attempts=2)
    time.sleep(VISIBILITY_TIMEOUT + 2)  # the message was acknowledged: it does not come back
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert second.alive()
