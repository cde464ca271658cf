"""Redis goes down and comes back (a private ``redis-server`` on a port of the test's own, never
the shared one): the cache returns to Redis by itself, and a report asked for during the outage
is sent exactly once when the queue is back (by the beat task and the job page, even when they
try at the same moment) and made by a real worker.

Needs PostgreSQL (row locks between the senders), ``redis-server`` and the shared Redis for
nothing else: marked ``services``.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from coachmaster.reports import services, tasks
from coachmaster.reports.models import ReportJob
from tests.reports.big_portfolio import big_snapshot

from .services import RedisServer, broker_at, closed_port, tolerant_cache_at
from .workers import wait_for, workers_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
Status = ReportJob.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def private_redis(tmp_path, settings):
    """Not started: the test starts it when Redis is to come back. Cache and broker point at
    it from the beginning."""
    server = RedisServer(closed_port(), tmp_path)
    settings.CACHES = tolerant_cache_at(server.url, RETRY_AFTER=0.2)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with broker_at(server.url):
            yield server
    finally:
        server.stop()


def test_the_cache_goes_back_to_redis_when_it_returns(private_redis, caplog):
    with caplog.at_level(logging.WARNING, logger="coachmaster.cache"):
        cache.set("during-the-outage", 1)
        private_redis.start()
        time.sleep(0.3)  # RETRY_AFTER
        cache.set("after-the-outage", 2)

        assert cache.get("during-the-outage") is None  # only the local cache had it
        assert cache.get("after-the-outage") == 2
        assert any(key.endswith(b"after-the-outage") for key in private_redis.client().scan_iter())
        private_redis.stop()
        time.sleep(0.3)
        assert cache.get("after-the-outage") is None  # down again: a miss, not an error
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith("Redis cache unavailable")
    assert "Redis cache available again" in messages
    assert messages[-1].startswith("Redis cache unavailable")


def _in_thread(function, results: list) -> threading.Thread:
    def run():
        try:
            results.append(function())
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_a_report_asked_for_while_redis_was_down_is_sent_once_when_it_is_back_and_made(
    private_redis, workers, client, enrolment, private_media
):
    snapshot = big_snapshot(enrolment, evidence=3)
    client.force_login(enrolment.student)
    response = client.post(reverse("reports:request", args=["portfolio", snapshot.portfolio.uuid]))
    job = ReportJob.objects.get()
    assert job.status == Status.WAITING
    assert tasks.send_waiting() == 0  # still down: nothing sent, nothing lost

    private_redis.start()
    # The beat task (twice, as if two beat ticks overlapped) and the page's poll, at once.
    results: list = []
    senders = [_in_thread(tasks.send_waiting, results) for _ in range(2)]
    senders.append(_in_thread(lambda: client.get(response.url, **HTMX).status_code, results))
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert private_redis.client().llen(workers.queue) == 1  # one message, not three
    polls, sent = results.count(200), [r for r in results if r != 200]
    assert (polls, len(sent)) == (1, 2)
    assert sum(sent) in (0, 1)  # 0: the page's poll was the one that sent it

    workers.env["REDIS_URL"] = workers.env["CELERY_BROKER_URL"] = private_redis.url
    worker = workers.start()
    job = wait_for(job, worker, lambda j: j.is_finished, timeout=120)
    assert (job.status, job.attempts) == (Status.DONE, 1), job.error
    assert [path.name for path in (private_media / "reports").iterdir()] == [f"{job.uuid}.pdf"]
    assert services.send_waiting() == 0
    worker.stop()
