"""The report page's reads: the report jobs, and the fiscal year its form opens on."""

from __future__ import annotations

from django.db.models import Max, QuerySet

from kpis.models import EntryStatus, YearlyValue
from plans import boundary
from plans.achievement import EMPTY
from reports.models import ReportJob


def report_job_list(user=None) -> QuerySet[ReportJob]:
    """Jobs, latest first, with who asked, strategy and scope joined (1 query). With `user`,
    only the jobs of plans of the user's own city (plans.boundary.works_in): a report holds
    values not yet approved, so another city's job is neither listed nor downloaded."""
    jobs = ReportJob.objects.select_related(
        "requested_by", "strategy", "basic_policy", "department", "department__parent"
    ).order_by("-created_at", "-pk")
    if user is not None:
        jobs = jobs.filter(boundary.works_in_q(user, "strategy__municipality_id"))
    return jobs


def report_job_get(job_id: int) -> ReportJob:
    """One job with what its page prints and the builder needs (1 query)."""
    return ReportJob.objects.select_related(
        "requested_by", "strategy__municipality", "basic_policy", "department", "department__parent"
    ).get(pk=job_id)


def latest_approved_fiscal_years(user=None) -> dict[int, int]:
    """strategy id → the latest fiscal year with an approved actual (1 query: one grouped
    aggregate); strategies without one are absent. The report form opens on it. With `user`,
    only the plans of the user's own city."""
    values = YearlyValue.objects.filter(status=EntryStatus.APPROVED)
    if user is not None:
        values = values.filter(boundary.works_in_q(user, "indicator__strategy__municipality_id"))
    rows = (values.exclude(actual_state=EMPTY)
            .values("indicator__strategy_id").annotate(latest=Max("fiscal_year")).order_by())
    return {row["indicator__strategy_id"]: row["latest"] for row in rows}
