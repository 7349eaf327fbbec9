"""Issue 15: in English, the main pages speak English only. Walks the entry grid, the review
queue, the tracker, the dashboards (overview, indicator list, one indicator), the reports page
and the import pages as the DX office, as department staff and (imports) as an
administrator, and fails on a message in both languages at once ("…ください。 / The …")
or a Japanese era label (R6, 令和6年度 (2024年度), 令和6年度<br>…) where FY2024 is due.

A failed report job and a failed import run carry stored messages, so the job list and the
import page have one to show. Django's test client: no browser."""

import re

import pytest
from django.urls import reverse

from imports.models import ImportRun
from imports.services import import_runs_sweep_stale
from plans.background import UNAVAILABLE
from plans.language import stored
from plans.models import Department, Strategy
from reports.models import JobStatus, ReportJob

FY = 2024
# Japanese, then " / ", then an English sentence: a message said in both languages at once.
BILINGUAL = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef] / [A-Z]")
# An era label where English is due: a header or cell that is only R6 / H30 / R元 (the
# abbreviation), the UI's Japanese label 令和6年度 (2024年度), or a chart axis' 令和6年度<br>.
ERA_ONLY = re.compile(r">\s*[RH](\d+|元)\s*<|(令和|平成)(\d+|元)年度( \(\d{4}年度\)|<br>)")


def _paths(*, strategy, department, indicator, run, admin):
    code = strategy.code
    round_args = {"strategy": code, "fiscal_year": FY}
    paths = [
        reverse("entry:grid", kwargs=round_args) + f"?department={department.pk}",
        reverse("entry:review", kwargs=round_args),
        reverse("entry:tracker", kwargs=round_args),
        reverse("dashboards:overview", kwargs={"code": code}) + f"?fy={FY}",
        reverse("dashboards:indicators", kwargs={"code": code}) + f"?fy={FY}",
        reverse("dashboards:indicator", kwargs={"code": code, "pk": indicator}) + f"?fy={FY}",
        reverse("reports:index"),
    ]
    if admin:
        paths += [reverse("imports:upload"), reverse("imports:detail", args=[run.pk])]
    return paths


@pytest.fixture
def failures(dave):
    """A report job and an import run that failed with stored messages (the broker down, a
    lost worker)."""
    sasebo = Strategy.objects.get(code="sasebo-dx")
    ReportJob.objects.create(requested_by=dave, strategy=sasebo, fiscal_year=FY, as_of="2025-03-31",
                             status=JobStatus.FAILED, message=stored(UNAVAILABLE))
    run = ImportRun.objects.create(created_by=dave, file_name="計画.xlsx", sha256="0" * 64, strategy=sasebo,
                                   strategy_code=sasebo.code, status=ImportRun.Status.APPLYING,
                                   heartbeat_at="2000-01-01T00:00:00Z")
    assert import_runs_sweep_stale(runs=ImportRun.objects.filter(pk=run.pk)) == 1
    run.refresh_from_db()
    return sasebo, run


@pytest.mark.parametrize("username", ["carol", "alice", "dave"])
def test_english_pages_say_each_message_and_year_in_english_only(client, failures, username, django_user_model):
    sasebo, run = failures
    user = django_user_model.objects.get(username=username)
    department = Department.objects.get(municipality__code="sasebo", name="観光商工部")
    indicator = sasebo.indicators.filter(values__fiscal_year=FY).order_by("pk").values_list("pk", flat=True).first()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    opened = 0
    for path in _paths(strategy=sasebo, department=department, indicator=indicator, run=run,
                       admin=username == "dave"):
        response = client.get(path)
        if response.status_code == 403:  # not this role's page (staff: reports)
            continue
        assert response.status_code == 200, (path, response.status_code)
        opened += 1
        html = response.content.decode()
        assert response.headers["Content-Language"] == "en", path
        assert not BILINGUAL.search(html), (path, BILINGUAL.search(html).group(0))
        found = ERA_ONLY.search(html)
        assert not found, (path, html[max(0, found.start() - 120):found.end() + 40])
        if not path.startswith(reverse("imports:upload")):  # the import pages name no year
            assert "FY2024" in html, path
    assert opened >= {"carol": 7, "alice": 5, "dave": 9}[username]


def test_the_walk_sees_the_stored_messages(client, failures, carol, dave):
    """The walk would catch them: the job list and the import page show the failures, in English."""
    _sasebo, run = failures
    client.cookies["django_language"] = "en"
    client.force_login(carol)
    assert UNAVAILABLE in client.get(reverse("reports:index")).content.decode()
    client.force_login(dave)
    html = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "The worker checking or importing this file stopped" in html


def test_the_patterns_catch_what_they_are_for():
    """The checks above can fail: each pattern finds the defect it names."""
    assert BILINGUAL.search("しばらくしてから再度お試しください。 / The background service is unavailable.")
    assert not BILINGUAL.search("構築 / 運用 / 検討")
    assert ERA_ONLY.search('<abbr title="FY2024">R6</abbr>')
    assert ERA_ONLY.search("<option>令和6年度 (2024年度)</option>")
    assert not ERA_ONLY.search("<td>R3の量</td><option>FY2024</option>")
