"""The KPI sheet, the data export round trip, mapping of unknown names, the import record."""

import pytest
from django.utils import timezone

from imports.models import ImportRun
from imports.problems import ImportRefused
from imports.services import plan_import_apply, plan_import_preview, sha256_of
from kpis.models import Indicator, IndicatorKind
from plans import fiscal_years
from plans.models import Department, Role, Strategy, User
from projects.models import Project
from tests.imports.import_builders import (
    EXPORT_HEADINGS,
    data_export,
    export_rows,
    kpi_sheet,
    read_csv,
    sasebo_project_list,
    save,
    strategy_rows,
)
from tests.imports.import_helpers import SASEBO_CITY, dump, empty_database, kpi_snapshot

pytestmark = pytest.mark.django_db

IGNORED = {EXPORT_HEADINGS.index(name) for name in ("updated_at", "updated_by")}


def _comparable(rows):
    return sorted(tuple(str(x) for i, x in enumerate(row) if i not in IGNORED) for row in rows)


@pytest.mark.parametrize("code", ["sasebo-dx", "nagasaki-h"])  # the demo plans that have indicators
def test_data_export_round_trip(code):
    """export → import into an empty database → export again gives identical data."""
    strategy = Strategy.objects.get(code=code)
    first_rows, first_plan = export_rows(strategy), strategy_rows(strategy)
    assert first_rows, "the demo strategy has indicators to export"
    data = save(data_export(strategy))
    empty_database()
    importer = User.objects.create_user("importer", role=Role.ADMIN)
    run = plan_import_apply(data=data, file_name="export.xlsx", user=importer, create_missing=True)
    assert run.format == "data_export" and run.strategy_code == code
    again = Strategy.objects.get(code=code)
    assert strategy_rows(again) == first_plan
    assert _comparable(export_rows(again)) == _comparable(first_rows)
    history = Indicator.history.filter(history_change_reason="Excel取込: export.xlsx").count()
    rerun = plan_import_apply(data=data, file_name="export.xlsx", user=importer)
    assert all(c["created"] == c["updated"] == 0 for c in rerun.counts.values()), rerun.counts
    assert Indicator.history.filter(history_change_reason="Excel取込: export.xlsx").count() == history


def test_kpi_sheet_gives_load_demos_kpis():
    sasebo = Strategy.objects.get(code="sasebo-dx")
    expected, expected_values = kpi_snapshot(sasebo)
    book = kpi_sheet(sasebo_project_list())
    empty_database()
    run = plan_import_apply(data=save(book), file_name="sasebo.xlsx", strategy_code="sasebo-dx",
                           new_strategy=SASEBO_CITY, create_missing=True)
    assert run.format == "kpi_sheet+project_list"
    got, got_values = kpi_snapshot(Strategy.objects.get(code="sasebo-dx"))
    assert got == expected
    current = fiscal_years.current_fiscal_year(timezone.localdate())
    for (code, fiscal_year), (planned, actual, comment) in expected_values.items():
        if not comment:
            empty = (("empty", None, ""), ("empty", None, ""), "")
            assert got_values.get((code, fiscal_year), empty)[:2] == (planned, actual), (code, fiscal_year)
        elif actual[0] != "empty" or any(k[0] == code and v[1][0] != "empty" for k, v in expected_values.items()):
            assert got_values[(code, fiscal_year)] == (planned, actual, comment), (code, fiscal_year)
        else:  # no actual at all: the evaluation goes to the current fiscal year (within the sheet's years)
            year = min(max(current, 2021), 2027)
            assert got_values[(code, year)][2] == comment
    assert Indicator.objects.filter(kind=IndicatorKind.KPI).count() == 44


def test_unknown_department_mapped_to_an_existing_one(dave):
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["C4"] = "観光商工局"
    data = save(book)
    preview = plan_import_preview(data=data, file_name="x.xlsx", strategy_code="sasebo-dx")
    assert [(u["printed"], u["decision"], u["rows"]) for u in preview.unknown] == [("観光商工局", "", ["活動指標!4"])]
    before = dump()
    run = plan_import_apply(data=data, file_name="x.xlsx", user=dave, strategy_code="sasebo-dx",
                            mapping={"department": {"観光商工局": "観光商工部"}})
    assert dump() != before
    project = Project.objects.get(strategy__code="sasebo-dx", order=1)
    assert project.lead_department.name == "観光商工部"
    assert not Department.objects.filter(name="観光商工局").exists()
    assert run.mapping == {"department": {"観光商工局": "観光商工部"}}


def test_unknown_department_created_on_confirmation(dave):
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["C4"] = "行政経営改革部/データ活用課"
    plan_import_apply(data=save(book), file_name="x.xlsx", user=dave, strategy_code="sasebo-dx", create_missing=True)
    created = Department.objects.get(name="データ活用課")
    assert created.parent.name == "行政経営改革部"
    assert Project.objects.get(strategy__code="sasebo-dx", order=1).lead_department == created


def test_mapping_to_a_department_that_does_not_exist_is_a_problem(dave):
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["C4"] = "観光商工局"
    with pytest.raises(ImportRefused) as refused:
        plan_import_apply(data=save(book), file_name="x.xlsx", user=dave, strategy_code="sasebo-dx",
                          mapping={"department": {"観光商工局": "存在しない部"}})
    assert any(p.code == "bad_mapping" and "存在しない部" in p.ja for p in refused.value.problems)


def test_import_is_recorded(dave):
    data = save(sasebo_project_list(read_csv("projects.csv")[:3]))
    run = plan_import_apply(data=data, file_name="一覧.xlsx", user=dave, strategy_code="sasebo-dx")
    run.refresh_from_db()
    assert (run.created_by, run.file_name, run.sha256, run.size) == (dave, "一覧.xlsx", sha256_of(data), len(data))
    assert run.status == ImportRun.Status.APPLIED and run.finished_at and run.strategy.code == "sasebo-dx"
    assert run.counts["project"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert run.rows == 3


def test_changed_planned_value_is_a_target_revision(dave):
    from kpis.models import TargetRevision, YearlyValue

    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["S4"] = 7  # row 1 (観光1-1-4), R5 planned: 1 in the fixture
    run = plan_import_apply(data=save(book), file_name="改訂.xlsx", user=dave, strategy_code="sasebo-dx")
    assert run.counts["yearly_value"]["updated"] == 1
    value = YearlyValue.objects.get(indicator__code="P001-A1", indicator__strategy__code="sasebo-dx", fiscal_year=2023)
    assert value.planned.display() == "7"
    revision = TargetRevision.objects.get(yearly_value=value)
    assert (revision.old.display(), revision.new.display(), revision.reason) == ("1", "7", "Excel取込: 改訂.xlsx")
    last = value.history.first()
    assert (last.history_type, last.history_user, last.history_change_reason) == ("~", dave, "Excel取込: 改訂.xlsx")


def test_the_template_filled_in_imports(dave):
    import io

    import openpyxl

    from imports.template import build_for

    book = openpyxl.load_workbook(io.BytesIO(build_for(Strategy.objects.get(code="sasebo-dx"))))
    row = dict.fromkeys(EXPORT_HEADINGS, None) | {
        "basic_policy_code": "01-01", "measure_code": "1", "indicator_code": "観光-KPI9", "indicator_kind": "kpi",
        "indicator_name": "テンプレートから入れた KPI", "unit": "件", "direction": "up", "fiscal_year": 2025,
        "planned": "12", "status": "not_entered",
    }
    book["データ"].append([row[h] for h in EXPORT_HEADINGS])
    run = plan_import_apply(data=save(book), file_name="template.xlsx", user=dave)
    assert run.strategy_code == "sasebo-dx" and run.counts["indicator"]["created"] == 1
    kpi = Indicator.objects.get(strategy__code="sasebo-dx", code="観光-KPI9")
    assert (kpi.measure.code, kpi.measure.basic_policy.code, kpi.values.get().planned.display()) == ("1", "01-01", "12")


def test_command_dry_run_and_import(tmp_path, capsys, dave):
    from django.core.management import call_command

    path = tmp_path / "一覧.xlsx"
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    book.active["C4"] = "観光商工局"
    path.write_bytes(save(book))
    before = dump()
    with pytest.raises(Exception, match="--dry-run|problems|問題"):
        call_command("import_plan", str(path), "--strategy", "sasebo-dx", "--dry-run")
    out = capsys.readouterr()
    assert "観光商工局" in out.out and "未決定" in out.out and "--create-missing" in out.err
    call_command("import_plan", str(path), "--strategy", "sasebo-dx", "--dry-run", "--map-department", "観光商工局=観光商工部")
    # Japanese by default (LANGUAGE_CODE), one language only.
    out = capsys.readouterr().out
    assert "確認のみ（--dry-run）: 何も保存していません。" in out and "Dry run" not in out
    assert dump() == before
    call_command("import_plan", str(path), "--strategy", "sasebo-dx", "--map-department", "観光商工局=観光商工部",
                 "--user", "dave", "--language", "en")
    out = capsys.readouterr().out
    assert "Imported 一覧.xlsx: 3 rows into sasebo-dx." in out and "取り込みました" not in out
    assert ImportRun.objects.get().created_by == dave


@pytest.mark.parametrize("code", ["sasebo-dx", "nagasaki-h"])
def test_round_trip_of_the_reports_exporter(code):
    """The same round trip with the exporter of the reports app (reports.workbook.data_export)."""
    import datetime
    import io

    from reports import selectors
    from reports.workbook import build_data_xlsx

    as_of = datetime.date(2026, 3, 31)

    def export():
        scope = selectors.Scope(Strategy.objects.get(code=code), 2025)
        strategy = selectors.data_strategy(scope, as_of=as_of)
        rows = [{k: v for k, v in row.items() if k not in ("updated_at", "updated_by")} for row in selectors.data_rows(scope)]
        out = io.BytesIO()
        build_data_xlsx(out, strategy, selectors.data_rows(scope), as_of)
        return strategy, rows, out.getvalue()

    strategy, rows, data = export()
    assert rows
    empty_database()
    plan_import_apply(data=data, file_name="export.xlsx", create_missing=True)
    again_strategy, again_rows, _ = export()
    assert again_strategy == strategy
    assert again_rows == rows
