"""Benchmark of the plan import: a Sasebo-style project list 10x and 100x the seed's size.

    .venv/bin/python bench/import_plan.py [--factors 10,100] [--database-url URL] [--tree fixed]

Builds the workbook from fixtures/sasebo/projects.csv (every row repeated with its codes,
PIDs and names varied, so every level grows: 100x = 10,600 projects in 1,200 basic
policies; with --tree fixed the copies share the seed's 12, so only the rows grow), then
in one run on a scratch SQLite database (or the database of
--database-url, e.g. an empty PostgreSQL database; the import is rolled back):
- bare read: openpyxl read-only, values only, every row of the sheet (the reference);
- preview: plan_import_preview (read, check, compare; stores nothing);
- import: plan_import_apply into an empty strategy (one transaction, history included);
Rates are per CPU second of the measuring process (the machine is shared; wall time
varies with the load of others), each measurement in a fresh process so its peak RSS
is its own. DEBUG is off unless DJANGO_DEBUG says otherwise (with DEBUG on, Django keeps
every query). Prints a Markdown table.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _option(name: str) -> str:
    """An option's value read before Django starts (the database must be known by then)."""
    for index, arg in enumerate(sys.argv):
        if arg == name and index + 1 < len(sys.argv):
            return sys.argv[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return ""


if "--measure" in sys.argv:  # a child process: the parent's database, in DATABASE_URL
    SCRATCH = str(Path(sys.argv[sys.argv.index("--measure") + 2]).parent)
else:
    SCRATCH = tempfile.mkdtemp(prefix="dxplan-bench-import-")
    os.environ["DATABASE_URL"] = _option("--database-url") or f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
os.environ.setdefault("DXPLAN_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from imports.services import plan_import_apply, plan_import_preview  # noqa: E402
from tests.imports.import_builders import read_csv, sasebo_project_list, save  # noqa: E402

CITY = {"municipality_code": "bench", "municipality_name": "ベンチ市", "title": "ベンチ計画"}


def rows_times(factor: int) -> list[dict]:
    base = read_csv("projects.csv")
    rows, number = [], 0
    for copy in range(factor):
        for row in base:
            number += 1
            varied = dict(row, row_no=str(number), pid=f"{row['pid']}-{copy}", name=f"{row['name']}（{copy}）")
            varied["category"] = row["category"]
            rows.append(varied)
    return rows


def workbook(factor: int, *, grow_tree: bool = True) -> bytes:
    rows = rows_times(factor)
    book = sasebo_project_list(rows)
    if not grow_tree:
        return save(book)
    # Spread the copies over their own basic policies so the tree grows with the list.
    sheet = book.active
    per_copy = len(rows) // factor
    for index in range(len(rows)):
        cell = sheet.cell(4 + index, 4)
        if cell.value:
            cell.value = f"{index // per_copy:03d}-{cell.value}"
    return save(book)


def bare_read(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in book.active.iter_rows(values_only=True))
    book.close()
    return count


def measure(kind: str, path: str) -> dict:
    """One measurement in this (fresh) process: wall and CPU seconds, peak RSS."""
    import json

    data = Path(path).read_bytes()
    with override_settings(DXPLAN_IMPORT_MAX_ROWS=1_000_000):
        wall, cpu = time.perf_counter(), time.process_time()
        if kind == "bare":
            bare_read(data)
        elif kind == "preview":
            plan_import_preview(data=data, file_name="bench.xlsx", strategy_code="bench", new_strategy=CITY,
                                create_missing=True)
        else:
            with transaction.atomic():
                import_once(data, "bench")
                transaction.set_rollback(True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """VmHWM: this process's peak resident set (getrusage's maxrss survives exec and would
    report the parent's peak, which built the workbook)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(kind: str, path: str) -> dict:
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--measure", kind, path], check=True, capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]})
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_once(data: bytes, code: str):
    return plan_import_apply(data=data, file_name="bench.xlsx", strategy_code=code, new_strategy=CITY,
                             create_missing=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", default="10,100")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help="an empty database to run on (default: scratch SQLite)")
    parser.add_argument("--tree", choices=("grow", "fixed"), default="grow",
                        help="grow: every copy has its own basic policies (default); fixed: the seed's tree")
    args = parser.parse_args()
    if args.measure:
        return measure(*args.measure)
    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.db import connection

    print(f"Database: {connection.vendor}; DEBUG {'on' if settings.DEBUG else 'off'}; tree: {args.tree}\n")
    print("| size | rows | file | bare read rows/s | preview rows/s | import rows/s | import ÷ bare | "
          "peak RSS bare read | peak RSS preview | peak RSS import | import wall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for factor in (int(f) for f in args.factors.split(",")):
        path = Path(SCRATCH) / f"sasebo-{factor}x.xlsx"
        path.write_bytes(workbook(factor, grow_tree=args.tree == "grow"))
        rows = len(rows_times(factor))
        bare, preview, applied = (run_child(kind, str(path)) for kind in ("bare", "preview", "import"))
        print(f"| {factor}x | {rows:,} | {path.stat().st_size / 1048576:.1f} MB | {rows / bare['cpu']:,.0f} | "
              f"{rows / preview['cpu']:,.0f} | {rows / applied['cpu']:,.0f} | {bare['cpu'] / applied['cpu']:.2f} | "
              f"{bare['rss']:.0f} MB | {preview['rss']:.0f} MB | {applied['rss']:.0f} MB | {applied['wall']:.1f} s |",
              flush=True)


if __name__ == "__main__":
    main()
