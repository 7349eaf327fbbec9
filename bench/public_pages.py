"""The public portal at a scale of the Sasebo plan (issue 11): a public page, its open data, the static export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dxplan_public \\
        .venv/bin/python bench/public_pages.py --scales 1 10 100 [--repeat 15] [--export-scales 1 10]

For each scale, bench.generate makes (or reuses) bench-x{scale}; its FY2023 (a year that has
ended, with no open round) is published as the bench city's DX office, once per scale. Then,
through Django's test client (DEBUG off, anonymous), it times:

- the public page rendered from the snapshot (cache cold: the kept bodies of public.rendered
  dropped before each request, as for the first reader after a deploy), served from its kept
  body (cache warm: every later reader), and revalidated (its ETag sent, 304, as a proxy asks);
- the CSV download (cache warm);
- beside them the bare baseline of the same run: reading the publication's snapshot from the
  database and decoding its JSON (what any page built from the snapshot must at least do).

The static export (public.static_export) of the strategy's published years is timed at the
export scales, with the size of the folder written. Prints Markdown tables of median and p95 in
milliseconds and the ratio of each scale to 1×.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
os.environ.setdefault("DXPLAN_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.generate import bench_office_user, generate  # noqa: E402
from public.models import Publication, PublicationStatus  # noqa: E402
from public.services import publication_publish  # noqa: E402
from public.static_export import export_site  # noqa: E402

FISCAL_YEAR = 2023


def publication_of(strategy) -> Publication:
    existing = Publication.objects.filter(strategy=strategy, fiscal_year=FISCAL_YEAR,
                                          status=PublicationStatus.PUBLISHED).first()
    if existing is not None:
        return existing
    started = time.perf_counter()
    publication = publication_publish(user=bench_office_user("bench-publisher"), strategy=strategy,
                                      fiscal_year=FISCAL_YEAR)
    print(f"{strategy.code}: published in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return publication


def timed(action, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bare_snapshot(publication_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT document FROM public_publication WHERE id = %s", [publication_id])
        raw = cursor.fetchone()[0]
    json.loads(raw) if isinstance(raw, str) else raw


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--export-scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    client = Client()
    rows, base = [], {}
    for scale in sorted(set(args.scales) | set(args.export_scales)):
        strategy = generate(scale)
        publication = publication_of(strategy)
        page = f"/public/{strategy.municipality.code}/{strategy.code}/{FISCAL_YEAR}/"
        csv = f"{page}open-data.csv"
        first = client.get(page)
        assert first.status_code == 200, (page, first.status_code)
        etag = first["ETag"]
        if scale in args.scales:
            def cold():
                cache.clear()  # the kept bodies (public.rendered): the first reader after a deploy
                return client.get(page)

            measured = {
                "page, rendered from the snapshot (cache cold)": timed(cold, args.repeat),
                "page, kept body (cache warm)": timed(lambda: client.get(page), args.repeat),
                "page, revalidated (ETag → 304)": timed(lambda: client.get(page, HTTP_IF_NONE_MATCH=etag),
                                                        args.repeat),
                "CSV download (cache warm)": timed(lambda: client.get(csv), args.repeat),
                "bare: snapshot read + JSON decode": timed(lambda: bare_snapshot(publication.pk), args.repeat),
            }
            for name, times in measured.items():
                median = statistics.median(times)
                base.setdefault(name, median)
                rows.append(("page", name, scale, len(first.content) // 1024, median, p95(times),
                             median / base[name]))
        if scale in args.export_scales:
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                written = export_site(municipality=strategy.municipality.code, strategy=strategy.code,
                                      directory=Path(folder))
                seconds = time.perf_counter() - started
                size = folder_size(Path(folder))
            base.setdefault("export", seconds)
            rows.append(("export", f"static export ({len(written)} files)", scale, size // 1024, seconds * 1000,
                         seconds * 1000, seconds / base["export"]))
    print("| what | scale | KB | median ms | p95 ms | ×1× |")
    print("|---|---:|---:|---:|---:|---:|")
    for _, name, scale, size, median, high, ratio in rows:
        print(f"| {name} | {scale}× | {size} | {median:.1f} | {high:.1f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
