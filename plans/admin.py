"""Admin of the organisation and the plan tree.

Changelists select_related what their columns print, and foreign keys to large
tables use autocomplete, so a page costs the same number of queries at any plan size.
Inlines carry no editable foreign keys: a select box per row would query per row.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from plans.models import (
    BasicPolicy,
    Category,
    CategoryVocabulary,
    Department,
    DirectoryGroupMapping,
    Measure,
    Municipality,
    Narrative,
    Step,
    StepYear,
    Strategy,
    StrategyPhase,
    User,
)
from plans.templatetags.dxplan import fiscal_year as fiscal_year_label

# --- shared pieces, also used by projects.admin and kpis.admin ------------------------------


class DepartmentListFilter(admin.RelatedFieldListFilter):
    """A department prints its bureau's name: read bureau and municipality in the same query."""

    def field_choices(self, field, request, model_admin):
        departments = Department.objects.select_related("parent", "municipality")
        return [(d.pk, f"{d.municipality.name} {d}") for d in departments]


def fiscal_year_filter(field_name="fiscal_year", title=_("fiscal year")):
    """A list filter offering the fiscal years present, labelled 令和5年度 (2023年度)."""

    class FiscalYearFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            years = (
                model_admin.get_queryset(request)
                .order_by(field_name)
                .values_list(field_name, flat=True)
                .distinct()
            )
            return [(fy, fiscal_year_label(fy)) for fy in years if fy is not None]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{field_name: int(value)})
            return queryset

    FiscalYearFilter.title = title
    return FiscalYearFilter


class LabelledChoicesMixin:
    """Department and Category labels read a parent row; load it with the choices."""

    def _labelled_queryset(self, db_field):
        if db_field.related_model is Department:
            return Department.objects.select_related("parent")
        if db_field.related_model is Category:
            return Category.objects.select_related("vocabulary")
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (queryset := self._labelled_queryset(db_field)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (queryset := self._labelled_queryset(db_field)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NarrativeInline(admin.TabularInline):
    model = Narrative
    fields = ("fiscal_year", "kind", "text")
    extra = 0


# --- organisation ---------------------------------------------------------------------------


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(LabelledChoicesMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "municipality", "email", "order", "allow_self_approval")
    list_select_related = ("parent", "municipality")
    list_filter = ("municipality", "allow_self_approval")
    search_fields = ("name", "parent__name")
    autocomplete_fields = ("parent",)

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete labels read a parent row too. (A changelist skips list_select_related
        # once the queryset has any select_related, so repeat it here.)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related(*self.list_select_related), may_have_duplicates


@admin.register(User)
class UserAdmin(LabelledChoicesMixin, DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Organisation"), {"fields": ("department", "role")}),
        (_("Directory"), {"fields": ("directory_dn",)}),
    )
    readonly_fields = ("directory_dn",)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Organisation"), {"fields": ("department", "role")}),)
    list_display = ("username", "name", "email", "department", "role", "is_staff", "is_active")
    list_select_related = ("department__parent",)
    list_filter = ("role", ("department", DepartmentListFilter), "is_staff", "is_active")
    autocomplete_fields = ("department",)

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, user):
        return user.get_full_name()


# --- strategy and its vocabularies ----------------------------------------------------------


class StrategyPhaseInline(admin.TabularInline):
    model = StrategyPhase
    fields = ("name", "first_fiscal_year", "last_fiscal_year", "order")
    extra = 0


class CategoryVocabularyInline(admin.TabularInline):
    model = CategoryVocabulary
    fields = ("code", "name", "order")
    extra = 0
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "municipality", "first_fiscal_year", "last_fiscal_year", "order")
    list_select_related = ("municipality",)
    list_filter = ("municipality",)
    search_fields = ("code", "title")
    inlines = (StrategyPhaseInline, CategoryVocabularyInline)
    fieldsets = (
        (None, {"fields": ("municipality", "code", "title", "description", "order")}),
        (_("Period"), {"fields": ("first_fiscal_year", "last_fiscal_year", "plan_as_of", "actuals_as_of")}),
        (_("Level labels"), {"fields": ("label_basic_policy", "label_measure", "label_step", "label_project")}),
        (_("Grading"), {"fields": ("grade_bands", "plausibility_factor")}),
    )


@admin.register(StrategyPhase)
class StrategyPhaseAdmin(admin.ModelAdmin):
    list_display = ("name", "strategy", "first_fiscal_year", "last_fiscal_year", "order")
    list_select_related = ("strategy",)
    list_filter = ("strategy",)
    search_fields = ("name",)


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ("code", "name", "order")
    extra = 0


@admin.register(CategoryVocabulary)
class CategoryVocabularyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "strategy", "order")
    list_select_related = ("strategy",)
    list_filter = ("strategy",)
    search_fields = ("code", "name")
    inlines = (CategoryInline,)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "vocabulary", "strategy", "order")
    list_select_related = ("vocabulary__strategy",)
    list_filter = ("vocabulary__strategy", "vocabulary")
    search_fields = ("code", "name", "vocabulary__name")

    @admin.display(description=_("strategy"), ordering="vocabulary__strategy")
    def strategy(self, obj):
        return obj.vocabulary.strategy

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete labels read a parent row too. (A changelist skips list_select_related
        # once the queryset has any select_related, so repeat it here.)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related(*self.list_select_related), may_have_duplicates


# --- the plan tree --------------------------------------------------------------------------

TARGET_TEXTS = (
    "target_image",
    "target_object",
    "target_intent",
    "target_state_3y",
    "current_issues",
    "actions",
    "strengths",
    "weaknesses",
    "approach",
    "related_plans",
)


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ("code", "order", "title")
    extra = 0
    show_change_link = True


@admin.register(BasicPolicy)
class BasicPolicyAdmin(LabelledChoicesMixin, admin.ModelAdmin):
    list_display = ("code", "title", "short_name", "strategy", "lead_department")
    list_display_links = ("code", "title")
    list_select_related = ("strategy", "lead_department__parent")
    list_filter = ("strategy", ("lead_department", DepartmentListFilter))
    search_fields = ("code", "title", "short_name")
    autocomplete_fields = ("lead_department", "co_departments", "categories")
    inlines = (MeasureInline, NarrativeInline)
    fieldsets = (
        (None, {"fields": ("strategy", "code", "order", "title", "short_name", "field_examples", "description")}),
        (_("Responsibility"), {"fields": ("lead_department", "co_departments", "categories")}),
        (_("Targets and analysis"), {"fields": TARGET_TEXTS, "classes": ("collapse",)}),
        (None, {"fields": ("note",)}),
    )


class StepInline(admin.TabularInline):
    model = Step
    fields = ("code", "order", "title")
    extra = 0
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(LabelledChoicesMixin, admin.ModelAdmin):
    list_display = ("code", "title", "basic_policy", "strategy", "lead_department")
    list_display_links = ("code", "title")
    list_select_related = ("basic_policy__strategy", "lead_department__parent")
    list_filter = ("basic_policy__strategy", ("lead_department", DepartmentListFilter))
    search_fields = ("code", "title", "alt_title", "basic_policy__code", "basic_policy__title")
    autocomplete_fields = ("basic_policy", "lead_department", "co_departments", "categories")
    inlines = (StepInline, NarrativeInline)  # projects.admin adds the measure's projects
    fieldsets = (
        (None, {"fields": ("basic_policy", "code", "order", "title", "alt_title", "description")}),
        (_("Responsibility"), {"fields": ("lead_department", "co_departments", "categories")}),
        (_("Targets and analysis"), {"fields": TARGET_TEXTS, "classes": ("collapse",)}),
        (None, {"fields": ("note",)}),
    )

    @admin.display(description=_("strategy"), ordering="basic_policy__strategy")
    def strategy(self, obj):
        return obj.basic_policy.strategy


class StepYearInline(admin.TabularInline):
    model = StepYear
    fields = ("fiscal_year", "status")
    extra = 0


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "measure", "strategy", "order")
    list_display_links = ("code", "title")
    list_select_related = ("measure__basic_policy__strategy",)
    list_filter = ("measure__basic_policy__strategy",)
    search_fields = ("code", "title", "measure__code", "measure__title")
    autocomplete_fields = ("measure",)
    inlines = (StepYearInline,)

    @admin.display(description=_("strategy"), ordering="measure__basic_policy__strategy")
    def strategy(self, obj):
        return obj.measure.basic_policy.strategy


@admin.register(StepYear)
class StepYearAdmin(admin.ModelAdmin):
    list_display = ("step", "fiscal_year", "status")
    list_select_related = ("step",)
    list_filter = (fiscal_year_filter(), "status", "step__measure__basic_policy__strategy")
    search_fields = ("step__code", "step__title")
    autocomplete_fields = ("step",)


@admin.register(Narrative)
class NarrativeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "fiscal_year", "kind")
    list_select_related = ("basic_policy", "measure", "project")
    list_filter = (fiscal_year_filter(), "kind")
    search_fields = ("text",)
    autocomplete_fields = ("basic_policy", "measure", "project")

    @admin.display(description=_("belongs to"))
    def owner(self, obj):
        return obj.basic_policy or obj.measure or obj.project


# --- sign-in with the city's directory -------------------------------------------------------


@admin.register(DirectoryGroupMapping)
class DirectoryGroupMappingAdmin(LabelledChoicesMixin, admin.ModelAdmin):
    """Which department and role the members of a directory group get (plans.signin)."""

    list_display = ("group", "department", "role", "priority")
    list_select_related = ("department__parent",)
    list_filter = ("role",)
    search_fields = ("group",)
    autocomplete_fields = ("department",)
