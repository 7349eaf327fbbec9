"""HTTP load on a real server: saves through the API and readers on the dashboards (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dxplan_load \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/http_load.py [--scale 10] [--seconds 20] [--writers 20] [--readers 50]

Makes (or reuses) the plan bench-x{scale} (bench.generate) with its FY2024 round open, starts
gunicorn on 127.0.0.1 as the Dockerfile does (dxplan.wsgi; here -w 2 --threads 4, DEBUG off)
and runs phases of `--seconds` each, every one bounded in time, traffic to 127.0.0.1 only:

1. the floor: GET /healthz from `--writers` clients;
2. bare PostgreSQL: `--writers` threads, each a psycopg transaction of a locked read, an
   UPDATE and a history INSERT (what a save must do at least), without HTTP or Django;
3. saves: `--writers` staff users of the plan's departments (several per department, each on
   rows of their own) POST /api/v1/yearly-values/<id>/save/ with the version they hold;
4. mixed: `--readers` users read the dashboard overview while 5 writers save.

Prints Markdown: requests, errors, throughput, p50/p95/p99 per phase, and the peak RSS
(VmHWM from /proc/<pid>/status) of the gunicorn master and workers. Then stops gunicorn
(the process it started) and exits. Needs PostgreSQL and Redis (a shared cache for the
dashboards' counts); the figures on a shared machine vary with others' load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
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

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.generate import ENTRY_YEAR, bench_office_user, generate  # noqa: E402
from kpis.models import EntryRound, EntryStatus, YearlyValue  # noqa: E402
from plans.models import Department, Role, User  # noqa: E402

HOST = "127.0.0.1"
EDITABLE = [EntryStatus.NOT_ENTERED, EntryStatus.DRAFT, EntryStatus.RETURNED]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0

    def add(self, seconds: float, ok: bool):
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _run(threads: int, seconds: float, work) -> Recorder:
    """`work(index, recorder, until)` in `threads` threads until the time is up."""
    recorder = Recorder()
    until = time.monotonic() + seconds
    pool = [threading.Thread(target=work, args=(i, recorder, until), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 30)
    recorder.seconds = seconds
    return recorder


def _http(port):
    return http.client.HTTPConnection(HOST, port, timeout=30)


def _timed(connection, method, path, body=None, headers=None) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    return time.perf_counter() - started, response.status, data


def phase_healthz(port, clients, seconds):
    def work(_i, recorder, until):
        connection = _http(port)
        while time.monotonic() < until:
            elapsed, status, _ = _timed(connection, "GET", "/healthz")
            recorder.add(elapsed, status == 200)
    return _run(clients, seconds, work)


def phase_bare(rows: list[int], clients, seconds):
    """A locked read, an update and a history row per transaction, on psycopg directly."""
    database = settings.DATABASES["default"]
    dsn = (f"host={database['HOST'] or HOST} port={database['PORT'] or 5432} dbname={database['NAME']} "
           f"user={database['USER']}")
    history = YearlyValue.history.model
    columns = ", ".join(f'"{f.column}"' for f in history.tracked_fields)
    insert = (f'INSERT INTO "{history._meta.db_table}" ({columns}, "history_date", "history_type", '
              f'"history_change_reason", "history_user_id") SELECT {columns}, now(), %s, NULL, NULL '
              f'FROM "kpis_yearlyvalue" WHERE "id" = %s')

    def work(i, recorder, until):
        mine = rows[i::clients]
        with psycopg.connect(dsn) as connection:
            n = 0
            while time.monotonic() < until:
                pk = mine[n % len(mine)]
                n += 1
                started = time.perf_counter()
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.execute('SELECT "version" FROM "kpis_yearlyvalue" WHERE "id" = %s FOR UPDATE', [pk])
                    cursor.execute('UPDATE "kpis_yearlyvalue" SET "comment" = %s, "version" = "version" + 1, '
                                   '"updated_at" = now() WHERE "id" = %s', [f"bare {n}", pk])
                    cursor.execute(insert, ["~", pk])
                recorder.add(time.perf_counter() - started, True)
    return _run(clients, seconds, work)


def phase_saves(port, writers, seconds, recorder_list=None):
    """writers: [(token, {pk: version})]; each saves its own rows in turn."""
    def work(i, recorder, until):
        token, versions = writers[i]
        pks = sorted(versions)
        connection = _http(port)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        n = 0
        while time.monotonic() < until:
            pk = pks[n % len(pks)]
            n += 1
            body = json.dumps({"actual": str(n), "comment": f"負荷試験 {n}", "version": versions[pk]})
            elapsed, status, data = _timed(connection, "POST", f"/api/v1/yearly-values/{pk}/save/", body, headers)
            if status == 200:
                versions[pk] = json.loads(data)["version"]
            recorder.add(elapsed, status == 200)
    return _run(len(writers), seconds, work)


def phase_readers(port, cookie, path, readers, seconds):
    def work(_i, recorder, until):
        connection = _http(port)
        while time.monotonic() < until:
            elapsed, status, _ = _timed(connection, "GET", path, headers={"Cookie": cookie})
            recorder.add(elapsed, status == 200)
    return _run(readers, seconds, work)


def line(label, clients, recorder: Recorder):
    times = sorted(recorder.latencies)
    if not times:
        return f"| {label} | {clients} | 0 | {recorder.errors} | 0 | — | — | — |"

    def pct(p):
        return times[min(len(times) - 1, int(p / 100 * len(times)))] * 1000
    return (f"| {label} | {clients} | {len(times):,} | {recorder.errors} | {len(times) / recorder.seconds:,.0f} | "
            f"{statistics.median(times) * 1000:.0f} | {pct(95):.0f} | {pct(99):.0f} |")


def _vm_hwm(pid: int) -> int:
    """Peak resident set size of a process in kB (VmHWM)."""
    try:
        for text in Path(f"/proc/{pid}/status").read_text().splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def prepare(scale: int, writers: int):
    call_command("migrate", verbosity=0)
    strategy = generate(scale)
    entry_round = EntryRound.objects.get(strategy=strategy, fiscal_year=ENTRY_YEAR)
    entry_round.opens_at, entry_round.deadline = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=7)
    entry_round.closed_at = None
    entry_round.save()
    rows = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=ENTRY_YEAR)
    departments = [d for d in Department.objects.filter(municipality__code="bench").order_by("pk")
                   if rows.filter(indicator__responsible_department=d, status__in=EDITABLE).exists()]
    plan = []
    for i in range(writers):
        department = departments[i % len(departments)]
        user, _ = User.objects.get_or_create(username=f"load-staff-{i}", defaults={
            "role": Role.STAFF, "department": department})
        user.department, user.role = department, Role.STAFF
        user.save()
        token, _ = Token.objects.get_or_create(user=user)
        plan.append((department.pk, token.key))
    # Each writer gets its own share of its department's editable rows (no two writers share a row).
    same = {}
    for department_id, _key in plan:
        same[department_id] = same.get(department_id, 0) + 1
    seen, result = {}, []
    for department_id, key in plan:
        k = seen.get(department_id, 0)
        seen[department_id] = k + 1
        editable = list(rows.filter(indicator__responsible_department_id=department_id, status__in=EDITABLE)
                        .order_by("pk").values_list("pk", "version"))
        result.append((key, dict(editable[k::same[department_id]][:50])))
    bare_rows = list(rows.filter(status=EntryStatus.APPROVED).order_by("pk").values_list("pk", flat=True)[:2000])
    dx = bench_office_user("load-dx")
    client = Client()
    client.force_login(dx)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return strategy, result, bare_rows, cookie


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("http_load needs PostgreSQL: set DATABASE_URL=postgres://…")
    strategy, writers, bare_rows, cookie = prepare(args.scale, args.writers)
    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": HOST}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dxplan.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _timed(_http(port), "GET", "/healthz")[1] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("gunicorn did not answer /healthz")
            time.sleep(0.5)
        overview = f"/dashboards/{strategy.code}/"
        phase_readers(port, cookie, overview, 2, 2)  # warm the workers and the dashboards' cache
        print(f"bench-x{args.scale}, gunicorn -w {args.workers} --threads {args.threads}, {args.seconds:.0f} s "
              f"per phase, DATABASE_CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}\n")
        print("| phase | clients | requests | errors | per second | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|---|---|---|")
        print(line("GET /healthz (the floor)", args.writers, phase_healthz(port, args.writers, args.seconds)),
              flush=True)
        print(line("bare psycopg: lock + update + history insert", args.writers,
                   phase_bare(bare_rows, args.writers, args.seconds)), flush=True)
        print(line("POST …/save/ (API save)", len(writers), phase_saves(port, writers, args.seconds)), flush=True)
        results = {}
        mixed = [threading.Thread(target=lambda: results.__setitem__(
            "readers", phase_readers(port, cookie, overview, args.readers, args.seconds))),
            threading.Thread(target=lambda: results.__setitem__(
                "writers", phase_saves(port, writers[:5], args.seconds)))]
        for thread in mixed:
            thread.start()
        for thread in mixed:
            thread.join()
        print(line("dashboard overview, with 5 writers", args.readers, results["readers"]))
        print(line("POST …/save/, beside the readers", 5, results["writers"]))
        peaks = {pid: _vm_hwm(pid) for pid in [server.pid, *_children(server.pid)]}
        print("\nPeak RSS (VmHWM): " + ", ".join(
            f"{'master' if pid == server.pid else 'worker'} {kb / 1024:.0f} MB" for pid, kb in peaks.items()))
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
