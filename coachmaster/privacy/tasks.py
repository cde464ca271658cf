"""Privacy tasks: thin, one id each (or none, for the daily retention run)."""

from celery import Task, shared_task

from coachmaster.history import audit_context

from . import services


class ExportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Retries used up (or an unexpected crash): the export says so instead of waiting."""
        services.fail_export(args[0] if args else kwargs.get("export_id"))


@shared_task(
    bind=True,
    base=ExportTask,
    name="privacy.build_export",
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_export(self, export_id: int) -> None:
    try:
        services.run_export(export_id)
    except services.TRANSIENT as error:
        if self.request.is_eager:
            services.fail_export(export_id)
            return
        raise self.retry(exc=error, countdown=min(2**self.request.retries, 60)) from error


@shared_task(name="privacy.apply_retention", acks_late=True, reject_on_worker_lost=True)
def apply_retention() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE["privacy-retention"]). Idempotent: a run delivered
    twice finds nothing left the second time."""
    from .models import RetentionRun

    with audit_context(task="privacy.apply_retention"):
        rows = services.apply_retention(source=RetentionRun.Source.SCHEDULE)
    return sum(row.affected for row in rows)
