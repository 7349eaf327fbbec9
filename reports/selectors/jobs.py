"""The report page's reads: the report jobs, and the fiscal year its form opens on."""

from __future__ import annotations

from django.db.models import Max, QuerySet

from kpis.models import EntryStatus, YearlyValue
from plans.achievement import EMPTY
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


def latest_approved_fiscal_years() -> dict[int, int]:
    """strategy id → the latest fiscal year with an approved actual (1 query: one grouped
    aggregate); strategies without one are absent. The report form opens on it."""
    rows = (YearlyValue.objects.filter(status=EntryStatus.APPROVED).exclude(actual_state=EMPTY)
            .values("indicator__strategy_id").annotate(latest=Max("fiscal_year")).order_by())
    return {row["indicator__strategy_id"]: row["latest"] for row in rows}
