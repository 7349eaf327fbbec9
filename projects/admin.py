"""Admin of projects and their phase per fiscal year (history kept by simple_history), within the
user's municipality (plans.admin_scope)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans.admin import DepartmentListFilter, LabelledChoicesMixin, MeasureAdmin, NarrativeInline, fiscal_year_filter
from plans.admin_scope import MunicipalityScopedAdmin, ScopedInline
from plans.models import Measure
from projects.models import Project, ProjectYear


class ProjectYearInline(ScopedInline, admin.TabularInline):
    model = ProjectYear
    fields = ("fiscal_year", "phase", "is_start")
    extra = 0


@admin.register(Project)
class ProjectAdmin(LabelledChoicesMixin, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    municipality_path = "strategy__municipality_id"
    list_display = ("order", "code", "name", "strategy", "lead_department", "leading", "is_new", "lifecycle")
    list_display_links = ("code", "name")
    list_select_related = ("strategy", "lead_department__parent")
    list_filter = (
        "strategy",
        ("lead_department", DepartmentListFilter),
        "leading",
        "is_new",
        "lifecycle",
        fiscal_year_filter("years__fiscal_year", _("has a phase in fiscal year")),
    )
    search_fields = ("code", "name", "summary")
    autocomplete_fields = (
        "basic_policy",
        "measure",
        "step",
        "merged_into",
        "lead_department",
        "co_departments",
        "categories",
    )
    inlines = (ProjectYearInline, NarrativeInline)
    fieldsets = (
        (None, {"fields": ("strategy", "basic_policy", "measure", "step", "order", "code", "name", "summary")}),
        (_("Status"), {"fields": ("leading", "is_new", "lifecycle", "merged_into", "lifecycle_note")}),
        (_("Responsibility"), {"fields": ("lead_department", "co_departments", "categories")}),
        (None, {"fields": ("note",)}),
    )


@admin.register(ProjectYear)
class ProjectYearAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "project__strategy__municipality_id"
    list_display = ("project", "fiscal_year", "phase", "is_start")
    list_select_related = ("project",)
    list_filter = (fiscal_year_filter(), "phase", "is_start", "project__strategy")
    search_fields = ("project__code", "project__name")
    autocomplete_fields = ("project",)


class ProjectCompactInline(ScopedInline, admin.TabularInline):
    """Projects of a measure, to read; they are edited on their own page."""

    model = Project
    fields = ("order", "code", "name", "leading", "lifecycle")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


# A measure's page lists its projects; plans.admin registers it without them because
# plans sits below projects.
admin.site.unregister(Measure)


@admin.register(Measure)
class MeasureWithProjectsAdmin(MeasureAdmin):
    inlines = (*MeasureAdmin.inlines[:1], ProjectCompactInline, *MeasureAdmin.inlines[1:])
