"""Real Celery workers for a test: subprocesses (prefork pool, one child) on a queue of their
own, against the test database and the test's private folder; started, killed and restarted
by the test.

Needs PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``): tests using these are marked
``services``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from coachmaster.celery import app as celery_app
from coachmaster.reports import tasks
from coachmaster.reports.models import ReportJob

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
    test's own queue, so only the test's workers take it."""

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

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill_all(self) -> None:
        """SIGKILL to the main process and its pool children at once (as the OOM killer or a
        lost machine would): nothing is acknowledged, nothing is handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)  # the worker and its pool children
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()


@dataclass
class Workers:
    """Starts workers on one queue with one environment; stops them all at the end."""

    queue: str
    env: dict
    folder: Path
    started: list[Worker] = field(default_factory=list)

    def start(self) -> Worker:
        log = self.folder / f"worker-{len(self.started) + 1}.log"
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
                    self.queue,
                    "-n",
                    f"{self.queue}-{len(self.started) + 1}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                ],
                cwd=django_settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches the children
            )
        worker = Worker(process, log)
        self.started.append(worker)
        return worker


@pytest.fixture(name="workers")
def workers_fixture(transactional_db, private_media, settings, monkeypatch, tmp_path):
    """Real workers on a queue of this test, writing report files where the test reads them;
    this process sends tasks instead of running them. Extra worker environment: set
    ``workers.env`` before ``workers.start()``."""
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
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False  # the autouse fixture restores it
    monkeypatch.setattr(tasks, "render_report", Routed(tasks.render_report, queue))
    pool = Workers(queue, env, tmp_path)
    try:
        yield pool
    finally:
        for worker in pool.started:
            worker.stop()
        with celery_app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)


def wait_for(job: ReportJob, worker: Worker | None, condition, *, timeout: float = 90):
    """Polls the job row until ``condition(job)``; fails early if the worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        if worker is not None:
            assert worker.alive(), f"the worker stopped:\n{worker.output()}"
        time.sleep(0.05)
    output = worker.output() if worker is not None else ""
    pytest.fail(f"job still {job.status} ({job.progress}%) after {timeout}s:\n{output}")
