"""The public portal's jobs (issue 11): publishing a fiscal year and the static export, requested on
the DX office's publishing page and run by a Celery task like the report: claim → work with
progress → done (a publication, or a zip to download) or failed with a readable message; never
left running (a lost worker is swept). The embedded default runs them in-process.

A request is checked at once (who, which year, a reason for a correction), so a refusal is said
on the page and queues nothing; the job then runs public.services.publication_publish, which
checks again under its lock.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.background import enqueue_on_commit
from plans.heartbeat import beating
from plans.language import stored as stored_message
from public import selectors, services
from public.models import DEFAULT_LICENCE, PublicJob, PublicJobKind, job_upload_to
from public.snapshot import missing_items
from public.static_export import export_site
from reports.jobs import jobs_sweep_stale
from reports.models import JobStatus

logger = logging.getLogger(__name__)


def _queue(job: PublicJob) -> PublicJob:
    from public.tasks import run_public_job  # the task module imports this one

    enqueue_on_commit(run_public_job, job.pk, on_unavailable=lambda message: PublicJob.objects.filter(
        pk=job.pk, status=JobStatus.QUEUED).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                                   message=message))
    return job


@transaction.atomic
def publish_request(*, user, strategy, fiscal_year: int, reason: str = "", licence: str = "") -> PublicJob:
    """Queue the publication of `fiscal_year`; raises PermissionDenied / ValidationError at once."""
    services.check_publisher(user, strategy.municipality_id)
    refusal = services.year_refusal(strategy=strategy, fiscal_year=fiscal_year)
    if refusal:
        raise ValidationError(refusal)
    reason, licence = reason.strip(), licence.strip() or DEFAULT_LICENCE
    services.check_texts(reason=reason, licence=licence)
    if not reason and any(p.fiscal_year == fiscal_year for p in selectors.published_years(
            strategy.municipality.code, strategy.code)):
        raise ValidationError(_("This year is already published: give the reason for the correction."))
    return _queue(PublicJob.objects.create(strategy=strategy, kind=PublicJobKind.PUBLISH, requested_by=user,
                                           fiscal_year=fiscal_year, reason=reason, licence=licence))


@transaction.atomic
def export_request(*, user, strategy) -> PublicJob:
    """Queue the static export of every published year of `strategy`."""
    services.check_publisher(user, strategy.municipality_id)
    if not selectors.published_years(strategy.municipality.code, strategy.code):
        raise ValidationError(_("Nothing of this plan is published yet: publish a fiscal year first."))
    return _queue(PublicJob.objects.create(strategy=strategy, kind=PublicJobKind.EXPORT, requested_by=user))


def job_run(*, job_id: int, heartbeat: bool = False) -> PublicJob | None:
    """Claim and run the job; None when another run has it (a duplicate delivery)."""
    claimed = PublicJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, message="", attempts=F("attempts") + 1)
    if not claimed:
        return None
    job = PublicJob.objects.select_related("strategy__municipality", "requested_by").get(pk=job_id)
    running = PublicJob.objects.filter(pk=job_id, status=JobStatus.RUNNING)
    try:
        with beating(running, name=f"public-job-{job_id}") if heartbeat else contextlib.nullcontext():
            done = _publish(job) if job.kind == PublicJobKind.PUBLISH else _export(job, running)
    except ValidationError as error:  # the year or the user's rights changed since the request
        _fail(running, stored_message(gettext_noop("Not published: %(error)s"), error=" ".join(error.messages)))
    except PermissionDenied as error:
        _fail(running, stored_message(gettext_noop("Not published: %(error)s"), error=error))
    except SoftTimeLimitExceeded:
        _fail(running, stored_message(gettext_noop(
            "The build took too long and was stopped. Try a smaller scope, or retry later.")))
    except LookupError:
        _fail(running, stored_message(gettext_noop(
            "Nothing of this plan is published any more: there is nothing to export.")))
    except Exception as error:  # every failure ends on the row, readable, never "running"
        logger.exception("public job %s failed", job_id)
        _fail(running, stored_message(gettext_noop("The job could not be finished: %(error)s"), error=error))
    else:
        if not running.update(status=JobStatus.DONE, progress=100, finished_at=timezone.now(), **done):
            if done.get("file"):  # swept meanwhile: keep its message, drop the late file
                default_storage.delete(done["file"])
    job.refresh_from_db()
    return job


def _publish(job: PublicJob) -> dict:
    publication = services.publication_publish(user=job.requested_by, strategy=job.strategy,
                                               fiscal_year=job.fiscal_year, reason=job.reason, licence=job.licence)
    count = sum(len(items) for items in missing_items(publication.document).values())
    message = stored_message(gettext_noop(
        "Published with %(count)s items not approved or empty; they show as 「未確定」 or blank to the public."),
        count=count) if count else ""
    return {"publication": publication, "message": message}


def _export(job: PublicJob, running) -> dict:
    def progress(done: int, total: int) -> None:
        running.update(progress=min(95, 100 * done // max(total, 1)))

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / job.strategy.code
        export_site(municipality=job.strategy.municipality.code, strategy=job.strategy.code, directory=site,
                    progress=progress)
        archive = shutil.make_archive(str(site), "zip", root_dir=folder, base_dir=job.strategy.code)
        with open(archive, "rb") as zipped:
            return {"file": default_storage.save(job_upload_to(job, file_name(job)), File(zipped))}


def _fail(running, message: str) -> None:
    running.update(status=JobStatus.FAILED, finished_at=timezone.now(), message=message)


def file_name(job: PublicJob) -> str:
    return f"{job.strategy.code}-public-site-{job.pk}.zip"


def jobs_sweep(*, now=None) -> int:
    return jobs_sweep_stale(PublicJob.objects.all(), now=now)
