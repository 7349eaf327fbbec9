"""The static export as a job (issue 11): requested on the DX office's publishing page, built by a
Celery task like the report (claim → build with progress → store a zip, or fail with a readable
message; never left running), downloaded from that page. The embedded default runs it in-process.
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

from kpis.permissions import can_publish, works_on_strategy
from plans.background import enqueue_on_commit
from plans.heartbeat import beating
from plans.language import stored as stored_message
from public import selectors
from public.models import SiteExport, site_export_upload_to
from public.static_export import export_site
from reports.jobs import jobs_sweep_stale
from reports.models import JobStatus

logger = logging.getLogger(__name__)


@transaction.atomic
def site_export_request(*, user, strategy) -> SiteExport:
    """Queue the export of every published year of `strategy`; the task runs after the commit."""
    if not can_publish(user) or not works_on_strategy(user, strategy):
        raise PermissionDenied(_("Only the DX office and administrators of the plan's city publish."))
    if not selectors.published_years(strategy.municipality.code, strategy.code):
        raise ValidationError(_("Nothing of this plan is published yet: publish a fiscal year first."))
    export = SiteExport.objects.create(strategy=strategy, requested_by=user)
    from public.tasks import build_site_export  # the task module imports this one

    enqueue_on_commit(build_site_export, export.pk, on_unavailable=lambda message: SiteExport.objects.filter(
        pk=export.pk, status=JobStatus.QUEUED).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                                      message=message))
    return export


def site_export_run(*, export_id: int, heartbeat: bool = False) -> SiteExport | None:
    """Claim, build and store the zip; None when another run has the job (a duplicate delivery)."""
    claimed = SiteExport.objects.filter(pk=export_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, message="", attempts=F("attempts") + 1)
    if not claimed:
        return None
    export = SiteExport.objects.select_related("strategy__municipality").get(pk=export_id)
    running = SiteExport.objects.filter(pk=export_id, status=JobStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        running.update(progress=min(95, 100 * done // max(total, 1)))

    try:
        with beating(running, name=f"site-export-{export_id}") if heartbeat else contextlib.nullcontext(), \
                tempfile.TemporaryDirectory() as folder:
            site = Path(folder) / export.strategy.code
            export_site(municipality=export.strategy.municipality.code, strategy=export.strategy.code,
                        directory=site, progress=progress)
            archive = shutil.make_archive(str(site), "zip", root_dir=folder, base_dir=export.strategy.code)
            with open(archive, "rb") as zipped:
                name = default_storage.save(site_export_upload_to(export, file_name(export)), File(zipped))
    except SoftTimeLimitExceeded:
        _fail(running, stored_message(gettext_noop(
            "The build took too long and was stopped. Try a smaller scope, or retry later.")))
    except LookupError:
        _fail(running, stored_message(gettext_noop(
            "Nothing of this plan is published any more: there is nothing to export.")))
    except Exception as error:  # every failure ends on the row, readable, never "running"
        logger.exception("site export %s failed", export_id)
        _fail(running, stored_message(gettext_noop("The static export could not be built: %(error)s"), error=error))
    else:
        if not running.update(status=JobStatus.DONE, progress=100, file=name, finished_at=timezone.now()):
            default_storage.delete(name)  # swept meanwhile: keep its message, drop the late file
    export.refresh_from_db()
    return export


def _fail(running, message: str) -> None:
    running.update(status=JobStatus.FAILED, finished_at=timezone.now(), message=message)


def file_name(export: SiteExport) -> str:
    return f"{export.strategy.code}-public-site-{export.pk}.zip"


def site_exports_sweep_stale(*, now=None) -> int:
    return jobs_sweep_stale(SiteExport.objects.all(), now=now)
