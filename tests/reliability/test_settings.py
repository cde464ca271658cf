"""The reliability settings: the broker's visibility timeout (above the task time limit, from
``CELERY_VISIBILITY_TIMEOUT``), the sweep for abandoned messages, short Redis timeouts, the
beat task that sends waiting reports, and the check that warns about a visibility timeout
that is too short."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core.checks import run_checks

from coachmaster.celery import app
from coachmaster.ops.checks import visibility_timeout_above_task_limits


def settings_with(env: dict) -> dict:
    """The Celery settings a process started with ``env`` gets (a fresh interpreter)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'visibility': s.CELERY_VISIBILITY_TIMEOUT, "
        "'options': s.CELERY_BROKER_TRANSPORT_OPTIONS, 'limit': s.CELERY_TASK_TIME_LIMIT}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coachmaster.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/6",
        **env,
    }
    for name in ("CELERY_VISIBILITY_TIMEOUT", "CELERY_TASK_TIME_LIMIT", "REDIS_SOCKET_TIMEOUT"):
        if name not in env:
            environment.pop(name, None)
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_the_visibility_timeout_is_above_the_task_time_limit_by_default():
    found = settings_with({})
    assert found["visibility"] == found["limit"] + 300 == 600
    assert found["options"]["visibility_timeout"] == 600
    assert found["options"]["unacked_restore_interval"] == 10
    assert found["options"]["unacked_restore_throttle"] == 1
    assert found["options"]["socket_connect_timeout"] == 1.0


def test_the_visibility_timeout_follows_the_environment_and_the_sweep_keeps_up():
    found = settings_with({"CELERY_VISIBILITY_TIMEOUT": "8"})
    assert found["options"]["visibility_timeout"] == 8
    assert found["options"]["unacked_restore_interval"] == 2
    found = settings_with({"CELERY_TASK_TIME_LIMIT": "900"})
    assert found["visibility"] == 1200


def test_the_celery_app_uses_the_transport_options():
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    assert options["socket_timeout"] > 1  # above kombu's BRPOP wait
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is False


def test_waiting_reports_are_sent_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["send-waiting-reports"]
    assert (entry["task"], entry["schedule"]) == ("reports.send_waiting", 60.0)
    app.loader.import_default_modules()
    assert "reports.send_waiting" in app.tasks


def test_a_visibility_timeout_at_or_below_the_time_limit_is_warned_about(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_TIME_LIMIT = 300
    settings.CELERY_VISIBILITY_TIMEOUT = 300
    (warning,) = visibility_timeout_above_task_limits(None)
    assert warning.id == "ops.W001"
    assert "ops.W001" in {message.id for message in run_checks()}

    settings.CELERY_VISIBILITY_TIMEOUT = 301
    assert visibility_timeout_above_task_limits(None) == []
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_VISIBILITY_TIMEOUT = 10
    assert visibility_timeout_above_task_limits(None) == []
