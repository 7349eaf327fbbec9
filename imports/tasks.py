"""Celery tasks of the upload page: thin, they look up the job row and call the service.

Without a broker (the embedded default) Celery runs them in-process, eagerly."""

from celery import shared_task

from imports import services
from imports.limits import TASK_HARD_TIME_LIMIT, TASK_SOFT_TIME_LIMIT
from imports.models import ImportRun


@shared_task(soft_time_limit=TASK_SOFT_TIME_LIMIT, time_limit=TASK_HARD_TIME_LIMIT)
def preview_import(run_id: int) -> None:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        services.import_run_preview(run=run)


@shared_task(soft_time_limit=TASK_SOFT_TIME_LIMIT, time_limit=TASK_HARD_TIME_LIMIT)
def apply_import(run_id: int) -> None:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        services.import_run_apply(run=run)
