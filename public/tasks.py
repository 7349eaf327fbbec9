"""Celery tasks of the public portal: thin, the work is in public.rendered and public.site_exports."""

from celery import shared_task

from public import rendered, site_exports


@shared_task(name="public.tasks.warm_publication_pages", ignore_result=True, soft_time_limit=25 * 60,
             time_limit=30 * 60)
def warm_publication_pages(publication_id: int) -> int:
    return rendered.warm(publication_id)


@shared_task(name="public.tasks.build_site_export", ignore_result=True, soft_time_limit=25 * 60,
             time_limit=30 * 60, bind=True)
def build_site_export(self, export_id: int) -> None:
    # A worker's run beats (plans.heartbeat), so the sweep sees within minutes that it died.
    site_exports.site_export_run(export_id=export_id, heartbeat=not self.request.is_eager)


@shared_task(name="public.tasks.sweep_stale_site_exports", ignore_result=True)
def sweep_stale_site_exports() -> int:
    return site_exports.site_exports_sweep_stale()
