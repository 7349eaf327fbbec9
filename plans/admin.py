"""Admin of the organisation and the plan tree.

Changelists select_related what their columns print, and foreign keys to large
tables use autocomplete, so a page costs the same number of queries at any plan size.
Inlines carry no editable foreign keys: a select box per row would query per row.

Every page stays within the user's municipality (plans.admin_scope): a city's administrator
sees, picks and changes its own city's rows only; the system operator manages municipalities,
departments, accounts and directory mappings, and reads only the granted cities' plans.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from plans import boundary
from plans.admin_scope import (
    NOTHING,
    OPERATOR_ONLY,
    ORGANISATION,
    MunicipalityScopedAdmin,
    ScopedInline,
    assignable_roles,
    is_city_admin,
    is_operator,
    related_boundary_q,
)
from plans.models import (
    CROSS_MUNICIPALITY_ROLES,
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
    """A department prints its bureau's name: read bureau and municipality in the same query.
    Only the departments the user may see (its own city's; every city's for the operator)."""

    def field_choices(self, field, request, model_admin):
        departments = Department.objects.select_related("parent", "municipality").filter(
            related_boundary_q(model_admin.admin_site, Department, request))
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
    """Department and Category labels read a parent row; load it with the choices (which
    plans.admin_scope keeps within the boundary)."""

    LABEL_PARENTS = {Department: "parent", Category: "vocabulary"}

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        parent = self.LABEL_PARENTS.get(db_field.related_model)
        if parent is None:
            return queryset
        if queryset is None:
            queryset = db_field.related_model._default_manager.using(db).all()
        return queryset.select_related(parent)


class NarrativeInline(ScopedInline, admin.TabularInline):
    model = Narrative
    fields = ("fiscal_year", "kind", "text")
    extra = 0


# --- organisation ---------------------------------------------------------------------------


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    """Municipalities are the operator's; a city's administrator picks only its own in forms."""

    boundary_scope = OPERATOR_ONLY
    municipality_path = "pk"
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(LabelledChoicesMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    boundary_scope = ORGANISATION
    municipality_path = "municipality_id"
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


def _with_home_municipality(request, initial):
    """A city's administrator creates rows of its own city: preselect it."""
    if is_city_admin(request.user) and "municipality" not in initial:
        initial["municipality"] = boundary.home_municipality_id(request.user)
    return initial


class CityRoleMixin:
    """Accounts and directory mappings: only the roles the user may give, and a new one starts in
    the user's own city."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = assignable_roles(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return _with_home_municipality(request, super().get_changeform_initial_data(request))


@admin.register(User)
class UserAdmin(CityRoleMixin, LabelledChoicesMixin, MunicipalityScopedAdmin, DjangoUserAdmin):
    """Accounts: the operator manages every account (a city's administrators, wide-area viewers
    and the cities granted to them); a city's administrator the accounts of its city, with the
    roles of a city only. Superusers are made by the role (User.save), never by a checkbox, and
    Django's groups and model permissions play no part (plans.admin_scope)."""

    boundary_scope = ORGANISATION
    municipality_path = "municipality_id"
    PERMISSIONS = (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")})
    readonly_fields = ("directory_dn", "is_superuser")
    list_display = ("username", "name", "email", "municipality", "department", "role", "is_staff", "is_active")
    list_select_related = ("municipality", "department__parent")
    list_filter = ("role", "municipality", ("department", DepartmentListFilter), "is_staff", "is_active")
    autocomplete_fields = ("department",)

    def _organisation(self, request):
        fields = ("municipality", "department", "role")
        if is_operator(request.user):
            fields += ("granted_municipalities",)
        return (_("Organisation"), {"fields": fields})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (*DjangoUserAdmin.add_fieldsets, self._organisation(request))
        personal = [fieldset for fieldset in DjangoUserAdmin.fieldsets if "is_superuser" not in fieldset[1]["fields"]]
        return (*personal, self.PERMISSIONS, self._organisation(request),
                (_("Directory"), {"fields": ("directory_dn",)}))


    @admin.display(description=_("name"), ordering="last_name")
    def name(self, user):
        return user.get_full_name()


# --- sign-in lock-outs (django-axes): the locks of the user's city's accounts -----------------


def _lockouts_admin(base):
    class LockoutAdmin(MunicipalityScopedAdmin, base):
        """A city's administrator sees and lifts the locks of its own city's user names only."""

        boundary_scope = ORGANISATION

        def boundary_q(self, request):
            if is_operator(request.user):
                return Q()
            if not is_city_admin(request.user):
                return NOTHING
            home = boundary.home_municipality_id(request.user)
            return Q(username__in=User.objects.filter(municipality_id=home).values("username"))

        def has_add_permission(self, request, obj=None):
            return False

    LockoutAdmin.__name__ = base.__name__
    return LockoutAdmin


for _model, _base in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                      (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _lockouts_admin(_base))


# --- Django's groups and the API tokens: the operator's ------------------------------------------


def _operators_admin(base):
    class OperatorsAdmin(MunicipalityScopedAdmin, base):
        boundary_scope = OPERATOR_ONLY

    OperatorsAdmin.__name__ = base.__name__
    return OperatorsAdmin


for _model, _base in ((Group, GroupAdmin), (TokenProxy, TokenAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _operators_admin(_base))


# --- strategy and its vocabularies ----------------------------------------------------------


class StrategyPhaseInline(ScopedInline, admin.TabularInline):
    model = StrategyPhase
    fields = ("name", "first_fiscal_year", "last_fiscal_year", "order")
    extra = 0


class CategoryVocabularyInline(ScopedInline, admin.TabularInline):
    model = CategoryVocabulary
    fields = ("code", "name", "order")
    extra = 0
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "municipality_id"
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
class StrategyPhaseAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "strategy__municipality_id"
    list_display = ("name", "strategy", "first_fiscal_year", "last_fiscal_year", "order")
    list_select_related = ("strategy",)
    list_filter = ("strategy",)
    search_fields = ("name",)


class CategoryInline(ScopedInline, admin.TabularInline):
    model = Category
    fields = ("code", "name", "order")
    extra = 0


@admin.register(CategoryVocabulary)
class CategoryVocabularyAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "strategy__municipality_id"
    list_display = ("name", "code", "strategy", "order")
    list_select_related = ("strategy",)
    list_filter = ("strategy",)
    search_fields = ("code", "name")
    inlines = (CategoryInline,)


@admin.register(Category)
class CategoryAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "vocabulary__strategy__municipality_id"
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


class MeasureInline(ScopedInline, admin.TabularInline):
    model = Measure
    fields = ("code", "order", "title")
    extra = 0
    show_change_link = True


@admin.register(BasicPolicy)
class BasicPolicyAdmin(LabelledChoicesMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "strategy__municipality_id"
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


class StepInline(ScopedInline, admin.TabularInline):
    model = Step
    fields = ("code", "order", "title")
    extra = 0
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(LabelledChoicesMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "basic_policy__strategy__municipality_id"
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


class StepYearInline(ScopedInline, admin.TabularInline):
    model = StepYear
    fields = ("fiscal_year", "status")
    extra = 0


@admin.register(Step)
class StepAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "measure__basic_policy__strategy__municipality_id"
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
class StepYearAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "step__measure__basic_policy__strategy__municipality_id"
    list_display = ("step", "fiscal_year", "status")
    list_select_related = ("step",)
    list_filter = (fiscal_year_filter(), "status", "step__measure__basic_policy__strategy")
    search_fields = ("step__code", "step__title")
    autocomplete_fields = ("step",)


@admin.register(Narrative)
class NarrativeAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = (
        "basic_policy__strategy__municipality_id",
        "measure__basic_policy__strategy__municipality_id",
        "project__strategy__municipality_id",
    )
    list_display = ("__str__", "owner", "fiscal_year", "kind")
    list_select_related = ("basic_policy", "measure", "project")
    list_filter = (fiscal_year_filter(), "kind")
    search_fields = ("text",)
    autocomplete_fields = ("basic_policy", "measure", "project")

    @admin.display(description=_("belongs to"))
    def owner(self, obj):
        return obj.basic_policy or obj.measure or obj.project


# --- sign-in with the city's directory -------------------------------------------------------


class DirectoryGroupMappingForm(forms.ModelForm):
    """The members of a group work in one city: the department's, else the one chosen here,
    which a city's role requires (the operator and wide-area viewers work in none)."""

    class Meta:
        model = DirectoryGroupMapping
        fields = ("group", "municipality", "department", "role", "priority")

    def clean(self):
        cleaned = super().clean()
        department, municipality = cleaned.get("department"), cleaned.get("municipality")
        role = cleaned.get("role")
        if role in CROSS_MUNICIPALITY_ROLES:
            cleaned["municipality"] = self.instance.municipality = None
            return cleaned
        if department is not None:
            if municipality is not None and municipality.pk != department.municipality_id:
                raise ValidationError({"department": _("The department belongs to another municipality.")})
            cleaned["municipality"] = self.instance.municipality = department.municipality
        elif municipality is None and role:
            raise ValidationError({"municipality": _("Choose the municipality the group's members work in.")})
        return cleaned


@admin.register(DirectoryGroupMapping)
class DirectoryGroupMappingAdmin(CityRoleMixin, LabelledChoicesMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    """Which municipality, department and role the members of a directory group get (plans.signin):
    the operator's for every city, a city's administrator's for its own."""

    boundary_scope = ORGANISATION
    municipality_path = "municipality_id"
    form = DirectoryGroupMappingForm
    list_display = ("group", "municipality", "department", "role", "priority")
    list_select_related = ("municipality", "department__parent")
    list_filter = ("role",)
    search_fields = ("group",)
    autocomplete_fields = ("department",)

