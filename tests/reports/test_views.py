"""The reports page: who may use it, starting a job, polling, downloading, retrying."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Department
from reports.models import JobStatus, ReportJob
from tests.reports.conftest import formula_cells, open_workbook

INDEX = "/reports/"


def start(client, sasebo, headers=None, **fields):
    data = {"strategy": sasebo.pk, "fiscal_year": 2025, "kind": "report", "file_format": "xlsx",
            "basic_policy": "", "department": ""}
    data.update(fields)
    return client.post(reverse("reports:create"), data, headers=headers)


def test_the_page_needs_a_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("username", ["alice", "bob", "erin", "frank"])
def test_other_roles_get_403_everywhere(request, client, sasebo, carol, username):
    job = ReportJob.objects.create(requested_by=carol, strategy=sasebo, fiscal_year=2025, as_of="2025-11-01",
                                   status=JobStatus.FAILED)
    client.force_login(request.getfixturevalue(username))
    assert client.get(INDEX).status_code == 403
    assert start(client, sasebo).status_code == 403
    assert client.get(reverse("reports:status", args=[job.pk])).status_code == 403
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403
    assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 403
    assert ReportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


@pytest.mark.parametrize("username", ["carol", "dave"])
def test_the_dx_office_and_administrators_see_the_form(db, request, client, username):
    client.force_login(request.getfixturevalue(username))
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="build-report"' in html and "令和7年度 (2025年度)" in html
    assert 'href="/"' in html  # back to the landing page
    assert "js/report_progress.js" in html


def test_starting_a_report_runs_it_in_process_and_offers_the_file(eager, client, dave, sasebo, committed):
    client.force_login(dave)
    with committed():
        response = start(client, sasebo)
    assert response.status_code == 302 and response.url == INDEX
    job = ReportJob.objects.get()
    assert (job.status, job.requested_by, job.fiscal_year) == (JobStatus.DONE, dave, 2025)
    html = client.get(INDEX).content.decode()
    assert reverse("reports:download", args=[job.pk]) in html and "data-poll-url" not in html

    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]  # 佐世保市DX戦略_令和7年度_進捗状況報告.xlsx
    workbook = open_workbook(b"".join(response.streaming_content))
    assert workbook.sheetnames[0] == "表紙・概要" and "プロジェクト一覧" in workbook.sheetnames
    assert formula_cells(workbook) == []


def test_media_files_are_not_served_publicly(eager, client, dave, sasebo, committed):
    client.force_login(dave)
    with committed():
        start(client, sasebo)
    job = ReportJob.objects.get()
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_a_queued_job_polls_and_its_row_shows_progress(client, carol, sasebo, django_capture_on_commit_callbacks):
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=False):  # no worker: stays queued
        start(client, sasebo)
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=42)
    html = client.get(INDEX).content.decode()
    assert f'data-poll-url="{reverse("reports:status", args=[job.pk])}"' in html
    row = client.get(reverse("reports:status", args=[job.pk])).content.decode()
    assert row.startswith("<tr") and 'value="42"' in row and "data-poll-url" in row
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_bad_input_shows_the_error_and_stores_nothing(client, carol, sasebo):
    client.force_login(carol)
    response = start(client, sasebo, file_format="csv")
    assert response.status_code == 400
    assert "CSV" in response.content.decode()
    other = Department.objects.exclude(municipality=sasebo.municipality).first()
    assert start(client, sasebo, department=other.pk).status_code == 400
    assert start(client, sasebo, fiscal_year=1990).status_code == 400
    assert not ReportJob.objects.exists()


def test_department_scope_and_data_export_from_the_page(eager, client, carol, sasebo, committed):
    client.force_login(carol)
    department = Department.objects.get(municipality=sasebo.municipality, name="観光商工部")
    with committed():
        assert start(client, sasebo, department=department.pk).status_code == 302
        assert start(client, sasebo, kind="data", file_format="csv").status_code == 302
    report, data = ReportJob.objects.order_by("pk")
    assert report.department == department and report.status == JobStatus.DONE
    response = client.get(reverse("reports:download", args=[data.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfbasic_policy_code,")


def test_retry_button_requeues_a_failed_job(eager, client, dave, sasebo, committed):
    job = ReportJob.objects.create(requested_by=dave, strategy=sasebo, fiscal_year=2025, as_of="2025-11-01",
                                   status=JobStatus.FAILED, message="途中で停止しました")
    client.force_login(dave)
    html = client.get(INDEX).content.decode()
    assert reverse("reports:retry", args=[job.pk]) in html and "途中で停止しました" in html
    with committed():
        assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE  # re-queued, then run in-process
    assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 302  # not failed: a message, no change
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_the_administrator_chooses_the_as_of_date(eager, client, dave, sasebo, committed):
    client.force_login(dave)
    assert 'name="as_of"' in client.get(INDEX).content.decode()
    with committed():
        assert start(client, sasebo, as_of="2026-01-31").status_code == 302
    assert ReportJob.objects.get().as_of == datetime.date(2026, 1, 31)


def test_an_as_of_date_in_the_future_is_refused_and_stores_nothing(client, carol, sasebo):
    client.force_login(carol)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = start(client, sasebo, as_of=tomorrow.isoformat())
    assert response.status_code == 400
    assert f"作成基準日 {tomorrow.isoformat()} は未来の日付です" in response.content.decode()
    response = start(client, sasebo, headers={"accept-language": "en"}, as_of=tomorrow.isoformat())
    assert f"The as-of date {tomorrow.isoformat()} is in the future" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_no_as_of_date_means_today(eager, client, carol, sasebo, committed):
    client.force_login(carol)
    with committed():
        start(client, sasebo)
    assert ReportJob.objects.get().as_of == timezone.localdate()


def test_the_draft_for_checking_is_chosen_on_the_form_and_named_as_such(eager, client, carol, sasebo, committed):
    client.force_login(carol)
    with committed():
        assert start(client, sasebo, draft="on").status_code == 302
    job = ReportJob.objects.get()
    assert job.draft and job.status == JobStatus.DONE
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert "%EF%BC%88%E6%A1%88%EF%BC%89" in response["Content-Disposition"]  # （案） in the file name
    workbook = open_workbook(b"".join(response.streaming_content))
    assert workbook["表紙・概要"]["A1"].value.startswith("【案】")


def test_a_draft_data_export_is_refused(client, carol, sasebo):
    client.force_login(carol)
    response = start(client, sasebo, kind="data", draft="on")
    assert response.status_code == 400 and "確認用の案は進捗状況報告の一種です" in response.content.decode()
    assert not ReportJob.objects.exists()
