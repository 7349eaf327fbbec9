"""Celery tasks of the reports: thin, the work is in reports.jobs."""

from celery import shared_task

from reports import jobs

# The hard limit kills the worker process; the sweep (jobs.STALE_AFTER) then marks the job failed.
SOFT_TIME_LIMIT = 25 * 60
HARD_TIME_LIMIT = 30 * 60


@shared_task(name="reports.tasks.build_report_job", soft_time_limit=SOFT_TIME_LIMIT, time_limit=HARD_TIME_LIMIT,
             ignore_result=True, bind=True)
def build_report_job(self, job_id: int) -> None:
    # A worker's run beats (plans.heartbeat), so the sweep sees within minutes that it died.
    jobs.report_job_run(job_id=job_id, heartbeat=not self.request.is_eager)


@shared_task(name="reports.tasks.sweep_stale_jobs", ignore_result=True)
def sweep_stale_jobs() -> int:
    return jobs.report_jobs_sweep_stale()
