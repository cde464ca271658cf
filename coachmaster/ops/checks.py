"""System checks for the reliability settings (``manage.py check``; workers run them too)."""

from django.conf import settings
from django.core import checks

# The longest countdown a report task waits before a retry (``reports.tasks``).
LONGEST_RETRY_COUNTDOWN = 60


@checks.register()
def visibility_timeout_above_task_limits(app_configs, **kwargs):
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return []
    longest = max(settings.CELERY_TASK_TIME_LIMIT, LONGEST_RETRY_COUNTDOWN)
    if longest < settings.CELERY_VISIBILITY_TIMEOUT:
        return []
    return [
        checks.Warning(
            f"CELERY_VISIBILITY_TIMEOUT ({settings.CELERY_VISIBILITY_TIMEOUT} s) is not above "
            f"the task time limit or retry countdown ({longest} s).",
            hint="Redis would hand a long task to a second worker while the first still runs "
            "it. Raise CELERY_VISIBILITY_TIMEOUT (see docs/reliability.md).",
            id="ops.W001",
        )
    ]
