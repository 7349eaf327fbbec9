"""Benchmark of the entry round's API write actions, the reminders and the masked read list.

    .venv/bin/python bench/entry_api.py [--scale 10]

On a scratch SQLite database (or DATABASE_URL when set, e.g. PostgreSQL) it generates the
synthetic plan of bench/generate.py at `scale` × Sasebo (FY2024 round under way: mixed
statuses), then measures, through the real URLs (APIClient, token-free force_authenticate):
- bulk-approve by the DX office of every row waiting for its review (all or none);
- bulk-submit by a department manager of every draft of their department;
- GET /api/v1/yearly-values/?fiscal_year=2024, 1,000 rows in two pages of 500, as staff of one department
  (other departments' unapproved actuals masked row by row), and as the DX office (none);
- send_entry_reminders on a reminder day (one e-mail per department, the DX summary; locmem).
Wall time on a shared machine varies with others' load: each figure is the best of
`--repeat` runs where the action can be repeated (reads), else one run. Prints Markdown.
"""

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dxplan-bench-entry-')}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
os.environ.setdefault("DXPLAN_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from datetime import datetime, timedelta  # noqa: E402
from datetime import time as clock  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.generate import ENTRY_YEAR, bench_office_user, generate  # noqa: E402
from kpis.models import EntryRound, EntryStatus, YearlyValue  # noqa: E402
from kpis.reminders import send_entry_reminders  # noqa: E402
from plans.models import Department, Role, User  # noqa: E402


def measure(label, action, *, rows, repeat=1):
    best, queries = None, None
    for _ in range(repeat):
        # A full garbage-collector pass left over from the setup would otherwise land in a
        # single-run figure (seen: reminders 46 ms or 200 ms for the same calls).
        gc.collect()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = action()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        queries = len(captured)
    per_row = f"{best / rows * 1000:.2f}" if rows else "—"
    print(f"| {label} | {rows} | {best * 1000:.0f} | {per_row} | {queries} |")
    return result


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    strategy = generate(args.scale, replace=True)  # the statuses as generated, whatever an earlier run did
    rows = YearlyValue.objects.filter(indicator__strategy=strategy, fiscal_year=ENTRY_YEAR)
    today = timezone.localdate()
    entry_round = EntryRound.objects.get(strategy=strategy, fiscal_year=ENTRY_YEAR)
    entry_round.opens_at = timezone.now() - timedelta(days=30)
    entry_round.deadline = timezone.make_aware(datetime.combine(today + timedelta(days=3), clock(17)))
    entry_round.reminder_days = [3]
    entry_round.save()
    departments = list(Department.objects.filter(municipality__code="bench").order_by("pk"))
    users = {}
    for department in departments:
        for role in (Role.STAFF, Role.MANAGER):
            users[(department.pk, role)], _ = User.objects.get_or_create(
                username=f"bench-{role}-{department.pk}",
                defaults={"role": role, "department": department, "email": f"{role}-{department.pk}@bench.example"},
            )
    dx = bench_office_user("bench-dx", email="dx@bench.example")
    # Each department's manager and DX review are on, as in the demo.
    waiting_dx = list(rows.filter(status=EntryStatus.FIRST_APPROVED).values_list("pk", flat=True))
    busiest = max(departments, key=lambda d: rows.filter(indicator__responsible_department=d,
                                                         status=EntryStatus.DRAFT).exclude(actual_state="empty").count())
    drafts = list(rows.filter(indicator__responsible_department=busiest, status=EntryStatus.DRAFT)
                  .exclude(actual_state="empty").values_list("pk", flat=True))

    print(f"\n{strategy.code}: {rows.count()} rows in the FY{ENTRY_YEAR} round, {connection.vendor}\n")
    print("| action | rows | ms | ms per row | queries |")
    print("|---|---:|---:|---:|---:|")
    response = measure("bulk-approve (DX office, every row waiting for it)", lambda: _client(dx).post(
        "/api/v1/yearly-values/bulk-approve/", {"ids": waiting_dx}, format="json"), rows=len(waiting_dx))
    assert response.status_code == 200, response.content[:300]
    response = measure(f"bulk-submit (manager, drafts of {busiest.name})", lambda: _client(
        users[(busiest.pk, Role.MANAGER)]).post("/api/v1/yearly-values/bulk-submit/", {"ids": drafts},
                                                format="json"), rows=len(drafts))
    assert response.status_code == 200, response.content[:300]
    staff = _client(users[(departments[0].pk, Role.STAFF)])
    # 1,000 rows as two pages of 500, the API's largest page (plans.api_query).
    pages = [{"strategy": strategy.code, "fiscal_year": ENTRY_YEAR, "limit": 500, "offset": offset}
             for offset in (0, 500)]

    def read_pages(client):
        responses = [client.get("/api/v1/yearly-values/", page) for page in pages]
        assert all(r.status_code == 200 for r in responses), [r.content[:300] for r in responses]
        return responses

    measure("GET yearly-values, 1,000 rows in 2 pages, staff (others masked)",
            lambda: read_pages(staff), rows=1000, repeat=args.repeat)
    measure("GET yearly-values, 1,000 rows in 2 pages, DX office (nothing masked)",
            lambda: read_pages(_client(dx)), rows=1000, repeat=args.repeat)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        outcome = measure("send_entry_reminders (reminder day)", send_entry_reminders, rows=rows.count())
        again = measure("send_entry_reminders again the same day", send_entry_reminders, rows=rows.count())
    print(f"\nfirst run: {outcome}; second run: {again}")


if __name__ == "__main__":
    main()
