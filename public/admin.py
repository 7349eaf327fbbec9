"""Publications in the admin: read-only records (publishing and withdrawing go through the
DX office's page, public.services), of the cities the user may read (plans.admin_scope)."""

from django.contrib import admin

from plans.admin_scope import MunicipalityScopedAdmin
from public.models import Publication


@admin.register(Publication)
class PublicationAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "strategy__municipality_id"
    list_display = ("strategy", "fiscal_year", "status", "published_at", "published_by", "withdrawn_at")
    list_select_related = ("strategy", "published_by")
    list_filter = ("status", "strategy")
    exclude = ("document",)
    readonly_fields = [f.name for f in Publication._meta.fields if f.name != "document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
