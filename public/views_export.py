"""The static export on the DX office's publishing page: request it, follow it, download the zip."""

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
from public import site_exports
from public.models import SiteExport
from public.views import _strategy_for_publisher
from reports.models import JobStatus


@login_required
@require_POST
def export_request(request, code: str):
    strategy = _strategy_for_publisher(request, code)
    try:
        site_exports.site_export_request(user=request.user, strategy=strategy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The static export was started; its row below shows its progress."))
    return redirect(reverse("public:manage", args=[code]) + "#exports")


@login_required
@require_GET
def export_row(request, code: str, pk: int):
    """One export's row of the publishing page, polled by static/js/report_progress.js while it runs."""
    strategy = _strategy_for_publisher(request, code)
    export = get_object_or_404(SiteExport.objects.select_related("requested_by"), pk=pk, strategy=strategy)
    return render(request, "public/_export_row.html", {"strategy": strategy, "export": export})


@login_required
@require_GET
def export_download(request, code: str, pk: int):
    strategy = _strategy_for_publisher(request, code)
    export = get_object_or_404(SiteExport, pk=pk, strategy=strategy, status=JobStatus.DONE)
    if not export.file or not default_storage.exists(export.file.name):
        raise Http404(_("The file of this export is no longer kept: export again."))
    response = FileResponse(default_storage.open(export.file.name, "rb"), content_type="application/zip")
    response["Content-Disposition"] = attachment(site_exports.file_name(export))
    return response
