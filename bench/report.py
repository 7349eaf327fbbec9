"""Benchmark of the annual report at 1×, 10× and 100× the Sasebo demo (bench.generate).

For each scale, in a fresh process each (so peak memory is that build's own):
- the full report as the job builds it: selectors (database reads) + workbook + save to a file;
- a bare openpyxl write-only dump of the same number of cells (half numbers, half short texts),
  the floor any .xlsx writer in pure Python pays;
- the data export (XLSX), for information;
- the PDF of the report (reports.pdf: LibreOffice printing the workbook), up to --pdf-up-to;
  wall time only, as the work is done in the soffice process.
Prints a Markdown table (docs/benchmarks.md, ## Annual report).

    .venv/bin/python bench/report.py [--scales 1 10 100]

Data go to the configured database (DATABASE_URL or the SQLite default); the synthetic
strategies bench-x{scale} are created once and reused.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2025, 11, 1)
FISCAL_YEAR = 2025
ROW_WIDTH = 31  # as wide as the project list


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def count_cells(path: Path) -> int:
    cells = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                tail = b""  # a match cut by a chunk boundary starts in the last two bytes
                with archive.open(name) as sheet:
                    while chunk := sheet.read(1 << 20):
                        cells += (tail + chunk).count(b"<c ")
                        tail = chunk[-2:]
    return cells


def child_report(scale: int, kind: str) -> dict:
    _setup_django()
    from bench.generate import generate
    from plans.models import Strategy
    from reports import selectors
    from reports.workbook import build_data_xlsx, build_report

    code = generate(scale).code
    strategy = Strategy.objects.select_related("municipality").get(code=code)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.xlsx"
        started, cpu = time.perf_counter(), time.process_time()
        scope = selectors.Scope(strategy, FISCAL_YEAR)
        with open(path, "wb") as out:
            if kind == "report":
                meta = selectors.report_meta(scope, as_of=AS_OF)
                build_report(out, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                             grades=selectors.report_grades(scope))
            else:
                build_data_xlsx(out, selectors.data_strategy(scope, as_of=AS_OF), selectors.data_rows(scope), AS_OF)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        return {"seconds": seconds, "cpu": cpu, "cells": count_cells(path), "bytes": path.stat().st_size,
                "peak_mb": _peak_mb()}


def child_pdf(scale: int) -> dict:
    """The report built as above, then printed to PDF (timed alone)."""
    _setup_django()
    from bench.generate import generate
    from plans.models import Strategy
    from reports import pdf, selectors
    from reports.workbook import build_report

    strategy = Strategy.objects.select_related("municipality").get(code=generate(scale).code)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "out.xlsx", Path(folder) / "out.pdf"
        scope = selectors.Scope(strategy, FISCAL_YEAR)
        with open(source, "wb") as out:
            meta = selectors.report_meta(scope, as_of=AS_OF)
            build_report(out, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                         grades=selectors.report_grades(scope))
        started = time.perf_counter()
        with open(source, "rb") as workbook, open(target, "wb") as out:
            pdf.workbook_to_pdf(workbook, out)
        seconds = time.perf_counter() - started
        pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
        return {"seconds": seconds, "pages": int(re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1)),
                "bytes": target.stat().st_size}


def child_bare(cells: int) -> dict:
    from openpyxl import Workbook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bare.xlsx"
        started, cpu = time.perf_counter(), time.process_time()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        written = 0
        while written < cells:
            width = min(ROW_WIDTH, cells - written)
            sheet.append([n if n % 2 else f"テキスト{n}" for n in range(written, written + width)])
            written += width
        workbook.save(path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        return {"seconds": seconds, "cpu": cpu, "cells": count_cells(path), "peak_mb": _peak_mb()}


def _run_child(*arguments) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *map(str, arguments)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"child {arguments} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _sizes(scale: int) -> tuple[int, int, int]:
    _setup_django()
    from bench.generate import generate
    from kpis.models import Indicator, YearlyValue
    from projects.models import Project

    strategy = generate(scale)
    return (Project.objects.filter(strategy=strategy).count(), Indicator.objects.filter(strategy=strategy).count(),
            YearlyValue.objects.filter(indicator__strategy=strategy).count())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--data-up-to", type=int, default=10,
                        help="time the data export only up to this scale (it writes 39 cells per value row)")
    parser.add_argument("--pdf-up-to", type=int, default=10, help="time the PDF only up to this scale")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, value = args.child[0], int(args.child[1])
        if kind == "bare":
            result = child_bare(value)
        elif kind == "pdf":
            result = child_pdf(value)
        else:
            result = child_report(value, kind)
        print(json.dumps(result))
        return

    rows = []
    for scale in args.scales:
        started = time.perf_counter()
        projects, indicators, values = _sizes(scale)  # generates bench-x{scale} once
        generated = time.perf_counter() - started
        report = _run_child("report", scale)
        bare = _run_child("bare", report["cells"])
        data = _run_child("data", scale) if scale <= args.data_up_to else None
        printed = _run_child("pdf", scale) if scale <= args.pdf_up_to else None
        rows.append((scale, projects, indicators, values, report, bare, data, printed))
        print(f"{scale}×: report {report['cpu']:.1f} s CPU, bare {bare['cpu']:.1f} s CPU "
              f"(data ready in {generated:.0f} s)", file=sys.stderr)

    print("| scale | projects | indicators | yearly values | cells written | report CPU (s) | bare dump CPU (s) "
          "| report / bare (CPU) | report wall (s) | bare wall (s) | report peak RSS (MB) | bare peak RSS (MB) "
          "| file (MB) | data export XLSX CPU (s) | PDF wall (s) | PDF pages | PDF (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale, projects, indicators, values, report, bare, data, printed in rows:
        print(f"| {scale}× | {projects:,} | {indicators:,} | {values:,} | {report['cells']:,} "
              f"| {report['cpu']:.2f} | {bare['cpu']:.2f} | {report['cpu'] / bare['cpu']:.2f} "
              f"| {report['seconds']:.2f} | {bare['seconds']:.2f} "
              f"| {report['peak_mb']:.0f} | {bare['peak_mb']:.0f} | {report['bytes'] / 1e6:.1f} "
              f"| {'–' if data is None else format(data['cpu'], '.2f')} "
              + ("| – | – | – |" if printed is None else
                 f"| {printed['seconds']:.1f} | {printed['pages']:,} | {printed['bytes'] / 1e6:.1f} |"))


if __name__ == "__main__":
    main()
