import pytest

from public.services import publication_publish

PAGE = "/public/sasebo/sasebo-dx/2023/"


@pytest.fixture
def published(carol, sasebo):
    """令和5年度 of Sasebo's strategy, published by the DX office from the demo data."""
    return publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)


def run_queued_jobs() -> None:
    """Run the portal's queued jobs here, as a worker (or the embedded default, after the request's
    commit) would: tests run inside a transaction that never commits, and on PostgreSQL + Redis no
    worker listens."""
    from public import jobs
    from public.models import PublicJob
    from reports.models import JobStatus

    for job in PublicJob.objects.filter(status=JobStatus.QUEUED).order_by("pk"):
        jobs.job_run(job_id=job.pk)
