"""Report jobs through the services: validation, claiming, building, failures, retry, sweep."""

import csv
import datetime
import io
import os

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from kpis.models import Indicator, YearlyValue
from plans.language import shown
from plans.models import BasicPolicy, Department, Strategy
from reports import jobs, selectors, services, tasks
from reports.models import JobStatus, ReportJob
from tests.reports.conftest import formula_cells, open_workbook

AS_OF = datetime.date(2025, 11, 1)
INJECTION = "=HYPERLINK(\"http://evil.example/\",\"詳細\")"


def create(user, strategy, **options):
    return services.report_job_create(user=user, strategy=strategy, fiscal_year=options.pop("fiscal_year", 2025),
                                      as_of=options.pop("as_of", AS_OF), **options)


def stored_bytes(job) -> bytes:
    with default_storage.open(job.file.name, "rb") as f:
        return f.read()


# --- creating ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["alice", "bob", "erin", "frank"])
def test_only_administrators_and_the_dx_office_may_start_reports(request, username, sasebo):
    user = request.getfixturevalue(username)
    with pytest.raises(PermissionDenied):
        create(user, sasebo)
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize(
    "options, field",
    [
        ({"fiscal_year": 2030}, "fiscal_year"),
        ({"file_format": "csv"}, "file_format"),
        ({"kind": "pdf"}, "kind"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(carol, sasebo, options, field):
    with pytest.raises(ValidationError) as error:
        create(carol, sasebo, enqueue=False, **options)
    assert field in error.value.message_dict
    assert not ReportJob.objects.exists()


def test_scope_must_belong_to_the_strategy(carol, sasebo):
    other_policy = BasicPolicy.objects.exclude(strategy=sasebo).first()
    nagasaki = Department.objects.exclude(municipality=sasebo.municipality).first()
    sasebo_department = Department.objects.filter(municipality=sasebo.municipality).first()
    for scope, field in (({"basic_policy": other_policy}, "basic_policy"), ({"department": nagasaki}, "department"),
                         ({"basic_policy": BasicPolicy.objects.filter(strategy=sasebo).first(),
                           "department": sasebo_department}, "department")):
        with pytest.raises(ValidationError) as error:
            create(carol, sasebo, enqueue=False, **scope)
        assert field in error.value.message_dict
    assert not ReportJob.objects.exists()


def test_creating_enqueues_after_commit_only(carol, sasebo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create(carol, sasebo)
    assert len(callbacks) == 1
    assert job.status == JobStatus.QUEUED and job.requested_by == carol and job.as_of == AS_OF


def test_in_process_without_a_broker_the_job_is_done_after_commit(eager, carol, sasebo,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = create(carol, sasebo)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.file.name.startswith(f"reports/{sasebo.pk}/sasebo-dx-2025-report-job{job.pk}")
    assert default_storage.exists(job.file.name)


# --- running ----------------------------------------------------------------------------------


def test_a_duplicate_delivery_does_nothing(media, carol, sasebo):
    job = create(carol, sasebo, enqueue=False)
    assert jobs.report_job_claim(job_id=job.pk) is True
    assert jobs.report_job_claim(job_id=job.pk) is False  # the second delivery
    assert jobs.report_job_run(job_id=job.pk) is None  # already running elsewhere: untouched
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and not job.file


def test_running_twice_builds_once(media, carol, sasebo):
    job = create(carol, sasebo, enqueue=False)
    done = jobs.report_job_run(job_id=job.pk)
    assert done.status == JobStatus.DONE
    assert jobs.report_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.file.name == done.file.name and job.attempts == 1
    assert job.started_at <= job.finished_at


def test_progress_is_recorded_after_each_section(media, carol, sasebo, monkeypatch):
    seen = []
    original = jobs._set_progress

    def spy(job_id, done, total):
        original(job_id, done, total)
        seen.append(ReportJob.objects.values_list("status", "progress").get(pk=job_id))

    monkeypatch.setattr(jobs, "_set_progress", spy)
    job = create(carol, sasebo, enqueue=False)
    jobs.report_job_run(job_id=job.pk)
    # 12 basic policies, the project list, saving
    assert len(seen) == 14
    assert [p for _, p in seen] == sorted(p for _, p in seen) and seen[-1] == ("running", 99)
    assert {s for s, _ in seen} == {"running"}
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.DONE, 100)


def test_data_export_progress_after_each_sheet(media, carol, sasebo, monkeypatch):
    seen = []
    monkeypatch.setattr(jobs, "_set_progress", lambda job_id, done, total: seen.append((done, total)))
    jobs.report_job_run(job_id=create(carol, sasebo, kind="data", enqueue=False).pk)
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_failure_is_recorded_with_a_readable_message(media, carol, sasebo, monkeypatch):
    def broken(scope):
        raise ValueError("指標 X の値が壊れています")

    monkeypatch.setattr(selectors, "report_sections", broken)
    job = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    assert job.status == JobStatus.FAILED and not job.file and job.finished_at
    assert shown(job.message, "ja") == "帳票を作成できませんでした：指標 X の値が壊れています"
    assert shown(job.message, "en") == "The report could not be built: 指標 X の値が壊れています"


def test_the_soft_time_limit_fails_the_job_with_a_message(media, carol, sasebo, monkeypatch):
    def slow(scope):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(selectors, "report_sections", slow)
    job = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    assert job.status == JobStatus.FAILED and job.message


def test_a_job_swept_while_building_keeps_its_failure_and_drops_the_late_file(media, carol, sasebo, monkeypatch):
    original = selectors.report_sections

    def swept_meanwhile(scope):
        ReportJob.objects.filter(status=JobStatus.RUNNING).update(status=JobStatus.FAILED, message="swept")
        return original(scope)

    monkeypatch.setattr(selectors, "report_sections", swept_meanwhile)
    job = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    assert (job.status, job.message, job.file.name) == (JobStatus.FAILED, "swept", "")
    assert not list((media / "reports").rglob("*.xlsx"))


def test_task_runs_the_service(media, carol, sasebo):
    job = create(carol, sasebo, enqueue=False)
    tasks.build_report_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert tasks.build_report_job.soft_time_limit < tasks.build_report_job.time_limit
    assert jobs.STALE_AFTER.total_seconds() > tasks.build_report_job.time_limit


# --- content end to end -----------------------------------------------------------------------


def test_same_inputs_give_the_same_workbook(media, carol, sasebo):
    first = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    second = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    assert first.file.name != second.file.name
    a, b = stored_bytes(first), stored_bytes(second)
    assert a == b
    book_a, book_b = open_workbook(a), open_workbook(b)
    assert book_a.sheetnames == book_b.sheetnames
    for ws_a, ws_b in zip(book_a.worksheets, book_b.worksheets):
        assert list(ws_a.values) == list(ws_b.values)
    assert book_a.properties.created == book_a.properties.modified == datetime.datetime(2025, 11, 1)


def test_a_comment_that_looks_like_a_formula_stays_text(media, carol, sasebo):
    value = YearlyValue.objects.get(indicator__code="職場環境-KPI2", fiscal_year=2023)
    value.comment = INJECTION
    value.save()
    # As of today: the comment printed is the approved one in force at the end of the as-of day.
    job = create(carol, sasebo, enqueue=False, as_of=timezone.localdate())
    workbook = open_workbook(stored_bytes(jobs.report_job_run(job_id=job.pk)))
    assert formula_cells(workbook) == []
    cells = [c for row in workbook["02-04 職場環境"].iter_rows() for c in row if c.value == INJECTION]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix

    data = jobs.report_job_run(job_id=create(carol, sasebo, kind="data", enqueue=False).pk)
    assert formula_cells(open_workbook(stored_bytes(data))) == []
    export = jobs.report_job_run(job_id=create(carol, sasebo, kind="data", file_format="csv", enqueue=False).pk)
    rows = list(csv.DictReader(io.StringIO(stored_bytes(export).decode("utf-8-sig"))))
    assert [r["comment"] for r in rows if r["indicator_code"] == "職場環境-KPI2" and r["fiscal_year"] == "2023"] == \
        ["'" + INJECTION]


def test_data_export_of_the_demo(media, carol, sasebo):
    job = jobs.report_job_run(job_id=create(carol, sasebo, kind="data", enqueue=False).pk)
    workbook = open_workbook(stored_bytes(job))
    assert workbook.sheetnames == ["計画", "データ", "目標値の修正"]
    plan = dict(workbook["計画"].values)
    assert (plan["strategy_code"], plan["first_fiscal_year"], plan["as_of"]) == ("sasebo-dx", 2021, "2025-11-01")
    assert plan["grade_bands"].startswith('[{"grade": "A"')
    assert workbook["データ"].max_row == 1 + Indicator.objects.filter(strategy=sasebo).count() * 7


# --- retry and sweep --------------------------------------------------------------------------


def test_retry_queues_a_failed_job_again(media, carol, dave, sasebo, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(selectors, "report_sections", lambda scope: 1 / 0)
    job = jobs.report_job_run(job_id=create(carol, sasebo, enqueue=False).pk)
    assert job.status == JobStatus.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.report_job_retry(user=dave, job=job)
    assert (job.status, job.message, job.progress, len(callbacks)) == (JobStatus.QUEUED, "", 0, 1)
    job = jobs.report_job_run(job_id=job.pk)
    assert job.status == JobStatus.DONE and job.attempts == 2
    with pytest.raises(ValidationError):
        services.report_job_retry(user=dave, job=job)


def test_retry_needs_the_right_role(media, carol, bob, sasebo):
    job = create(carol, sasebo, enqueue=False)
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    with pytest.raises(PermissionDenied):
        services.report_job_retry(user=bob, job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_sweep_fails_stale_jobs_only(carol, sasebo):
    now = timezone.now()

    def job(status, **times):
        created = create(carol, sasebo, enqueue=False)
        ReportJob.objects.filter(pk=created.pk).update(status=status, **times)
        return created.pk

    stale = job(JobStatus.RUNNING, started_at=now - datetime.timedelta(hours=2))
    busy = job(JobStatus.RUNNING, started_at=now - datetime.timedelta(minutes=5))
    lost = job(JobStatus.QUEUED, created_at=now - datetime.timedelta(hours=7))
    waiting = job(JobStatus.QUEUED)
    old_done = job(JobStatus.DONE, started_at=now - datetime.timedelta(days=3))
    assert tasks.sweep_stale_jobs.apply().get() == 2
    statuses = dict(ReportJob.objects.values_list("pk", "status"))
    assert statuses == {stale: "failed", busy: "running", lost: "failed", waiting: "queued", old_done: "done"}
    message = ReportJob.objects.get(pk=stale).message
    assert "35" in message and ReportJob.objects.get(pk=lost).message
    assert jobs.report_jobs_sweep_stale() == 0  # nothing left to sweep


def test_command_line_jobs_have_no_requester(media, sasebo):
    strategy = Strategy.objects.get(pk=sasebo.pk)
    job = services.report_job_create(user=None, strategy=strategy, fiscal_year=2025, enqueue=False)
    assert job.requested_by is None and job.as_of == timezone.localdate()


def test_deleting_a_job_deletes_its_file_once_committed(media, sasebo, carol, django_capture_on_commit_callbacks):
    job = ReportJob.objects.create(requested_by=carol, strategy=sasebo, fiscal_year=2025, as_of="2025-11-01",
                                   status=JobStatus.DONE)
    job.file.save("report.xlsx", ContentFile(b"PK\x03\x04"))
    path = job.file.path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job.delete()
    assert os.path.exists(path)  # not before the commit
    for callback in callbacks:
        callback()
    assert not os.path.exists(path)
