"""Celery tasks of the public portal: thin, the work is in public.rendered."""

from celery import shared_task

from public import rendered


@shared_task(name="public.tasks.warm_publication_pages", ignore_result=True, soft_time_limit=25 * 60,
             time_limit=30 * 60)
def warm_publication_pages(publication_id: int) -> int:
    return rendered.warm(publication_id)
