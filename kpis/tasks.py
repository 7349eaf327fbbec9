"""Celery tasks of kpis: thin wrappers around the services."""

from celery import shared_task

from kpis import reminders


@shared_task(name="kpis.tasks.send_entry_reminders")
def send_entry_reminders() -> dict:
    """Hourly (dxplan.celery beat): idempotent per day, so reruns and duplicates send nothing."""
    return reminders.send_entry_reminders()
