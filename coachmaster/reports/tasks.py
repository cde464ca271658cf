"""Report tasks: thin, one id each. Late acknowledgement and rejection on a lost worker come
from the Celery settings, so a killed worker's job is delivered again and done once (a killed
pool child at once, a whole worker after the broker's visibility timeout: docs/reliability.md)."""

from celery import shared_task

from coachmaster.celery import BrokerTolerantTask

from . import services


class ReportTask(BrokerTolerantTask):
    # Never rendered inside a web request: while the broker is down the job waits in the
    # database (``services.send``) and is sent when the broker is back.
    run_in_process_when_broker_down = False

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Retries used up (or an unexpected crash): the job says so instead of running on."""
        services.give_up(args[0] if args else kwargs.get("job_id"))


@shared_task(
    bind=True,
    base=ReportTask,
    name="reports.render",
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_report(self, job_id: int) -> None:
    try:
        services.run_job(job_id)
    except services.TRANSIENT as error:
        if self.request.is_eager:
            # In-process (no worker, as in the demo without Redis): try again at once a few
            # times, then give up with a message; never raise into the web request.
            for _attempt in range(self.max_retries):
                try:
                    services.run_job(job_id)
                    return
                except services.TRANSIENT:
                    continue
            services.give_up(job_id)
            return
        raise self.retry(exc=error, countdown=min(2**self.request.retries, 60)) from error


@shared_task(name="reports.send_waiting")
def send_waiting() -> int:
    """Celery beat, every minute: sends the report jobs that were asked for while the queue
    was unavailable."""
    return services.send_waiting()


# --- weekly digests (Celery beat: settings.CELERY_BEAT_SCHEDULE) -----------------------------


@shared_task(name="reports.send_weekly_digests")
def send_weekly_digests() -> int:
    """Fans out one task per person, so that one failure does not stop the others."""
    from .digests import recipients

    user_ids = list(recipients().values_list("pk", flat=True))
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(
    name="reports.send_digest", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_digest(user_id: int) -> bool:
    """One person's digest; nothing when they left, opted out, or there is nothing to say."""
    from .digests import recipients
    from .digests import send_digest as send

    user = recipients().filter(pk=user_id).first()
    return send(user) if user is not None else False
