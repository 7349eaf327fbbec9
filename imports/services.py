"""Importing a plan from a workbook: preview (never writes), apply (one transaction).

The management command import_plan and the upload page both call these functions.
`plan_import_apply` reads the file again inside its transaction, so what it stores is
what the file says against the database as it is then; any blocking problem raises
ImportRefused and rolls everything back.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from imports import data_export, export_contract, headers, kpi_sheet, sasebo_projects
from imports.cells import is_blank_row
from imports.limits import PREVIEW_EXPIRES_AFTER_HOURS, TIME_LIMIT_MESSAGE
from imports.models import ImportRun
from imports.plan import Planner, Preview
from imports.problems import ImportRefused, Problem, Problems
from imports.records import StrategyRecord
from imports.workbook import Workbook, max_bytes
from plans import boundary, heartbeat
from plans.language import stored
from plans.models import Municipality, Strategy

BATCH_ITEMS = 500
READERS = {"project_list": sasebo_projects.read, "kpi_sheet": kpi_sheet.read, "data_export": data_export.read}
SPECS = [sasebo_projects.SPEC, kpi_sheet.SPEC]


def change_reason(file_name: str) -> str:
    return f"Excel取込: {file_name}"[:100]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading -------------------------------------------------------------------------------


def _head(sheet, rows: int = headers.SEARCH_ROWS) -> list[tuple[int, list]]:
    iterator = sheet.rows()
    try:
        return [row for row in itertools.islice(iterator, rows * 2) if not is_blank_row(row[1])][:rows]
    finally:
        iterator.close()


def _data_rows(sheet, header) -> Iterator[tuple[int, list]]:
    return ((number, cells) for number, cells in sheet.rows() if number > header.last_row)


def _unrecognised(sheet, best, problems: Problems, *, blocking: bool):
    spec = best.spec if best else None
    found = headers.describe_found(best)
    if blocking:
        problems.add(Problem(
            "header_not_recognised",
            f"見出しを認識できません。必要な見出し: {spec.expected_ja}。見つかった見出し: {found or '（なし）'}",
            f"The header is not recognised. Expected: {spec.expected_en}. Found: {found or '(none)'}",
            sheet=sheet.title,
        ))
    else:
        problems.add(Problem("sheet_skipped", "このシートは読み込み対象の形式ではないため読み飛ばしました。",
                             "This sheet is not in a format the import reads; it was skipped.",
                             sheet=sheet.title, blocking=False))


def _merged_over_headings(sheet, header, cells: str, problems: Problems):
    found = headers.describe_found(header)
    problems.add(Problem(
        "header_not_recognised",
        f"見出しを認識できません。セル {cells} が結合されているため、結合の先頭以外の列の見出しが消えています。"
        f"結合を解除し、列ごとに見出しを入れてください。必要な見出し: {header.spec.expected_ja}。見つかった見出し: {found}",
        f"The header is not recognised. The cells {cells} are merged, so the headings of the columns after the "
        f"first are lost. Unmerge them and give each column its heading. Expected: {header.spec.expected_en}. "
        f"Found: {found}",
        sheet=sheet.title, row=header.last_row,
    ))


def _sources(book: Workbook, problems: Problems):
    """[(sheet, header)], the strategy record and the format name; refuses what cannot be read."""
    record = StrategyRecord()
    if data_export.is_data_export(book):
        sheet = book.sheet(export_contract.DATA_SHEET)
        head = _head(sheet, 1)
        header = data_export.header_of(head[0][1]) if head and head[0][0] == 1 else None
        if header is None:
            raise ImportRefused([Problem(
                "header_not_recognised",
                f"見出しを認識できません。必要な見出し: {data_export.SPEC.expected_ja}",
                f"The header is not recognised. Expected: {data_export.SPEC.expected_en}", sheet=sheet.title, row=1,
            )])
        record = data_export.read_strategy(book.sheet(export_contract.STRATEGY_SHEET), problems)
        return [(sheet, header)], record, "data_export"
    sources, any_data, found = [], False, []
    for title in book.hidden_sheets:
        problems.add(Problem("hidden_sheet_skipped", "非表示のシートは読み込みません。読み込むには Excel で再表示してください。",
                             "Hidden sheets are not read; unhide the sheet in Excel to import it.", sheet=title,
                             blocking=False))
    for sheet in book.sheets:
        if sheet.title == export_contract.STRATEGY_SHEET:
            record = data_export.read_strategy(sheet, problems)
            continue
        head = _head(sheet)
        if not head:
            continue
        any_data = True
        header, best = headers.recognise(SPECS, sheet.title, head)
        hidden = headers.merge_hiding_headings(header or best, sheet.merged_ranges)
        if hidden is not None:
            _merged_over_headings(sheet, header or best, hidden, problems)
        elif header is not None:
            sources.append((sheet, header))
        else:
            found.append(f"「{sheet.title}」: {headers.describe_found(best) or '-'}")
            # A sheet that looks like a plan but misses a heading is refused; a cover page is skipped.
            _unrecognised(sheet, best, problems, blocking=bool(best and (len(best.by_field) >= 2 or best.years)))
    if not any_data:
        raise ImportRefused([Problem("empty_workbook", "ブックにデータがありません（すべてのシートが空です）。",
                                     "The workbook is empty (every sheet is blank)."), *problems.notices()])
    if not sources and not problems.blocking:
        expected_ja = " / ".join(f"{s.ja}: {s.expected_ja}" for s in SPECS)
        expected_en = " / ".join(f"{s.en}: {s.expected_en}" for s in SPECS)
        seen = " / ".join(found)
        raise ImportRefused([Problem("header_not_recognised",
                                     f"読み込める形式のシートがありません。必要な見出し — {expected_ja}。見つかった見出し — {seen}",
                                     f"No sheet is in a format the import reads. Expected headings — {expected_en}. "
                                     f"Found — {seen}"), *problems.notices()])
    sources.sort(key=lambda source: source[1].spec.key != "project_list")
    formats = {header.spec.key for _, header in sources}
    return sources, record, "+".join(sorted(formats))


def _strategy_record(record: StrategyRecord, sources, new_strategy: dict) -> StrategyRecord:
    """Creation defaults: period from the year columns, level names from the group headings."""
    years = sorted({fy for _, header in sources for fy in header.fiscal_years})
    defaults = {"title": new_strategy.get("title") or record.values.get("title") or ""}
    if years:
        defaults.update(first_fiscal_year=years[0], last_fiscal_year=years[-1])
    for _, header in sources:
        if header.spec.key == "project_list":
            defaults.update(sasebo_projects.strategy_labels(header))
    record.defaults = defaults
    record.municipality_code = new_strategy.get("municipality_code") or record.municipality_code
    record.municipality_name = new_strategy.get("municipality_name") or record.municipality_name
    return record


@contextmanager
def _old_objects_frozen():
    """Leave the objects that existed before the import (Django, openpyxl, the app) out of the
    cyclic garbage collector's full passes while it runs. Each batch's rows outlive the young
    generations, so the collector kept walking every object of the process: a tenth of the
    import at 10,000 rows. Cycles made during the import are still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run(*, data: bytes, file_name: str, strategy_code: str, new_strategy: dict | None, mapping: dict | None,
         create_missing: bool, user, write: bool, progress: Callable | None, municipality=None) -> Preview:
    problems = Problems()
    book = Workbook(data, file_name=file_name)
    try:
        sources, record, fmt = _sources(book, problems)
        code = strategy_code or record.values.pop("code", "")
        record.values.pop("code", None)
        if not code:
            raise ImportRefused([Problem("strategy_code_missing", "取り込み先の計画・戦略のコードを指定してください。",
                                         "Give the code of the strategy to import into.")])
        record = _strategy_record(record, sources, new_strategy or {})
        if municipality is not None:
            _check_municipality(code, record, municipality)
        _check_new_strategy(code, record)
        planner = Planner(strategy_code=code, record=record, mapping=mapping or {}, create_missing=create_missing,
                          user=user, reason=change_reason(file_name), write=write, problems=problems)
        total = sum(sheet.worksheet.max_row or 0 for sheet, _ in sources)
        items_read = 0
        for sheet, header in sources:
            reader = data_export.read if fmt == "data_export" else READERS[header.spec.key]
            for batch in _batches(reader(sheet, header, _data_rows(sheet, header), problems)):
                planner.process(batch)
                items_read += len(batch)
                if progress:
                    last = batch[-1].project or batch[-1].indicator
                    progress(last.where.row, total)
        preview = planner.finish()
    finally:
        book.close()
    preview.format, preview.sheets, preview.rows = fmt, [sheet.title for sheet, _ in sources], items_read
    if problems.dropped:
        preview.problems.append(Problem("more_problems", f"ほかに {problems.dropped} 件の問題があります。",
                                        f"{problems.dropped} more problems are not listed."))
    return preview


def _check_municipality(code: str, record: StrategyRecord, municipality: Municipality):
    """The municipality boundary (plans.boundary): an upload imports into its city's plans only.
    A workbook naming another city's plan is refused before anything is read into it; a new
    plan belongs to the importing city (creating municipalities is the system operator's)."""
    existing = Strategy.objects.filter(code=code).select_related("municipality").first()
    if existing is not None:
        if existing.municipality_id != municipality.pk:
            other = existing.municipality
            raise ImportRefused([Problem(
                "other_municipality",
                f"計画・戦略「{code}」は{other.name}の計画です。{municipality.name}の管理者は他の自治体の計画には"
                f"取り込めません。何も取り込んでいません。",
                f"Strategy {code!r} is a plan of {other.name}; an administrator of {municipality.name} cannot import "
                f"into another municipality's plan. Nothing was imported.",
            )])
        return
    named = record.municipality_code
    if named and named != municipality.code:
        raise ImportRefused([Problem(
            "other_municipality_new",
            f"新しい計画・戦略「{code}」は自治体「{named}」のものとして作れません。取り込みで作る計画は"
            f"{municipality.name}（{municipality.code}）のものになります。自治体コードを空欄にするか "
            f"{municipality.code} にしてください。何も取り込んでいません。",
            f"The new strategy {code!r} cannot be created for the municipality {named!r}: a plan created by an "
            f"import belongs to {municipality.name} ({municipality.code}). Leave the municipality code blank or give "
            f"{municipality.code}. Nothing was imported.",
        )])
    record.municipality_code, record.municipality_name = municipality.code, municipality.name


def _check_new_strategy(code: str, record: StrategyRecord):
    if Strategy.objects.filter(code=code).exists():
        return
    known = bool(record.municipality_code) and Municipality.objects.filter(code=record.municipality_code).exists()
    if not known and not (record.municipality_code and record.municipality_name):
        raise ImportRefused([Problem(
            "municipality_missing",
            f"計画・戦略「{code}」は dxplan にありません。新しく作るには自治体（コードと名称）を指定してください。",
            f"Strategy {code!r} does not exist; to create it, give the municipality (code and name).",
        )])


def _batches(items, size: int | None = None):
    size, batch = size or BATCH_ITEMS, []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the two services ----------------------------------------------------------------------


def plan_import_preview(*, data: bytes, file_name: str, strategy_code: str = "", new_strategy: dict | None = None,
                        mapping: dict | None = None, create_missing: bool = False, progress=None,
                        municipality: Municipality | None = None) -> Preview:
    """What the import would do, and every problem found; stores nothing.

    `municipality` (the upload page: the administrator's city) confines the import to that
    city's plans (`_check_municipality`); None (the command line) imports into any plan.

    Refusals of the file itself (not xlsx, too large, no recognisable header …) raise
    ImportRefused; problems in rows are returned in the preview.
    """
    with transaction.atomic(), _old_objects_frozen():
        preview = _run(data=data, file_name=file_name, strategy_code=strategy_code, new_strategy=new_strategy,
                       mapping=mapping, create_missing=create_missing, user=None, write=False, progress=progress,
                       municipality=municipality)
        transaction.set_rollback(True)  # a preview stores nothing, whatever happens
    return preview


@transaction.atomic
def plan_import_apply(*, data: bytes, file_name: str, user=None, strategy_code: str = "",
                      new_strategy: dict | None = None, mapping: dict | None = None, create_missing: bool = False,
                      progress=None, run: ImportRun | None = None,
                      municipality: Municipality | None = None) -> ImportRun:
    """Import the workbook in one transaction and record it; ImportRefused (nothing stored) on any problem.
    `municipality` confines it to that city's plans, as in plan_import_preview."""
    if not isinstance(data, bytes):
        raise ValidationError("data must be bytes")
    with _old_objects_frozen():
        preview = _run(data=data, file_name=file_name, strategy_code=strategy_code, new_strategy=new_strategy,
                       mapping=mapping, create_missing=create_missing, user=user, write=True, progress=progress,
                       municipality=municipality)
    if not preview.ok:
        raise ImportRefused(preview.problems)
    run = run or ImportRun(created_by=user, file_name=file_name, municipality=municipality)
    run.sha256, run.size, run.format = sha256_of(data), len(data), preview.format
    run.strategy_code = preview.strategy_code
    run.strategy = Strategy.objects.filter(code=preview.strategy_code).first()
    run.municipality_id = run.municipality_id or (run.strategy.municipality_id if run.strategy else None)
    run.status, run.finished_at = ImportRun.Status.APPLIED, timezone.now()
    run.mapping, run.create_missing = mapping or {}, create_missing
    run.counts, run.preview = preview.counts, preview.as_dict()
    run.problems = [p.as_dict() for p in preview.problems]
    run.rows = preview.rows
    run.save()
    return run


# --- the upload page's job rows ------------------------------------------------------------

STALE_AFTER = datetime.timedelta(minutes=30)  # a run that has not moved for this long has died


def import_run_create(*, upload, user, strategy_code: str, new_strategy: dict | None = None) -> ImportRun:
    """Store the uploaded file on a new job row (status uploaded); the preview runs as a task.
    The run belongs to the uploading administrator's city, into whose plans only it imports."""
    if upload.size > max_bytes():
        raise ValidationError(
            f"ファイルが大きすぎます（上限 {max_bytes() // 1048576} MB） / The file is over the {max_bytes() // 1048576} MB limit.")
    data = upload.read()
    run = ImportRun(created_by=user, file_name=upload.name[:255], sha256=sha256_of(data), size=len(data),
                    strategy_code=strategy_code, new_strategy=new_strategy or {},
                    municipality_id=boundary.home_municipality_id(user))
    upload.seek(0)
    run.file.save(f"{run.sha256[:16]}.xlsx", upload, save=False)
    run.save()
    return run


def _claim(run: ImportRun, from_status: str, to_status: str) -> bool:
    """Conditional update: a duplicate task delivery finds the row already claimed and does nothing."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=from_status).update(
        status=to_status, updated_at=timezone.now(), heartbeat_at=None)
    run.refresh_from_db()
    return bool(claimed)


def _progress(run: ImportRun):
    def report(done: int, total: int):
        ImportRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total, updated_at=timezone.now())
    return report


@contextmanager
def _worker_run(run: ImportRun, beat: bool):
    """The progress callback of a run; with `beat` (a worker's run) its heartbeat renewed
    beside it (plans.heartbeat). The import works in one transaction, whose own updates of
    the row would stay unseen until it ends and would hold the row's lock against the beat:
    a worker's progress is written by the beat instead, from its own connection."""
    if not beat:
        yield _progress(run)
        return
    latest = {}

    def report(done: int, total: int):
        latest.update(progress_done=done, progress_total=total)

    running = ImportRun.objects.filter(pk=run.pk, status__in=ImportRun.RUNNING)
    with heartbeat.beating(running, name=f"import-run-{run.pk}", extra=lambda: dict(latest)):
        yield report


def _options(run: ImportRun) -> dict:
    with run.file.open("rb") as f:
        data = f.read()
    return {"data": data, "file_name": run.file_name, "strategy_code": run.strategy_code,
            "new_strategy": run.new_strategy, "mapping": run.mapping, "create_missing": run.create_missing,
            "municipality": run.municipality}


def import_run_preview(*, run: ImportRun, heartbeat: bool = False) -> ImportRun:
    """Check the uploaded file; `heartbeat` (a worker's run) renews the run's sign of life."""
    if not _claim(run, ImportRun.Status.UPLOADED, ImportRun.Status.PREVIEWING):
        return run
    try:
        with _worker_run(run, heartbeat) as progress:
            preview = plan_import_preview(**_options(run), progress=progress)
    except ImportRefused as refused:
        return _finish(run, ImportRun.Status.REFUSED, problems=refused.problems)
    except SoftTimeLimitExceeded:
        return _finish(run, ImportRun.Status.FAILED, message=TIME_LIMIT_MESSAGE)
    except Exception as error:  # the job row must never stay "checking"
        return _finish(run, ImportRun.Status.FAILED, message=repr(error)[:2000])
    run.preview, run.format, run.rows = preview.as_dict(), preview.format, preview.rows
    run.counts = preview.counts
    return _finish(run, ImportRun.Status.PREVIEWED, problems=preview.problems)


def _finish(run: ImportRun, status: str, *, problems=(), message: str = "") -> ImportRun:
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.problems = [p.as_dict() for p in problems]
    run.save()
    return run


@transaction.atomic
def import_run_confirm(*, run: ImportRun, mapping: dict, create_missing: bool) -> bool:
    """Record the user's decisions and hand the run to the apply task; False if it was not waiting."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEWED:
        return False
    run.mapping, run.create_missing, run.status = mapping, create_missing, ImportRun.Status.APPLYING
    run.progress_done, run.heartbeat_at = 0, None  # the preview's beats say nothing of the import's worker
    run.save()
    return True


def import_run_apply(*, run: ImportRun, heartbeat: bool = False) -> ImportRun:
    """Import the confirmed file; `heartbeat` (a worker's run) renews the run's sign of life."""
    run.refresh_from_db()
    if run.status != ImportRun.Status.APPLYING:
        return run
    try:
        with _worker_run(run, heartbeat) as progress:
            return plan_import_apply(**_options(run), user=run.created_by, run=run, progress=progress)
    except ImportRefused as refused:
        return _finish(run, ImportRun.Status.REFUSED, problems=refused.problems)
    except SoftTimeLimitExceeded:  # raised inside the import's transaction: rolled back
        return _finish(run, ImportRun.Status.FAILED, message=TIME_LIMIT_MESSAGE)
    except Exception as error:
        return _finish(run, ImportRun.Status.FAILED, message=repr(error)[:2000])


@transaction.atomic
def import_runs_sweep_stale(*, now: datetime.datetime | None = None, runs=None) -> int:
    """Fail running imports whose worker died, so no page waits forever; returns how many.

    Lost: a worker's run whose heartbeat stopped (plans.heartbeat.lost_after, minutes).
    Stale: any run that has not moved for STALE_AFTER (runs that never beat, e.g. queued
    for a worker that never came). `runs` narrows the sweep (the page sweeps its own run)."""
    now = now or timezone.now()
    running = (ImportRun.objects if runs is None else runs).filter(status__in=ImportRun.RUNNING)
    lost = running.filter(heartbeat_at__lt=heartbeat.lost_before(now)).update(
        status=ImportRun.Status.FAILED, finished_at=now,
        message=stored(gettext_noop("The worker checking or importing this file stopped (no sign of life for "
                                       "%(seconds)s seconds); nothing was imported. Upload the file again."),
                          seconds=int(heartbeat.lost_after().total_seconds())))
    stale = running.filter(updated_at__lt=now - STALE_AFTER).update(
        status=ImportRun.Status.FAILED, message=stored(gettext_noop("The job stopped.")), finished_at=now)
    return lost + stale


def import_run_sweep(*, run: ImportRun) -> ImportRun:
    """The page's sweep of its own run, before it shows it."""
    if run.status in ImportRun.RUNNING and import_runs_sweep_stale(runs=ImportRun.objects.filter(pk=run.pk)):
        run.refresh_from_db()
    return run


@transaction.atomic
def import_run_cancel(*, run: ImportRun, user) -> bool:
    """The 取消 button of a checked preview: nothing is imported; False if it was no longer
    waiting for confirmation (confirmed, or cancelled meanwhile)."""
    cancelled = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now(),
        message=ImportRun.CANCELLED_BY_USER)
    run.refresh_from_db()
    return bool(cancelled)


def import_runs_expire(*, now=None) -> int:
    """Cancel checked previews left unconfirmed for PREVIEW_EXPIRES_AFTER_HOURS (one UPDATE);
    the import pages call it when they are read. Returns how many were cancelled."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=PREVIEW_EXPIRES_AFTER_HOURS)
    return ImportRun.objects.filter(status=ImportRun.Status.PREVIEWED, updated_at__lt=cutoff).update(
        status=ImportRun.Status.CANCELLED, finished_at=now, updated_at=now, message=ImportRun.EXPIRED)


def import_run_unqueued(*, run_id: int, message: str) -> None:
    """The broker did not take the run's next task: failed at once, with the message, rather
    than left "uploaded" or "importing" for nobody to pick up."""
    ImportRun.objects.filter(pk=run_id, status__in=(ImportRun.Status.UPLOADED, ImportRun.Status.APPLYING)).update(
        status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now())
