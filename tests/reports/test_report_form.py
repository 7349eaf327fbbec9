"""The report form leads the way: it opens on the latest fiscal year with approved actuals,
its basic-policy and department options say which strategy they belong to (for
static/js/report_form.js), and an in-process job says 完了 with the time it took."""

import datetime
import re

from django.utils import timezone

from kpis.models import EntryStatus, YearlyValue
from reports import selectors, services
from reports.models import JobStatus, ReportJob


def _selected_year(html: str) -> str:
    select = re.search(r'<select name="fiscal_year".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\d+)"[^>]*selected', select).group(1)


def test_the_form_opens_on_the_latest_year_with_approved_actuals(client, carol, sasebo):
    latest = selectors.latest_approved_fiscal_years()
    client.force_login(carol)
    html = client.get("/reports/").content.decode()
    first = re.search(r'<select name="strategy"[^>]*>\s*<option value="(\d+)"', html).group(1)
    assert _selected_year(html) == str(latest[int(first)])
    # A later approved actual moves it.
    later = YearlyValue.objects.filter(indicator__strategy_id=int(first), fiscal_year=latest[int(first)] + 1).first()
    YearlyValue.objects.filter(pk=later.pk).update(status=EntryStatus.APPROVED, actual_state="number", actual_number=1)
    assert _selected_year(client.get("/reports/").content.decode()) == str(latest[int(first)] + 1)


def test_latest_approved_years_cost_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):  # one grouped aggregate over the approved yearly values
        latest = selectors.latest_approved_fiscal_years()
    assert latest and all(isinstance(fy, int) for fy in latest.values())


def test_options_say_their_strategy_and_the_script_is_static(client, carol, sasebo):
    client.force_login(carol)
    html = client.get("/reports/").content.decode()
    policy = sasebo.basic_policies.first()
    assert re.search(rf'<option value="{policy.pk}" data-strategy="{sasebo.pk}"', html)
    assert f'data-municipality="{sasebo.municipality_id}"' in html
    assert re.search(r'<option value="\d+" data-municipality="\d+" data-latest-fiscal-year="\d*"', html)
    assert '/static/js/report_form.js"' in html and "<script>" not in html


def test_an_in_process_job_says_done_with_its_time(client, carol, sasebo, monkeypatch):
    started = timezone.now()
    job = ReportJob.objects.create(requested_by=carol, strategy=sasebo, fiscal_year=2024, as_of="2025-11-01",
                                   status=JobStatus.DONE, started_at=started,
                                   finished_at=started + datetime.timedelta(seconds=3, milliseconds=240))
    # On the embedded default the job has run inside the request, before the page could show a bar.
    monkeypatch.setattr(services, "report_job_create", lambda **kwargs: job)
    client.force_login(carol)
    data = {"strategy": sasebo.pk, "fiscal_year": 2024, "kind": "data", "file_format": "csv",
            "basic_policy": "", "department": ""}
    response = client.post("/reports/jobs/", data, follow=True)
    html = response.content.decode()
    assert re.search(r"完了しました: [^<]*（作成に3\.2秒）。", html)
    assert '<span class="job-status">完了（3.2秒）</span>' in html
