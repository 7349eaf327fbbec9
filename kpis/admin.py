"""Admin of indicators, yearly values and target revisions, and the records of the entry round.

Values are typed as the plans print them (30.0, －, …, 実施済) and parsed by
plans.achievement. Yearly values are written through kpis.services like every other
path: a new row as `yearly_value_set_initial`, a stored one as `yearly_value_correct`
(which bumps the version and records the history). A planned value that is set can only
change through `yearly_value_revise_plan`, with a reason, so no revision goes unrecorded.

Entry rounds, their events, review events and reminder logs are shown read-only:
they change only through kpis.workflow (the entry pages and the API), which checks the
rules and keeps the history; editing them here would bypass both.

Every page stays within the user's municipality (plans.admin_scope): the operator and
wide-area readers see approved values only, of the cities granted to them.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kpis import permissions, services
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
    Indicator,
    ReminderLog,
    ReviewEvent,
    RoundText,
    RoundTextEvent,
    TargetRevision,
    ValueState,
    YearlyValue,
)
from kpis.values import MAX_TEXT, value_places
from plans import achievement
from plans.admin import DepartmentListFilter, LabelledChoicesMixin, fiscal_year_filter
from plans.admin_scope import MunicipalityScopedAdmin, ScopedInline
from plans.templatetags.dxplan import fiscal_year as fiscal_year_label

VALUE_HELP = _("A number, － (not applicable), … (not yet set) or text.")


class YearlyValueForm(forms.ModelForm):
    """Planned and actual as one text each; the planned one is locked once set, and a stored
    row keeps its indicator and fiscal year (they say which row it is)."""

    planned_value = forms.CharField(
        label=capfirst(_("planned")), required=False, max_length=MAX_TEXT, help_text=VALUE_HELP
    )
    actual_value = forms.CharField(
        label=capfirst(_("actual")), required=False, max_length=MAX_TEXT, help_text=VALUE_HELP
    )
    user = None  # who saves: set by the admin before save(); the services record it

    class Meta:
        model = YearlyValue
        fields = ("fiscal_year", "comment", "note")
        widgets = {"comment": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.plan_is_set = bool(instance.pk) and instance.planned_state != ValueState.EMPTY
        if instance.pk:
            self.fields["planned_value"].initial = instance.planned.display()
            self.fields["actual_value"].initial = instance.actual.display()
            for name in ("indicator", "fiscal_year"):
                if name in self.fields:  # the inline adds its indicator field after __init__
                    self.fields[name].disabled = True
        if self.plan_is_set:
            self.fields["planned_value"].disabled = True
            self.fields["planned_value"].help_text = _("Set once: change it with “revise target”, giving a reason.")

    def clean(self):
        cleaned = super().clean()
        self.values = {}  # side -> Value, for save()
        sides = [("actual_value", "actual")] + ([] if self.plan_is_set else [("planned_value", "planned")])
        for name, prefix in sides:
            if name in cleaned:
                self.values[prefix] = self._asked(services.checked_value, cleaned[name], field=name)
        indicator, fiscal_year = cleaned.get("indicator"), cleaned.get("fiscal_year")
        if self.instance.pk is None and indicator is not None and fiscal_year is not None:
            self._asked(services.check_fiscal_year, indicator, fiscal_year)
        return cleaned

    def _asked(self, check, *args, **kwargs):
        """A service's check, its ValidationError shown as this form's errors (not a crash in save())."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            self.add_error(None, error)
            return None

    def save(self, commit=True):
        if not commit:  # ModelAdmin.save_form; its save_model calls save() again
            return super().save(commit=False)
        data, instance = self.cleaned_data, self.instance
        if instance.pk is None:
            stored = services.yearly_value_set_initial(
                indicator=instance.indicator, fiscal_year=data["fiscal_year"], planned=self.values.get("planned"),
                actual=self.values.get("actual"), comment=data.get("comment", ""), note=data.get("note", ""),
                user=self.user,
            )
            # The admin logs and redirects with this instance: make it the stored row.
            instance.pk, instance._state.adding = stored.pk, False
            instance.refresh_from_db()
        else:
            services.yearly_value_correct(
                yearly_value=instance, user=self.user, actual=self.values.get("actual"),
                planned=self.values.get("planned"), comment=data.get("comment"), note=data.get("note"),
            )
        return instance


class YearlyValueChangeForm(YearlyValueForm):
    revised_planned = forms.CharField(
        label=_("Revised target"), required=False, max_length=MAX_TEXT, help_text=_("Leave empty to keep the target.")
    )
    revision_reason = forms.CharField(label=_("Reason for the revision"), required=False, widget=forms.Textarea)

    class Meta(YearlyValueForm.Meta):
        fields = ("indicator", "fiscal_year", "comment", "note")

    def clean(self):
        cleaned = super().clean()
        self.revision = None
        raw = (cleaned.get("revised_planned") or "").strip()
        if raw:
            self.revision = self._asked(services.checked_value, raw, field="revised_planned")
            if not (cleaned.get("revision_reason") or "").strip():
                self.add_error("revision_reason", _("A reason is required to revise a target."))
        return cleaned


class YearlyValueInline(ScopedInline, admin.TabularInline):
    model = YearlyValue
    approved_only = {"status": EntryStatus.APPROVED}
    form = YearlyValueForm
    fields = ("fiscal_year", "planned_value", "actual_value", "comment")
    extra = 0
    show_change_link = True  # revising a target happens on the value's own page


class IndicatorForm(forms.ModelForm):
    """The baseline and the final target keep the decimals they are typed with (75.0 stays
    75.0) in `<prefix>_places`, beside their six-decimal columns, as the import keeps them."""

    NUMBERS = ("baseline", "target")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix in self.NUMBERS:
            if self.instance.pk and f"{prefix}_value" in self.fields:  # shown as entered, not as 75.000000
                self.initial[f"{prefix}_value"] = getattr(self.instance, prefix).number

    def clean(self):
        cleaned = super().clean()
        for prefix in self.NUMBERS:
            if f"{prefix}_value" in cleaned:
                places = value_places(achievement.Value.of(cleaned[f"{prefix}_value"]))
                setattr(self.instance, f"{prefix}_places", places)
        return cleaned


class TrailGatedHistoryMixin:
    """History pages are the review trail: a subclass's `_trail_gate(request, object_id)` refuses
    those who may not read it (kpis.permissions), before simple-history shows anything."""

    def history_view(self, request, object_id, extra_context=None):
        self._trail_gate(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._trail_gate(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Indicator)
class IndicatorAdmin(LabelledChoicesMixin, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    municipality_path = "strategy__municipality_id"
    form = IndicatorForm
    list_display = ("code", "name", "kind", "strategy", "owner", "unit", "direction", "responsible_department")
    list_display_links = ("code", "name")
    list_select_related = ("strategy", "basic_policy", "measure", "project", "responsible_department__parent")
    list_filter = (
        "strategy",
        "kind",
        "direction",
        "cumulative",
        ("responsible_department", DepartmentListFilter),
        ("project__leading", admin.BooleanFieldListFilter),
    )
    search_fields = ("code", "name", "formula")
    autocomplete_fields = ("basic_policy", "measure", "project", "responsible_department")
    inlines = (YearlyValueInline,)
    fieldsets = (
        (None, {"fields": ("strategy", "kind", "basic_policy", "measure", "project", "code", "order", "name")}),
        (_("Measurement"), {"fields": ("unit", "direction", "tolerance", "cumulative", "formula", "data_source")}),
        (
            _("Baseline and final target"),
            {"fields": ("baseline_value", "baseline_fiscal_year", "target_value", "target_fiscal_year")},
        ),
        (None, {"fields": ("responsible_department", "note")}),
    )

    @admin.display(description=_("belongs to"))
    def owner(self, obj):
        return obj.owner

    def save_formset(self, request, form, formset, change):
        for value_form in formset.forms:
            value_form.user = request.user
        super().save_formset(request, form, formset, change)


class TargetRevisionInline(ScopedInline, admin.TabularInline):
    model = TargetRevision
    fields = ("old_display", "new_display", "reason", "revised_by", "revised_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # revisions are made by yearly_value_revise_plan only

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("revised_by")

    @admin.display(description=_("old planned"))
    def old_display(self, obj):
        return obj.old.display()

    @admin.display(description=_("new planned"))
    def new_display(self, obj):
        return obj.new.display()


class EvaluableFilter(admin.SimpleListFilter):
    """Whether a rate can be computed (both sides numbers): a filter SQL can answer."""

    title = _("achievement")
    parameter_name = "evaluable"

    def lookups(self, request, model_admin):
        return [("yes", _("Evaluable")), ("no", _("Not evaluable (－)"))]

    def queryset(self, request, queryset):
        both = models.Q(planned_state=ValueState.NUMBER, actual_state=ValueState.NUMBER)
        if self.value() == "yes":
            return queryset.filter(both)
        if self.value() == "no":
            return queryset.exclude(both)
        return queryset


@admin.register(YearlyValue)
class YearlyValueAdmin(TrailGatedHistoryMixin, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    municipality_path = "indicator__strategy__municipality_id"
    approved_only = {"status": EntryStatus.APPROVED}
    form = YearlyValueChangeForm
    list_display = (
        "indicator", "fiscal_year", "planned_display", "actual_display", "rate_display", "grade", "expected", "version",
    )
    # The rate needs the indicator, the grade its strategy's bands: one joined query.
    list_select_related = ("indicator__strategy",)
    list_filter = (
        fiscal_year_filter(),
        "indicator__strategy",
        "indicator__kind",
        "planned_state",
        "actual_state",
        EvaluableFilter,
        ("indicator__responsible_department", DepartmentListFilter),
    )
    search_fields = ("indicator__code", "indicator__name")
    autocomplete_fields = ("indicator",)
    readonly_fields = ("version", "updated_at", "updated_by", "entered_by", "submitted_by")
    inlines = (TargetRevisionInline,)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ("indicator", "fiscal_year", "planned_value", "actual_value", "comment", "note")}),
        ]
        if obj is not None and obj.planned_state != ValueState.EMPTY:
            fieldsets.append((_("Revise target"), {"fields": ("revised_planned", "revision_reason")}))
        if obj is not None:
            fieldsets.append((_("Record"), {"fields": ("version", "updated_at", "updated_by", "entered_by",
                                                       "submitted_by")}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        form.user = request.user
        form.save()  # through kpis.services (obj is form.instance)
        if getattr(form, "revision", None) is not None:
            reason = form.cleaned_data["revision_reason"]
            if services.yearly_value_revise_plan(yearly_value=obj, planned=form.revision, reason=reason,
                                                 user=request.user):
                self.message_user(request, _("The target was revised and the revision recorded."))

    # The history of a row is its review trail: the same rule as the pages (kpis.permissions).
    def _trail_gate(self, request, object_id):
        value = self.get_object(request, unquote(object_id))
        if value is not None and not permissions.can_read_review_trail(
            request.user, department_id=value.indicator.responsible_department_id,
            municipality_id=value.indicator.strategy.municipality_id,
        ):
            raise PermissionDenied


    @admin.display(description=_("planned"))
    def planned_display(self, obj):
        return obj.planned.display()

    @admin.display(description=_("actual"))
    def actual_display(self, obj):
        return obj.actual.display()

    @admin.display(description=_("achievement rate"), ordering="rate")
    def rate_display(self, obj):
        return achievement.NOT_EVALUABLE if obj.rate is None else f"{obj.rate}%"

    @admin.display(description=_("grade"))
    def grade(self, obj):
        return achievement.grade(obj.rate, obj.indicator.strategy.bands())

    @admin.display(description=_("expected value"))
    def expected(self, obj):
        value = obj.indicator.expected_value(obj.fiscal_year)
        return "" if value is None else achievement.Value.of(value).display()


@admin.register(TargetRevision)
class TargetRevisionAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    """Revisions are records: they are made by the revise service and never edited."""

    municipality_path = "yearly_value__indicator__strategy__municipality_id"
    approved_only = {"yearly_value__status": EntryStatus.APPROVED}

    list_display = ("yearly_value", "old_display", "new_display", "reason", "revised_by", "revised_at")
    list_select_related = ("yearly_value__indicator", "revised_by")
    list_filter = ("yearly_value__indicator__strategy", fiscal_year_filter("yearly_value__fiscal_year"))
    search_fields = ("reason", "yearly_value__indicator__name", "yearly_value__indicator__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("old planned"))
    def old_display(self, obj):
        return obj.old.display()

    @admin.display(description=_("new planned"))
    def new_display(self, obj):
        return obj.new.display()


class ReadOnlyAdminMixin:
    """Records made by the workflow services: viewable, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryRoundEventInline(ReadOnlyAdminMixin, ScopedInline, admin.TabularInline):
    model = EntryRoundEvent
    fields = ("action", "reason", "user", "created_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(EntryRound)
class EntryRoundAdmin(ReadOnlyAdminMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "strategy__municipality_id"
    list_display = ("strategy", "fiscal_year_label", "opens_at", "deadline", "reminder_days", "closed_at", "closed_by")
    list_select_related = ("strategy", "closed_by")
    list_filter = ("strategy", fiscal_year_filter())
    fields = ("strategy", "fiscal_year", "opens_at", "deadline", "reminder_days", "closed_at", "closed_by")
    inlines = (EntryRoundEventInline,)

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)


@admin.register(EntryRoundEvent)
class EntryRoundEventAdmin(ReadOnlyAdminMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "entry_round__strategy__municipality_id"
    list_display = ("entry_round", "action", "reason", "user", "created_at")
    list_select_related = ("entry_round__strategy", "user")
    list_filter = ("action",)


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "yearly_value__indicator__strategy__municipality_id"
    list_display = ("created_at", "yearly_value", "stage", "action", "from_status", "to_status", "comment", "user")
    list_select_related = ("yearly_value__indicator", "user")
    list_filter = ("action", "stage", fiscal_year_filter("yearly_value__fiscal_year"),
                   "yearly_value__indicator__strategy")
    search_fields = ("comment", "yearly_value__indicator__code", "yearly_value__indicator__name")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        trail = permissions.review_trail_q(request.user, "yearly_value__indicator__responsible_department_id",
                                           "yearly_value__indicator__strategy__municipality_id")
        return super().get_queryset(request).filter(trail)


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "entry_round__strategy__municipality_id"
    list_display = ("sent_on", "entry_round", "kind", "department", "recipients", "created_at")
    list_select_related = ("entry_round__strategy", "department__parent")
    list_filter = ("kind", "sent_on")
    date_hierarchy = "sent_on"


@admin.register(RoundText)
class RoundTextAdmin(TrailGatedHistoryMixin, ReadOnlyAdminMixin, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    """The round's texts and statuses: entered and reviewed on the entry pages (kpis.text_workflow),
    so the admin only shows them and their history. Drafts, and the history, are for those who
    may read the trail."""

    municipality_path = "strategy__municipality_id"

    list_display = ("fiscal_year", "kind", "basic_policy", "measure", "step", "project", "department", "status",
                    "version", "updated_at")
    list_select_related = ("basic_policy", "measure", "step", "project", "department__parent")
    list_filter = ("kind", "status", fiscal_year_filter("fiscal_year"), "strategy")
    search_fields = ("text",)

    def get_queryset(self, request):
        texts = super().get_queryset(request)
        texts = texts.filter(permissions.strategies_q(request.user, "strategy__"))
        if permissions.is_dx_office(request.user):  # (an empty Q would vanish from the OR below)
            return texts
        return texts.filter(permissions.review_trail_q(request.user, "department_id", "strategy__municipality_id")
                            | Q(status=EntryStatus.APPROVED))

    def _trail_gate(self, request, object_id):
        text = self.get_queryset(request).filter(pk=unquote(object_id)).values(
            "department_id", "strategy__municipality_id").first()
        if text is None:
            raise Http404
        if not permissions.can_read_review_trail(request.user, department_id=text["department_id"],
                                                 municipality_id=text["strategy__municipality_id"]):
            raise PermissionDenied



@admin.register(RoundTextEvent)
class RoundTextEventAdmin(ReadOnlyAdminMixin, MunicipalityScopedAdmin, admin.ModelAdmin):
    municipality_path = "round_text__strategy__municipality_id"
    list_display = ("created_at", "round_text", "stage", "action", "from_status", "to_status", "comment", "user")
    list_select_related = ("round_text__basic_policy", "round_text__measure", "round_text__step",
                           "round_text__project", "user")
    list_filter = ("action", "stage", fiscal_year_filter("round_text__fiscal_year"))
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(permissions.review_trail_q(
            request.user, "round_text__department_id", "round_text__strategy__municipality_id"))
