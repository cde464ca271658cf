"""The Celery app's discipline, and a real round trip through Redis when it is there."""

import time
import uuid

import pytest
from celery import shared_task
from django.core.cache import cache

from coachmaster.celery import app, ping


def test_celery_is_configured_for_safe_delivery():
    conf = app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit and conf.task_soft_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_max_tasks_per_child


def test_tasks_of_the_apps_are_discovered():
    app.loader.import_default_modules()
    assert "accounts.send_invitation_email" in app.tasks
    assert "coachmaster.ping" in app.tasks


def test_ping_runs_in_process_in_tests():
    assert ping.delay().get(timeout=1) == "pong"


@shared_task(name="tests.remember")
def remember(key: str) -> None:
    cache.set(key, "done", 60)


@pytest.mark.services
def test_a_real_worker_takes_tasks_from_redis():
    """Send a task through the Redis broker and let a worker thread execute it."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    key = f"celery-roundtrip-{uuid.uuid4()}"
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        remember.delay(key)
        deadline = time.monotonic() + 20
        while cache.get(key) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(key) == "done"
