"""Report jobs in the admin: read-only records (jobs start from the reports page or the command).

A failed job can be queued again with an action, through the same service as the page.
Jobs are a city's work (they hold unapproved figures): its administrator sees its own city's
only (plans.admin_scope); the operator none.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from plans.admin import fiscal_year_filter
from plans.admin_scope import CITY_WORK, MunicipalityScopedAdmin
from plans.templatetags.dxplan import fiscal_year as fiscal_year_label
from reports import services
from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    boundary_scope = CITY_WORK
    municipality_path = "strategy__municipality_id"
    list_display = ("created_at", "strategy", "fiscal_year_display", "kind", "file_format", "status", "progress",
                    "requested_by", "duration")
    list_select_related = ("strategy", "requested_by")
    list_filter = ("status", "kind", fiscal_year_filter(), "strategy")
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    # The message as its reader reads it (plans.language.shown), not as stored.
    exclude = ["message"]
    readonly_fields = [field.name if field.name != "message" else "message_shown" for field in ReportJob._meta.fields]

    @admin.display(description=_("message"))
    def message_shown(self, job):
        return job.shown_message

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_display(self, job):
        return fiscal_year_label(job.fiscal_year)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed jobs"))
    def retry_failed(self, request, queryset):
        retried = 0
        for job in queryset.filter(status="failed"):
            try:
                services.report_job_retry(user=request.user, job=job)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{job}: {error}", messages.ERROR)
            else:
                retried += 1
        self.message_user(request, _("%(count)d job(s) queued again.") % {"count": retried})
