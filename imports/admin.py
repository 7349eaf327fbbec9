"""Admin of ImportRun (read only: runs are written by the import services).

A run is a city's work: its administrator sees the runs into its own city's plans, and the runs
its city's accounts started before a plan was chosen (plans.admin_scope); the operator none.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRun
from plans.admin_scope import CITY_WORK, MunicipalityScopedAdmin, scope_q


@admin.register(ImportRun)
class ImportRunAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    boundary_scope = CITY_WORK
    municipality_path = "strategy__municipality_id"
    list_display = ["created_at", "file_name", "strategy_code", "status", "created_by", "rows"]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "sha256", "strategy_code"]
    # The message as its reader reads it (plans.language.shown), not as stored.
    exclude = ["message"]
    readonly_fields = [f.name if f.name != "message" else "message_shown" for f in ImportRun._meta.fields]

    def boundary_q(self, request):
        started_here = Q(strategy__isnull=True) & scope_q(request.user, CITY_WORK, "created_by__municipality_id")
        return super().boundary_q(request) | started_here

    @admin.display(description=_("message"))
    def message_shown(self, run):
        return run.shown_message

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
