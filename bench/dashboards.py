"""Server time of the dashboard pages at 1×, 10× and 100× the Sasebo demo.

For each scale, bench.generate makes (or reuses) the plan ``bench-x{scale}``, then the
overview (as opened from the landing page, without ?fy=), a basic policy page, a KPI's
indicator page and the roadmap are requested through Django's test client as a DX-office
user (who sees every value, so nothing is skipped). Prints the median and p95 in
milliseconds after warm-up requests, and the 100×/1× ratio of the medians, twice:

- "counted afresh": the dashboards' count cache is emptied (its data version replaced,
  as every committed write does) before each request, so every request counts the plan
  in the database: the first request after someone saved a value;
- "data unchanged": the cache holds the counts (needs a shared cache: DXPLAN_CACHE_URL
  or a Redis Celery broker; without one only the first table is printed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dxplan_dash \
    DXPLAN_CACHE_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/dashboards.py --scales 1 10 100 --repeat 20

DEBUG is off (as in production) unless DJANGO_DEBUG is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.generate import bench_office_user, generate  # noqa: E402
from kpis.models import Indicator, IndicatorKind  # noqa: E402
from reports.dashboards import cache as dashboard_cache  # noqa: E402

PAGES = ("overview", "policy", "indicator", "roadmap")


def page_urls(strategy) -> dict[str, str]:
    base = f"/dashboards/{strategy.code}"
    policy = strategy.basic_policies.order_by("order").first()
    kpi = Indicator.objects.filter(strategy=strategy, kind=IndicatorKind.KPI).order_by("order").first()
    return {
        "overview": f"{base}/",
        "policy": f"{base}/policies/{policy.pk}/?fy=2024",
        "indicator": f"{base}/indicators/{kpi.pk}/?fy=2024",
        "roadmap": f"{base}/roadmap/?fy=2024",
    }


def measure(client, url, repeat, warmup, *, afresh: bool) -> list[float]:
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        if afresh:
            dashboard_cache.new_version()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args(argv)

    user = bench_office_user("bench-dx-office")
    client = Client()
    client.force_login(user)
    results = {}
    modes = (True, False) if dashboard_cache.enabled() else (True,)
    for scale in args.scales:
        started = time.perf_counter()
        strategy = generate(scale)
        print(f"bench-x{scale}: {strategy.indicators.count()} indicators ready in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        for name, url in page_urls(strategy).items():
            for afresh in modes:
                results[afresh, scale, name] = measure(client, url, args.repeat, args.warmup, afresh=afresh)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}, "
          f"{args.repeat} requests per page after {args.warmup} warm-up, load average {load}")
    for afresh in modes:
        print("\n" + ("Counted afresh (count cache emptied before each request)" if afresh
                      else "Data unchanged (counts from the cache)") + ":\n")
        table(results, afresh, args.scales)


def table(results, afresh, scales) -> None:
    header = "| page | " + " | ".join(f"{s}× median | {s}× p95" for s in scales)
    ratio = len(scales) > 1
    print(header + (f" | {scales[-1]}×/{scales[0]}× |" if ratio else " |"))
    print("|---" * (1 + 2 * len(scales) + ratio) + "|")
    for name in PAGES:
        cells = []
        for scale in scales:
            times = results[afresh, scale, name]
            cells += [f"{statistics.median(times):.0f} ms", f"{p95(times):.0f} ms"]
        if ratio:
            first = statistics.median(results[afresh, scales[0], name])
            last = statistics.median(results[afresh, scales[-1], name])
            cells.append(f"{last / first:.1f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
