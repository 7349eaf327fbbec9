"""The report page's reads: the report jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import ReportJob


def report_job_list() -> QuerySet[ReportJob]:
    """Jobs, latest first, with who asked, strategy and scope joined (1 query)."""
    return ReportJob.objects.select_related(
        "requested_by", "strategy", "basic_policy", "department", "department__parent"
    ).order_by("-created_at", "-pk")


def report_job_get(job_id: int) -> ReportJob:
    """One job with what its page prints and the builder needs (1 query)."""
    return ReportJob.objects.select_related(
        "requested_by", "strategy__municipality", "basic_policy", "department", "department__parent"
    ).get(pk=job_id)
