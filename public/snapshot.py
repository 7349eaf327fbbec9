"""The publication's snapshot: what the annual report prints as of now, as a JSON document.

It reads the report's own selectors (reports.selectors: `report_meta`, `report_sections`,
`report_grades`, `report_project_rows`), so the as-of rule is the report's
(reports/selectors/as_of.py): an actual appears only in its approved version, else as
「未確定」 without a number; texts, step statuses and phases likewise. Revisions in force are
listed with their reason. Actuals of years after the published one are left out (they belong
to a later publication); planned values of every year are the plan's and stay. The document holds only what the public may see; the pages and the
open data are built from it alone, so a later edit in dxplan never changes them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from plans.achievement import Value
from reports.selectors import Scope, report_grades, report_meta, report_project_rows, report_sections
from reports.selectors.as_of import NOTHING
from reports.workbook.labels import PENDING

SCHEMA_VERSION = 1


def value_doc(value: Value | None) -> dict | None:
    """A value as JSON: state, the number as a decimal string (as entered), text, display."""
    if value is None:
        return None
    return {"state": value.state, "number": None if value.number is None else str(value.number),
            "text": value.text, "display": value.display()}


def snapshot_build(*, strategy, fiscal_year: int, published_at: datetime.datetime, licence: str) -> dict:
    """The document of a publication of `strategy`'s `fiscal_year`, read as of now."""
    scope = Scope(strategy, fiscal_year)
    meta = report_meta(scope, as_of=timezone.localdate(published_at))
    years = list(meta.fiscal_years)
    return {
        "schema": SCHEMA_VERSION,
        "municipality": {"code": strategy.municipality.code, "name": meta.municipality},
        "strategy": {"code": strategy.code, "title": meta.strategy_title},
        "labels": {"basic_policy": meta.label_basic_policy, "measure": meta.label_measure,
                   "step": meta.label_step, "project": meta.label_project},
        "fiscal_year": fiscal_year,
        "fiscal_years": years,
        "phase_years": list(meta.phase_years),
        "published_at": published_at.isoformat(),
        "licence": licence,
        "bands": [{"grade": b.grade, "min_rate": str(b.min_rate)} for b in meta.bands],
        "grades": [{"code": g.code, "name": g.name, "counts": dict(g.counts)} for g in report_grades(scope)],
        "policies": [_policy(section, years, fiscal_year) for section in report_sections(scope)],
        "projects": [_project(row, years, fiscal_year) for row in report_project_rows(scope, meta)],
    }


def _values(years, planned, actual, fiscal_year: int) -> list[dict]:
    return [{"fiscal_year": fy, "planned": value_doc(p), "actual": value_doc(a if fy <= fiscal_year else NOTHING)}
            for fy, p, a in zip(years, planned, actual)]


def _policy(section, years, fiscal_year: int) -> dict:
    return {
        "code": section.code, "title": section.title, "short_name": section.short_name,
        "goal": section.goal, "summary": section.summary,
        "texts": [list(t) for t in section.texts],
        "measures": [{"code": m.code, "title": m.title, "target_image": m.target_image, "goal": m.goal}
                     for m in section.measures],
        "steps": [{"owner": s.owner, "code": s.code, "title": s.title, "statuses": list(s.statuses)}
                  for s in section.steps],
        "indicators": [_indicator(i, years, fiscal_year) for i in section.indicators],
    }


def _indicator(row, years, fiscal_year: int) -> dict:
    return {
        "code": row.code, "path": list(row.path), "owner": row.owner, "name": row.name, "unit": row.unit,
        "direction": row.direction, "formula": row.formula, "comment": row.comment,
        "baseline": value_doc(row.baseline), "baseline_year": row.baseline_year,
        "target": value_doc(row.target), "target_year": row.target_year,
        "grade": row.grade, "rate": None if row.rate is None else str(row.rate), "evaluated_year": row.evaluated_year,
        "values": _values(years, row.planned, row.actual, fiscal_year),
        "revisions": [{"fiscal_year": r.fiscal_year, "old": value_doc(r.old), "new": value_doc(r.new),
                       "reason": r.reason, "revised_on": r.revised_on.isoformat()} for r in row.revisions],
    }


def _project(row, years, fiscal_year: int) -> dict:
    return {
        "code": row.code, "name": row.name, "department": row.department, "basic_policy": row.basic_policy,
        "measure": row.measure, "step": row.step, "summary": row.summary, "leading": row.leading,
        "phases": list(row.phases), "indicator": row.indicator, "unit": row.unit, "continued": row.continued,
        "values": _values(years, row.planned, row.actual, fiscal_year),
    }


def missing_items(document: dict) -> dict[str, list[str]]:
    """What the document lacks for its fiscal year (plain Python): indicators whose actual of the
    year is not approved (「未確定」), basic policies and measures whose goal or summary of the
    year is empty or not approved, projects whose phase of the year is not approved."""
    fy = document["fiscal_year"]
    pending_values, empty_texts, pending_phases = [], [], []
    for policy in document["policies"]:
        name = f"{policy['code']} {policy['short_name'] or policy['title']}".strip()
        for kind, text in (("goal", policy["goal"]), ("summary", policy["summary"])):
            if not text.strip() or text == PENDING:
                empty_texts.append(f"{name} ({kind})")
        for measure in policy["measures"]:
            if not measure["goal"].strip() or measure["goal"] == PENDING:
                empty_texts.append(f"{measure['code']} {measure['title']} (goal)".strip())
        for indicator in policy["indicators"]:
            for value in indicator["values"]:
                if value["fiscal_year"] == fy and value["actual"]["display"] == PENDING:
                    pending_values.append(f"{indicator['owner']}: {indicator['name']}")
    for project in document["projects"]:
        label = f"{project['code']} {project['name']}".strip()
        if not project["continued"] and fy in document["phase_years"]:
            if project["phases"][document["phase_years"].index(fy)] == PENDING:
                pending_phases.append(label)
        for value in project["values"]:
            if value["fiscal_year"] == fy and value["actual"]["display"] == PENDING:
                pending_values.append(f"{label}: {project['indicator']}")
    return {"values": pending_values, "texts": empty_texts, "phases": pending_phases}
