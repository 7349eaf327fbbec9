"""The data export (streamed): the 計画 sheet's key/value pairs and one row per indicator ×
fiscal year, keyed by the export headings (reports.workbook.data_export) that the import reads back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from kpis.models import Indicator
from plans import achievement, fiscal_years
from reports.selectors.columns import CHUNK, ValueColumns, department_path
from reports.selectors.scope import Scope

PLANNED, ACTUAL = ValueColumns("values__planned"), ValueColumns("values__actual")


def data_strategy(scope: Scope, *, as_of) -> dict:
    """The 計画 sheet's key/value pairs (no query: the strategy comes with its municipality)."""
    s = scope.strategy
    return {
        "strategy_code": s.code, "municipality_code": s.municipality.code, "municipality_name": s.municipality.name,
        "title": s.title, "description": s.description, "first_fiscal_year": s.first_fiscal_year,
        "last_fiscal_year": s.last_fiscal_year, "label_basic_policy": s.label_basic_policy,
        "label_measure": s.label_measure, "label_step": s.label_step, "label_project": s.label_project,
        "grade_bands": json.dumps(s.grade_bands, ensure_ascii=False), "manager_review": int(s.manager_review),
        "dx_review": int(s.dx_review), "as_of": as_of.isoformat(),
    }


# The columns read, by name: where the indicator sits in the plan, the indicator, one stored year.
_PATH = (
    "basic_policy__code", "basic_policy__title", "measure__basic_policy__code", "measure__basic_policy__title",
    "project__basic_policy__code", "project__basic_policy__title", "measure__code", "measure__title",
    "project__measure__code", "project__measure__title", "project__step__order", "project__step__code",
    "project__step__title", "project__order", "project__code", "project__name", "project__leading",
    "project__lead_department__name", "project__lead_department__parent__name",
)
_INDICATOR = (
    "pk", "code", "kind", "order", "name", "unit", "direction", "tolerance", "cumulative", "baseline_value",
    "baseline_places", "baseline_fiscal_year", "target_value", "target_places", "target_fiscal_year", "formula",
    "data_source", "responsible_department__name", "responsible_department__parent__name", "note",
)
_VALUE = (
    "values__fiscal_year", *PLANNED.names, *ACTUAL.names,
    "values__comment", "values__note", "values__status", "values__version", "values__rate", "values__updated_at",
    "values__updated_by__username",
)


def data_rows(scope: Scope) -> Iterator[dict]:
    """One dict per indicator × fiscal year of the strategy, keyed by the export headings
    (1 query, read in chunks). Indicators in plan order: basic policy, measure, step,
    project, then the indicator's own order."""
    strategy = scope.strategy
    queryset = Indicator.objects.filter(scope.departments("responsible_department"), strategy=strategy)
    if scope.basic_policy is not None:
        queryset = queryset.filter(
            Q(basic_policy=scope.basic_policy) | Q(measure__basic_policy=scope.basic_policy)
            | Q(project__basic_policy=scope.basic_policy)
        )
    queryset = queryset.annotate(
        policy_rank=Coalesce("basic_policy__order", "measure__basic_policy__order", "project__basic_policy__order"),
        measure_rank=Coalesce("measure__order", "project__measure__order"),
    ).order_by(
        F("policy_rank").asc(nulls_last=True), F("measure_rank").asc(nulls_first=True),
        F("project__step__order").asc(nulls_first=True), F("project__order").asc(nulls_first=True),
        "order", "pk", "values__fiscal_year",
    )
    bands = strategy.bands()
    years = strategy.fiscal_years
    rows = queryset.values_list(*_PATH, *_INDICATOR, *_VALUE, named=True).iterator(chunk_size=CHUNK)
    current, fields, seen = None, None, {}
    for row in rows:  # one row per indicator × stored year, an indicator's rows together
        if row.pk != current:
            if current is not None:
                yield from _data_years(fields, seen, years, bands)
            current, fields, seen = row.pk, _data_fields(row), {}
        if row.values__fiscal_year is not None:
            seen[row.values__fiscal_year] = row
    if current is not None:
        yield from _data_years(fields, seen, years, bands)


def _data_fields(row) -> dict:
    """The columns of the indicator and its place in the plan, the same in each of its years."""
    project = row.project__order is not None
    return {
        "basic_policy_code": row.basic_policy__code or row.measure__basic_policy__code
        or row.project__basic_policy__code or "",
        "basic_policy_title": row.basic_policy__title or row.measure__basic_policy__title
        or row.project__basic_policy__title or "",
        "measure_code": row.measure__code or row.project__measure__code or "",
        "measure_title": row.measure__title or row.project__measure__title or "",
        "step_order": row.project__step__order, "step_code": row.project__step__code or "",
        "step_title": row.project__step__title or "",
        "project_order": row.project__order, "project_code": row.project__code or "",
        "project_name": row.project__name or "",
        "project_leading": int(row.project__leading) if project else None,
        "project_lead_department": department_path(row.project__lead_department__name,
                                                   row.project__lead_department__parent__name),
        "indicator_code": row.code, "indicator_kind": row.kind, "indicator_order": row.order,
        "indicator_name": row.name, "unit": row.unit, "direction": row.direction,
        "tolerance": _plain(row.tolerance), "cumulative": int(row.cumulative),
        "baseline_value": _printed(row.baseline_value, row.baseline_places),
        "baseline_fiscal_year": row.baseline_fiscal_year,
        "target_value": _printed(row.target_value, row.target_places), "target_fiscal_year": row.target_fiscal_year,
        "formula": row.formula, "data_source": row.data_source,
        "responsible_department": department_path(row.responsible_department__name,
                                                  row.responsible_department__parent__name),
        "indicator_note": row.note,
    }


def _data_years(fields: dict, seen: dict, years, bands) -> Iterator[dict]:
    """`fields` once per fiscal year of the plan, with the year's value (`seen`: rows by year)."""
    for fy in years:
        value = seen.get(fy)
        row = dict(fields)
        row.update(fiscal_year=fy, fiscal_year_label=fiscal_years.era_label(fy))
        if value is None:
            row.update(planned="", actual="", comment="", value_note="", status="not_entered", version=None,
                       achievement_rate=None, grade=achievement.NOT_EVALUABLE, updated_at="", updated_by="")
        else:
            planned, actual = PLANNED(value), ACTUAL(value)
            rate = value.values__rate  # stored by kpis.rates: the export shows the values as stored now
            updated_at = value.values__updated_at
            row.update(
                planned=_export_value(planned), actual=_export_value(actual), comment=value.values__comment,
                value_note=value.values__note, status=value.values__status, version=value.values__version,
                achievement_rate=rate,
                grade=achievement.grade(rate, bands),
                updated_at=timezone.localtime(updated_at).isoformat(timespec="seconds") if updated_at else "",
                updated_by=value.values__updated_by__username or "",
            )
        yield row


def _export_value(value: achievement.Value) -> str:
    """The display form without thousands separators: 2500.0, －, …, the text, or ''."""
    return format(value.number, "f") if value.is_number else value.display()


def _printed(number, places) -> str:
    return "" if number is None else format(number.quantize(Decimal(1).scaleb(-places)), "f")


def _plain(number) -> str:
    """A Decimal column (6 places stored) without trailing zeros: 3.000000 → 3."""
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
