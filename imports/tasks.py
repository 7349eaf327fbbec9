"""Celery tasks of the upload page: thin, they look up the job row and call the service.

Without a broker (the embedded default) Celery runs them in-process, eagerly."""

from celery import shared_task

from imports import services
from imports.limits import TASK_HARD_TIME_LIMIT, TASK_SOFT_TIME_LIMIT
from imports.models import ImportRun


# A worker's run beats (plans.heartbeat), so the sweep sees within minutes that it died.
@shared_task(bind=True, soft_time_limit=TASK_SOFT_TIME_LIMIT, time_limit=TASK_HARD_TIME_LIMIT)
def preview_import(self, run_id: int) -> None:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        services.import_run_preview(run=run, heartbeat=not self.request.is_eager)


@shared_task(bind=True, soft_time_limit=TASK_SOFT_TIME_LIMIT, time_limit=TASK_HARD_TIME_LIMIT)
def apply_import(self, run_id: int) -> None:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        services.import_run_apply(run=run, heartbeat=not self.request.is_eager)


@shared_task(name="imports.tasks.sweep_stale_runs", ignore_result=True)
def sweep_stale_runs() -> int:
    return services.import_runs_sweep_stale()
