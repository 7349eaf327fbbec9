"""The Celery app. Settings come from Django settings under the CELERY_ prefix;
with no broker configured, tasks run eagerly in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")

app = Celery("dxplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (run by `celery -A dxplan beat`). Each task is idempotent per day
# or per job, so a beat restart or a duplicate delivery sends nothing twice.
app.conf.beat_schedule = {
    "entry-reminders": {"task": "kpis.tasks.send_entry_reminders", "schedule": 60 * 60},
    # Every minute: a job whose worker died is failed within its heartbeat's lost_after plus this.
    "sweep-stale-report-jobs": {"task": "reports.tasks.sweep_stale_jobs", "schedule": 60},
    "sweep-stale-import-runs": {"task": "imports.tasks.sweep_stale_runs", "schedule": 60},
    "sweep-stale-public-jobs": {"task": "public.tasks.sweep_stale_jobs", "schedule": 60},
}
