"""The cover's grade counts, on the dashboards' basis (reports.dashboards.aggregates).

Every indicator of the strategy (outcome, KPI and activity indicators alike) under the
basic policy the dashboards group it by, graded by its value of the report's fiscal year
with the stored rate, as the dashboards count it. What differs is only the as-of rule
(reports.selectors.as_of): a value not approved at the report's date counts as 「未確定」,
where a viewer's dashboard shows it hidden, as 「－」. So the cover's counts for the date
of the build equal the dashboard's for a viewer (tests/reports/test_cover_grades.py).
"""

from __future__ import annotations

from collections import defaultdict

from kpis.models import YearlyValue
from plans import achievement
from plans.models import BasicPolicy
from reports.dashboards.aggregates import CURRENT, indicators
from reports.selectors.as_of import PENDING, AsOf
from reports.selectors.columns import ValueColumns
from reports.selectors.scope import Scope
from reports.workbook import labels
from reports.workbook.rows import PolicyGrades

PLANNED, ACTUAL = ValueColumns(f"{CURRENT}__planned"), ValueColumns(f"{CURRENT}__actual")


def report_grades(scope: Scope) -> list[PolicyGrades]:
    """Grade counts per basic policy in plan order, 「未確定」 counted apart (4 queries:
    approved versions from the history, target revisions, policies, indicators with the
    year's value)."""
    strategy, fiscal_year = scope.strategy, scope.fiscal_year
    queryset = indicators(strategy, fiscal_year).filter(scope.departments("responsible_department"))
    if scope.basic_policy is not None:
        queryset = queryset.filter(policy_key=scope.basic_policy.pk)
    as_of = scope.as_of_reading(YearlyValue.objects.filter(indicator__in=queryset.values("pk"),
                                                           fiscal_year=fiscal_year))
    bands = strategy.bands()
    policies = BasicPolicy.objects.filter(strategy=strategy).order_by("order", "pk")
    if scope.basic_policy is not None:
        policies = policies.filter(pk=scope.basic_policy.pk)
    names = {p.pk: (p.code, p.short_name or p.title) for p in policies.only("pk", "code", "short_name", "title")}
    counts = defaultdict(lambda: _empty(bands))
    for row in queryset.values_list(
        "policy_key", f"{CURRENT}__pk", f"{CURRENT}__status", f"{CURRENT}__updated_at", f"{CURRENT}__rate",
        *PLANNED.names, *ACTUAL.names, "direction", "baseline_value", "tolerance", named=True,
    ).order_by():
        counts[row.policy_key][_grade(row, as_of, bands)] += 1
    result = [PolicyGrades(code, name, counts[pk]) for pk, (code, name) in names.items()
              if scope.department is None or pk in counts]
    if None in counts:  # indicators of projects outside every basic policy
        result.append(PolicyGrades("", labels.NOTHING, counts[None]))
    return result


def _empty(bands) -> dict[str, int]:
    return {**achievement.grade_distribution((), bands), labels.PENDING: 0}


def _grade(row, as_of: AsOf, bands) -> str:
    pk = getattr(row, f"{CURRENT}__pk")
    if pk is None:
        return achievement.NOT_EVALUABLE
    status, updated_at = getattr(row, f"{CURRENT}__status"), getattr(row, f"{CURRENT}__updated_at")
    if as_of.stored_in_force(status, updated_at):  # the stored rate is the one in force
        return achievement.grade(getattr(row, f"{CURRENT}__rate"), bands)
    actual, _comment = as_of.actual(pk, status, updated_at, ACTUAL(row), "")
    if actual.state == achievement.EMPTY:
        return achievement.NOT_EVALUABLE
    if actual == PENDING:
        return labels.PENDING
    rate = achievement.achievement_rate(actual=actual, planned=as_of.planned(pk, PLANNED(row)),
                                        direction=row.direction, baseline=row.baseline_value,
                                        tolerance=row.tolerance)
    return achievement.grade(rate, bands)
