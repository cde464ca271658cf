"""PostgreSQL restarted while the site is in use: the next request works without anybody
doing anything.

A restart ends every server process; to its clients that is the same as
``pg_terminate_backend`` on each of their connections, which is what these tests do to the
test database only (other sessions share the server). Requests go through Django's real WSGI
handler, so that the request signals run as in production: persistent connections
(``CONN_MAX_AGE``) are checked at the start of each request (``CONN_HEALTH_CHECKS``) and
replaced when the server dropped them.

A test that really restarts the server runs only when ``COACHMASTER_POSTGRES_RESTART_COMMAND``
is set (for example ``pg_ctlcluster 15 main restart``): never on a shared server.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from coachmaster.reports import services
from coachmaster.reports.models import ReportJob
from tests.reports.big_portfolio import big_snapshot

from .workers import wait_for, workers_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
RESTART_COMMAND = os.environ.get("COACHMASTER_POSTGRES_RESTART_COMMAND", "")


class Browser:
    """GET requests through Django's WSGI handler with a logged-in session's cookies (the test
    client would skip the request signals that check connections)."""

    def __init__(self, client):
        self.factory = RequestFactory()
        self.factory.cookies = client.cookies
        self.handler = WSGIHandler()

    def get(self, path: str) -> int:
        status: list[str] = []
        environ = self.factory.get(path).environ
        response = self.handler(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            b"".join(response)
        finally:
            response.close()  # request_finished, as a WSGI server does
        return int(status[0].split()[0])


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_every_connection() -> int:
    """What a restart does to the clients of the test database: every server process that
    serves it ends. Returns how many there were."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [db["NAME"]],
        ).fetchall()
    return len(rows)


@pytest.fixture
def browser(client, student):
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client.force_login(student)
    return Browser(client)


def test_the_next_request_after_the_server_dropped_every_connection_works(browser):
    dashboard = reverse("student_dashboard")
    assert browser.get(dashboard) == 200
    before = backend_pid()  # the persistent connection the requests use

    assert terminate_every_connection() >= 1

    assert browser.get(dashboard) == 200  # the session is read from the database first
    assert browser.get(reverse("health")) == 200
    assert backend_pid() != before


def test_without_health_checks_the_first_request_after_a_restart_fails(browser):
    """Why CONN_HEALTH_CHECKS is on: without it the dropped connection is found out by the
    request that uses it (an error page), and replaced only after that."""
    dashboard = reverse("student_dashboard")
    assert browser.get(dashboard) == 200
    connection.health_check_enabled = False  # as CONN_HEALTH_CHECKS = False would have it
    terminate_every_connection()
    assert browser.get(dashboard) == 500
    assert browser.get(dashboard) == 200  # a fresh connection (which checks again)


def test_a_worker_whose_connection_was_dropped_makes_the_next_report(
    workers, enrolment, private_media
):
    workers.env["DATABASE_CONN_MAX_AGE"] = "600"  # keep the worker's connection between tasks
    worker = workers.start()
    snapshot = big_snapshot(enrolment, evidence=2)
    first = services.request_report(kind="portfolio", subject=snapshot, by=enrolment.student)
    first = wait_for(first, worker, lambda j: j.is_finished)
    assert first.status == ReportJob.Status.DONE

    assert terminate_every_connection() >= 1  # the worker's among them
    connection.close()  # this test's own: not what is tested here
    second = services.request_report(
        kind="progress", subject=enrolment, by=enrolment.student, language="en"
    )
    second = wait_for(second, worker, lambda j: j.is_finished)

    assert (second.status, second.attempts) == (ReportJob.Status.DONE, 1), second.error


@pytest.mark.skipif(
    not RESTART_COMMAND,
    reason="set COACHMASTER_POSTGRES_RESTART_COMMAND to restart a PostgreSQL server of your own",
)
def test_the_next_request_after_a_real_restart_works(browser):
    dashboard = reverse("student_dashboard")
    assert browser.get(dashboard) == 200
    subprocess.run(shlex.split(RESTART_COMMAND), check=True, timeout=120)
    db = connection.settings_dict
    deadline = time.monotonic() + 60
    while subprocess.run(
        ["pg_isready", "-q", "-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432)],
        check=False,
    ).returncode:
        assert time.monotonic() < deadline, "PostgreSQL did not come back"
        time.sleep(0.5)

    assert browser.get(dashboard) == 200
