"""Server time of the review queue and the entry grid at a scale of the Sasebo plan (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dxplan_load \\
        .venv/bin/python bench/review_queue.py --scales 1 10 [--repeat 7]

For each scale, bench.generate makes (or reuses) bench-x{scale} with its FY2024 round open;
through Django's test client (DEBUG off) it requests the DX office's review queue (rows
waiting for it, the default filter) and the entry grid of the department with the most rows
(as its staff), and prints the median and best wall time, the page size and the rows listed,
beside the bare `values_list` of the same rows (the baseline of issue 16's table).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
os.environ.setdefault("DXPLAN_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate import ENTRY_YEAR, bench_office_user, generate  # noqa: E402
from kpis.models import EntryRound, EntryStatus, YearlyValue  # noqa: E402
from plans.models import Role, User  # noqa: E402


def timed(action, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return result, times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    print("| page | scale | rows listed | KB | median ms | best ms | bare values_list ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for scale in args.scales:
        strategy = generate(scale)
        EntryRound.objects.filter(strategy=strategy, fiscal_year=ENTRY_YEAR).update(
            opens_at=timezone.now() - timedelta(days=1), deadline=timezone.now() + timedelta(days=7), closed_at=None)
        rows = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=ENTRY_YEAR)
        busiest = (rows.values("indicator__responsible_department").annotate(n=Count("pk")).order_by("-n")[0]
                   ["indicator__responsible_department"])
        dx = bench_office_user("queue-dx")
        staff, _ = User.objects.get_or_create(username=f"queue-staff-{busiest}",
                                              defaults={"role": Role.STAFF, "department_id": busiest})
        pages = [
            ("review queue, DX office, waiting rows", dx, f"/entry/{strategy.code}/{ENTRY_YEAR}/review/",
             rows.filter(status__in=[EntryStatus.SUBMITTED, EntryStatus.FIRST_APPROVED])),
            ("entry grid, busiest department", staff, f"/entry/{strategy.code}/{ENTRY_YEAR}/",
             rows.filter(indicator__responsible_department_id=busiest)),
        ]
        for label, user, url, bare in pages:
            client = Client()
            client.force_login(user)
            client.get(url)  # warm-up
            response, times = timed(lambda: client.get(url), args.repeat)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            listed = len(re.findall(r'<(?:tr|tbody) id="(?:review|row)-\d+"', html))
            _, bare_times = timed(lambda: list(bare.values_list("pk", "status", "actual_number", "comment")),
                                  args.repeat)
            print(f"| {label} | {scale}× | {listed:,} | {len(response.content) / 1024:,.0f} | "
                  f"{statistics.median(times) * 1000:,.0f} | {min(times) * 1000:,.0f} | "
                  f"{statistics.median(bare_times) * 1000:,.1f} |", flush=True)


if __name__ == "__main__":
    main()
