"""What a report covers, and the names it prints for it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from plans.models import BasicPolicy, Department
from reports.models import ReportJob
from reports.selectors.as_of import AsOf
from reports.workbook import labels


@dataclass(frozen=True)
class Scope:
    """What a report covers: a strategy, optionally one basic policy or one department (with its 課),
    as of a date (reports.selectors.as_of)."""

    strategy: object
    fiscal_year: int
    basic_policy: BasicPolicy | None = None
    department: Department | None = None
    as_of: datetime.date | None = None  # what the report prints is read as of the end of this day; None: now
    draft: bool = False  # the draft for checking: the latest entered values, approved or not

    @classmethod
    def of(cls, job: ReportJob) -> Scope:
        return cls(job.strategy, job.fiscal_year, job.basic_policy, job.department, job.as_of, job.draft)

    def as_of_reading(self, values) -> AsOf:
        """The as-of reading of these yearly values for this report (reports.selectors.as_of)."""
        return AsOf(values, self.as_of, draft=self.draft)

    def departments(self, prefix: str) -> Q:
        if self.department is None:
            return Q()
        return Q(**{prefix: self.department}) | Q(**{f"{prefix}__parent": self.department})

    def label(self, strategy) -> str:
        """The cover's 対象 line: '' for the whole strategy."""
        if self.basic_policy is not None:
            policy = self.basic_policy
            name = f"{strategy.label_basic_policy} {policy.code} {policy.short_name or policy.title}"
            return labels.SCOPE_ONLY.format(name=name)
        if self.department is not None:
            return labels.SCOPE_ONLY.format(name=department_name(self.department, " "))
        return ""


def department_name(department: Department | None, separator: str = "/") -> str:
    if department is None:
        return ""
    if department.parent_id:
        return f"{department.parent.name}{separator}{department.name}"
    return department.name
