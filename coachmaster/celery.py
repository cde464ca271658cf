"""The Celery app: JSON only, late acks, one task prefetched, time limits, recycled workers.

All knobs are Django settings with the ``CELERY_`` prefix (see ``settings.py``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachmaster.settings")

app = Celery("coachmaster")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="coachmaster.ping")
def ping() -> str:
    """A no-op round trip: used by health checks and the benchmark's task floor."""
    return "pong"
