"""Shared pieces of the import tests: an empty database, dumps, plan snapshots."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings

from kpis.models import Indicator, IndicatorKind, YearlyValue
from plans.models import BasicPolicy, Department, Municipality, Strategy, User
from projects.models import Project, ProjectYear

SASEBO_CITY = {"municipality_code": "sasebo", "municipality_name": "佐世保市", "title": "佐世保市DX戦略"}


def empty_database() -> None:
    """Remove every plan, department, municipality and user, and their history (inside the test's
    transaction, so the session's demo data is back for the next test)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no "deleted" history rows: faster, and an empty history
        Strategy.objects.all().delete()
        User.objects.all().delete()
        Department.objects.filter(parent__isnull=False).delete()
        Department.objects.all().delete()
        Municipality.objects.all().delete()
    for model in (Project, Indicator, YearlyValue):
        model.history.all().delete()


def dump() -> str:
    """Every row of every table, in primary-key order: two equal dumps mean an unchanged database."""
    lines = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            lines.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(lines)


def project_snapshot(strategy: Strategy) -> dict:
    """What a project list states, per project row number, in plain values."""
    projects = (Project.objects.filter(strategy=strategy)
                .select_related("basic_policy", "measure", "step", "lead_department").prefetch_related("categories"))
    return {
        p.order: {
            "code": p.code, "name": p.name, "summary": p.summary, "leading": p.leading,
            "lead_department": p.lead_department.name if p.lead_department else None,
            "categories": sorted(c.name for c in p.categories.all()),
            "basic_policy": (p.basic_policy.code, p.basic_policy.title, p.basic_policy.short_name) if p.basic_policy else None,
            "measure": (p.measure.code, p.measure.title) if p.measure else None,
            "step": p.step.code if p.step else None,
        }
        for p in projects
    }


def phase_snapshot(strategy: Strategy) -> dict:
    return {(y.project.order, y.fiscal_year): (y.phase, y.is_start)
            for y in ProjectYear.objects.filter(project__strategy=strategy).select_related("project")}


def shown(value) -> tuple:
    """A Value with the decimals it carries (Decimal("2500.0") == Decimal("2500") would hide them)."""
    return value.state, None if value.number is None else str(value.number), value.text


def activity_snapshot(strategy: Strategy) -> tuple[dict, dict]:
    indicators = Indicator.objects.filter(strategy=strategy, kind=IndicatorKind.ACTIVITY).select_related(
        "project", "responsible_department")
    by_order = {
        i.project.order: (i.code, i.name, i.unit, i.order, i.direction,
                          i.responsible_department.name if i.responsible_department else None)
        for i in indicators
    }
    values = {
        (v.indicator.project.order, v.fiscal_year): (shown(v.planned), shown(v.actual), v.comment)
        for v in YearlyValue.objects.filter(indicator__strategy=strategy, indicator__kind=IndicatorKind.ACTIVITY)
        .select_related("indicator__project")
    }
    return by_order, values


def kpi_snapshot(strategy: Strategy) -> tuple[dict, dict]:
    indicators = Indicator.objects.filter(strategy=strategy, kind=IndicatorKind.KPI).select_related("measure__basic_policy")
    by_code = {i.code: (i.name, i.unit, i.direction, i.formula, i.order, i.measure.code, i.measure.basic_policy.code)
               for i in indicators}
    values = {(v.indicator.code, v.fiscal_year): (shown(v.planned), shown(v.actual), v.comment)
              for v in YearlyValue.objects.filter(indicator__strategy=strategy, indicator__kind=IndicatorKind.KPI)
              .select_related("indicator")}
    return by_code, values


def policy_snapshot(strategy: Strategy) -> dict:
    return {p.code: (p.title, p.short_name, sorted(c.name for c in p.categories.all()))
            for p in BasicPolicy.objects.filter(strategy=strategy).prefetch_related("categories")}


def reports_export(strategy: Strategy) -> bytes:
    """The data export as dxplan's reports app writes it (the file a user downloads)."""
    import datetime
    import io

    from reports import selectors
    from reports.workbook import build_data_xlsx

    as_of = datetime.date(2026, 3, 31)
    scope = selectors.Scope(strategy, as_of.year)
    out = io.BytesIO()
    build_data_xlsx(out, selectors.data_strategy(scope, as_of=as_of), selectors.data_rows(scope), as_of)
    return out.getvalue()


def export_edited(data: bytes, edits: dict, *, drop: str = "") -> bytes:
    """`data` (a data export) with cells changed — {(indicator_code, fiscal_year): {heading: value}} —
    and, with `drop`, one column removed as if the export predated it."""
    import io

    import openpyxl

    from imports import export_contract

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[export_contract.DATA_SHEET]
    headings = [cell.value for cell in sheet[1]]
    code, year = headings.index("indicator_code"), headings.index("fiscal_year")
    for row in sheet.iter_rows(min_row=2):
        for heading, value in edits.get((row[code].value, row[year].value), {}).items():
            row[headings.index(heading)].value = value
    if drop:
        sheet.delete_cols(headings.index(drop) + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def value_state(value: YearlyValue) -> tuple:
    """What an import must leave alone on a row: actual, comment, note, status, version."""
    value = YearlyValue.objects.get(pk=value.pk)
    return value.actual.display(), value.planned.display(), value.comment, value.note, value.status, value.version


def round_rows(n: int) -> list[YearlyValue]:
    """Rows of 観光商工部 (alice, bob) not entered yet in Sasebo's open round (FY2024)."""
    from kpis.models import EntryStatus

    return list(YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year=2024, status=EntryStatus.NOT_ENTERED,
        indicator__responsible_department__name="観光商工部").select_related("indicator").order_by("pk")[:n])


def entered(user, value: YearlyValue, actual: str, comment: str) -> YearlyValue:
    """A draft saved through the workflow, from the row's current version."""
    from kpis import workflow

    value = YearlyValue.objects.get(pk=value.pk)
    return workflow.entry_save(user=user, yearly_value=value, actual=actual, comment=comment,
                               expected_version=value.version)


def approved(value: YearlyValue, *, staff, manager, dx_office) -> YearlyValue:
    """Entered (actual 5, comment FINAL-A-2), submitted and approved at both stages, through the workflow."""
    from kpis import workflow
    from kpis.models import EntryStatus

    entered(staff, value, "5", "FINAL-A-2")
    workflow.entry_submit(user=staff, yearly_values=[value])
    workflow.review_approve(user=manager, yearly_values=[value])
    workflow.review_approve(user=dx_office, yearly_values=[value])
    value = YearlyValue.objects.get(pk=value.pk)
    assert value.status == EntryStatus.APPROVED
    return value
