"""What the import writes with plain SQL (imports/tables.py): history rows as
django-simple-history makes them, stored achievement rates, tree nodes across batches,
and a number of queries that does not grow with the rows."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from imports import services
from imports.services import plan_import_apply, plan_import_preview
from imports.tables import _chunks
from kpis.models import Direction, Indicator, YearlyValue, stale_rates
from plans.models import BasicPolicy, Role, Strategy, User
from projects.models import Project
from tests.imports.import_builders import data_export, read_csv, sasebo_project_list, save
from tests.imports.import_helpers import (
    SASEBO_CITY,
    activity_snapshot,
    dump,
    empty_database,
    phase_snapshot,
    policy_snapshot,
    project_snapshot,
)

pytestmark = pytest.mark.django_db

FILE = "一覧.xlsx"
REASON = f"Excel取込: {FILE}"


def _apply(data, user, **options):
    options.setdefault("strategy_code", "sasebo-dx")
    return plan_import_apply(data=data, file_name=FILE, user=user, **options)


@pytest.fixture
def importer():
    empty_database()
    return User.objects.create_user("importer", role=Role.ADMIN)


def _tracked(model, obj):
    """The fields simple-history keeps of a `model` row (or of its history record)."""
    return {f.attname: getattr(obj, f.attname) for f in model.history.model.tracked_fields}


def test_changes_are_in_the_history_with_the_importing_user_and_reason(importer):
    _apply(save(sasebo_project_list()), importer, new_strategy=SASEBO_CITY, create_missing=True)
    dave = User.objects.create_user("dave2", role=Role.ADMIN)
    book = sasebo_project_list()
    book.active["K4"] = "名前を変えた事業"  # project 1
    book.active["K8"] = "これも変えた事業"  # project 5: ids not adjacent to project 1's
    book.active["S4"] = 7  # project 1, R5 planned (was 1)
    before = {model: model.history.count() for model in (Project, Indicator, YearlyValue)}
    run = _apply(save(book), dave)
    assert run.counts["project"]["updated"] == 2 and run.counts["yearly_value"]["updated"] == 1
    changed = {Project: 2, Indicator: 0, YearlyValue: 1}
    for model, count in changed.items():
        assert model.history.count() == before[model] + count
        for record in model.history.filter(history_type="~"):
            assert (record.history_user, record.history_change_reason) == (dave, REASON)
            assert _tracked(model, record) == _tracked(model, model.objects.get(pk=record.id))
    value = YearlyValue.objects.get(indicator__code="P001-A1", fiscal_year=2023)
    assert (value.version, value.updated_by, value.planned.display()) == (2, dave, "7")


def test_a_second_import_of_the_same_file_writes_nothing(importer):
    data = save(sasebo_project_list())
    _apply(data, importer, new_strategy=SASEBO_CITY, create_missing=True)
    before = [line for line in dump().splitlines() if not line.startswith("plans_importrun")]
    run = _apply(data, importer)
    assert all(c["created"] == c["updated"] == 0 for c in run.counts.values()), run.counts
    assert [line for line in dump().splitlines() if not line.startswith("plans_importrun")] == before


def test_history_without_a_user_and_with_history_off(importer):
    _apply(save(sasebo_project_list(read_csv("projects.csv")[:5])), None, new_strategy=SASEBO_CITY,
           create_missing=True)
    assert set(YearlyValue.history.values_list("history_user", "history_change_reason", "history_type")) == {
        (None, REASON, "+")}
    Strategy.objects.all().delete()
    for model in (Project, Indicator, YearlyValue):
        model.history.all().delete()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        _apply(save(sasebo_project_list(read_csv("projects.csv")[:5])), None, new_strategy=SASEBO_CITY,
               create_missing=True)
    assert YearlyValue.objects.exists()
    assert not any(model.history.exists() for model in (Project, Indicator, YearlyValue))


def test_imported_values_carry_their_achievement_rate(importer):
    _apply(save(sasebo_project_list()), importer, new_strategy=SASEBO_CITY, create_missing=True)
    assert YearlyValue.objects.filter(rate__isnull=False).count() > 100
    assert stale_rates() == []


def test_a_changed_direction_refreshes_the_rates_of_values_the_file_leaves_out():
    strategy = Strategy.objects.get(code="sasebo-dx")
    book = data_export(strategy)
    empty_database()
    plan_import_apply(data=save(book), file_name="export.xlsx", create_missing=True)
    sheet = book["データ"]
    column = {cell.value: cell.column for cell in sheet[1]}
    rated = YearlyValue.objects.filter(rate__isnull=False).select_related("indicator").order_by("pk")
    code = next(v.indicator.code for v in rated if v.indicator.values.filter(rate__isnull=False).count() >= 2)
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column["indicator_code"]).value == code]
    kept = None
    for r in rows:
        sheet.cell(r, column["direction"]).value = "down"
        if kept is None and sheet.cell(r, column["actual"]).value not in (None, ""):
            kept = int(sheet.cell(r, column["fiscal_year"]).value)
    sheet.delete_rows(next(r for r in rows if int(sheet.cell(r, column["fiscal_year"]).value) == kept))
    left_out = YearlyValue.objects.get(indicator__code=code, fiscal_year=kept)
    run = plan_import_apply(data=save(book), file_name="export.xlsx")
    assert run.counts["indicator"]["updated"] == 1
    assert Indicator.objects.get(code=code).direction == Direction.DOWN
    left_out.refresh_from_db()
    assert left_out.rate is not None and left_out.rate == left_out.achievement_rate()
    assert stale_rates() == []


def _snapshot(strategy):
    return project_snapshot(strategy), phase_snapshot(strategy), activity_snapshot(strategy), policy_snapshot(strategy)


def test_tree_nodes_created_in_one_batch_serve_the_next(importer, monkeypatch):
    data = save(sasebo_project_list())
    one_batch = _apply(data, importer, new_strategy=SASEBO_CITY, create_missing=True).counts
    expected = _snapshot(Strategy.objects.get(code="sasebo-dx"))
    empty_database()
    monkeypatch.setattr(services, "BATCH_ITEMS", 7)  # 16 batches: most nodes are made before their later rows
    many = _apply(data, User.objects.create_user("importer2"), new_strategy=SASEBO_CITY, create_missing=True).counts
    assert many == one_batch
    assert _snapshot(Strategy.objects.get(code="sasebo-dx")) == expected


def test_a_policy_renamed_by_code_is_found_by_its_new_title_not_its_old(dave):
    book = sasebo_project_list(read_csv("projects.csv")[:3])
    sheet = book.active
    old_title = sheet["E4"].value
    sheet["E4"] = sheet["E6"] = "新しい重点課題名"  # rows 1 and 3 keep the code: the policy takes this title
    sheet["D5"], sheet["E5"] = None, "新しい重点課題名"  # row 2 names it by the new title only
    data = save(book)
    run = _apply(data, dave)
    policy = Project.objects.get(strategy__code="sasebo-dx", order=2).basic_policy
    assert (policy.code, policy.title) == (sheet["D4"].value, "新しい重点課題名")
    assert run.counts["basic_policy"]["created"] == 0
    sheet["D6"], sheet["E6"] = None, old_title  # row 3 by the old title: no longer any policy's
    preview = plan_import_preview(data=save(book), file_name=FILE, strategy_code="sasebo-dx")
    assert [u["printed"] for u in preview.unknown if u["kind"] == "basic_policy"] == [old_title]


def test_a_policy_created_and_renamed_in_one_batch(dave):
    book = sasebo_project_list(read_csv("projects.csv")[:2])
    sheet = book.active
    sheet["D4"], sheet["E4"] = "99-1", "最初の名前"
    sheet["D5"], sheet["E5"] = "99-1", "あとの名前"
    _apply(save(book), dave, create_missing=True)
    assert list(BasicPolicy.objects.filter(strategy__code="sasebo-dx", code="99-1").values_list("title", flat=True)) == [
        "あとの名前"]
    assert Project.objects.get(strategy__code="sasebo-dx", order=1).basic_policy.title == "あとの名前"


def _rows(count: int) -> list[dict]:
    base = read_csv("projects.csv")[:5]
    return [dict(base[n % 5], pid=f"{base[n % 5]['pid']}-{n}", name=f"事業 {n}") for n in range(count)]


def test_queries_do_not_grow_with_the_rows_of_a_batch(importer):
    reads, writes = [], []
    for size in (10, 40):
        with CaptureQueriesContext(connection) as queries:
            _apply(save(sasebo_project_list(_rows(size))), importer, strategy_code=f"s{size}",
                   new_strategy=SASEBO_CITY | {"municipality_code": f"m{size}"}, create_missing=True)
        reads.append(sum(q["sql"].startswith("SELECT") for q in queries.captured_queries))
        writes.append(len(queries) - reads[-1])
    assert reads[0] == reads[1], reads  # one per level and batch
    assert writes[1] < 40, writes  # multi-row statements (a few per table), never one per row


def test_insert_chunks_keep_a_few_shapes():
    sizes = [len(chunk) for chunk in _chunks(list(range(1000)), 300)]
    assert sizes == [300, 300, 300, 64, 32, 4] and sum(sizes) == 1000
    assert [len(chunk) for chunk in _chunks([1], 300)] == [1]
