"""The public portal's jobs on the DX office's publishing page: start a static export, follow a
job's row while it runs, download the export's zip."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plans.downloads import attachment
from public import jobs
from public.models import PublicJob, PublicJobKind
from public.views import _strategy_for_publisher
from reports.models import JobStatus


@login_required
@require_POST
def export_request(request, code: str):
    strategy = _strategy_for_publisher(request, code)
    try:
        jobs.export_request(user=request.user, strategy=strategy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The static export was started; its row below shows its progress."))
    return redirect(reverse("public:manage", args=[code]) + "#jobs")


@login_required
@require_GET
def job_row(request, code: str, pk: int):
    """One job's row of the publishing page, polled by static/js/report_progress.js while it runs."""
    strategy = _strategy_for_publisher(request, code)
    job = get_object_or_404(PublicJob.objects.select_related("requested_by", "publication")
                            .defer("publication__document"), pk=pk, strategy=strategy)
    return render(request, "public/_job_row.html", {"strategy": strategy, "job": job})


@login_required
@require_GET
def export_download(request, code: str, pk: int):
    strategy = _strategy_for_publisher(request, code)
    job = get_object_or_404(PublicJob, pk=pk, strategy=strategy, kind=PublicJobKind.EXPORT, status=JobStatus.DONE)
    if not job.file or not default_storage.exists(job.file.name):
        raise Http404(_("The file of this export is no longer kept: export again."))
    response = FileResponse(default_storage.open(job.file.name, "rb"), content_type="application/zip")
    response["Content-Disposition"] = attachment(jobs.file_name(job))
    return response
