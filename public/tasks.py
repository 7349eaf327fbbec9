"""Celery tasks of the public portal: thin, the work is in public.rendered and public.jobs."""

from celery import shared_task

from public import jobs, rendered


@shared_task(name="public.tasks.warm_publication_pages", ignore_result=True, soft_time_limit=25 * 60,
             time_limit=30 * 60)
def warm_publication_pages(publication_id: int) -> int:
    return rendered.warm(publication_id)


@shared_task(name="public.tasks.run_public_job", ignore_result=True, soft_time_limit=25 * 60,
             time_limit=30 * 60, bind=True)
def run_public_job(self, job_id: int) -> None:
    # A worker's run beats (plans.heartbeat), so the sweep sees within minutes that it died.
    jobs.job_run(job_id=job_id, heartbeat=not self.request.is_eager)


@shared_task(name="public.tasks.sweep_stale_jobs", ignore_result=True)
def sweep_stale_jobs() -> int:
    return jobs.jobs_sweep()
