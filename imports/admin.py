"""Admin of ImportRun (read only: runs are written by the import services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "strategy_code", "status", "created_by", "rows"]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "sha256", "strategy_code"]
    # The message as its reader reads it (plans.language.shown), not as stored.
    exclude = ["message"]
    readonly_fields = [f.name if f.name != "message" else "message_shown" for f in ImportRun._meta.fields]

    @admin.display(description=_("message"))
    def message_shown(self, run):
        return run.shown_message

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
