"""Admin of ImportRun (read only: runs are written by the import services)."""

from django.contrib import admin

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "strategy_code", "status", "created_by", "rows"]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "sha256", "strategy_code"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
