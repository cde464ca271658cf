"""The Celery app: JSON only, late acks, one task prefetched, time limits, recycled workers.

All knobs are Django settings with the ``CELERY_`` prefix (see ``settings.py``).

Sending a task while Redis is down must not break the page that sends it (the data is already
committed when ``delay_on_commit`` fires). Tasks of this app therefore run in-process when the
broker cannot be reached, as they do in the demo without Redis: the e-mail still goes out.
A task that must not run in a web request (report rendering) sets
``run_in_process_when_broker_down = False``, gets the error and keeps the work itself.
"""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachmaster.settings")

logger = logging.getLogger(__name__)

#: What sending a task raises when the broker cannot be reached.
BROKER_UNAVAILABLE = (OperationalError,)


class BrokerTolerantTask(DjangoTask):
    # DjangoTask: keeps delay_on_commit(), which the apps use to queue after commit.
    run_in_process_when_broker_down = True

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except BROKER_UNAVAILABLE as error:
            if not self.run_in_process_when_broker_down:
                raise
            logger.error("broker unavailable (%s): running task %s in-process", error, self.name)
            # throw=False: a failing task is logged by Celery, never raised into the caller.
            return self.apply(args, kwargs, throw=False)


app = Celery("coachmaster", task_cls=BrokerTolerantTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="coachmaster.ping", run_in_process_when_broker_down=False)
def ping() -> str:
    """A no-op round trip: used by health checks and the benchmark's task floor (so it must
    go through the broker or fail)."""
    return "pong"
