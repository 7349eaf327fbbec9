"""Admin of indicators, yearly values and target revisions, and the records of the entry round.

Values are typed as the plans print them (30.0, －, …, 実施済) and parsed by
plans.achievement. A planned value that is set can only change through
`yearly_value_revise_plan`, with a reason, so no revision goes unrecorded.

Entry rounds, their events, review events and reminder logs are shown read-only:
they change only through kpis.workflow (the entry pages and the API), which checks the
rules and keeps the history; editing them here would bypass both.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kpis import permissions
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    Indicator,
    ReminderLog,
    ReviewEvent,
    TargetRevision,
    ValueState,
    YearlyValue,
    value_places,
)
from kpis.services import yearly_value_revise_plan
from plans import achievement
from plans.admin import DepartmentListFilter, LabelledChoicesMixin, fiscal_year_filter
from plans.templatetags.dxplan import fiscal_year as fiscal_year_label

VALUE_HELP = _("A number, － (not applicable), … (not yet set) or text.")
# Form fields whose change means the user entered the row (YearlyValue.entered_by).
ENTERED_FIELDS = frozenset({"actual_value", "comment"})
MAX_NUMBER = Decimal(10) ** 14  # the columns hold 20 digits, 6 of them decimals
MAX_PLACES = 6


def parse_value(raw: str) -> achievement.Value:
    """A Value from what was typed, or a ValidationError the form shows."""
    try:
        value = achievement.Value.of(raw or "")
    except (ValueError, TypeError) as error:
        raise forms.ValidationError(str(error)) from None
    if value.is_number and (abs(value.number) >= MAX_NUMBER or value_places(value) > MAX_PLACES):
        raise forms.ValidationError(_("Use at most 14 digits before and 6 after the decimal point."))
    if len(value.text) > 200:
        raise forms.ValidationError(_("Text values are limited to 200 characters."))
    return value


def set_side(yearly_value: YearlyValue, prefix: str, value: achievement.Value) -> None:
    setattr(yearly_value, f"{prefix}_state", value.state)
    setattr(yearly_value, f"{prefix}_number", value.number)
    setattr(yearly_value, f"{prefix}_places", value_places(value))
    setattr(yearly_value, f"{prefix}_text", value.text)


class YearlyValueForm(forms.ModelForm):
    """Planned and actual as one text each; the planned one is locked once set."""

    planned_value = forms.CharField(label=capfirst(_("planned")), required=False, max_length=200, help_text=VALUE_HELP)
    actual_value = forms.CharField(label=capfirst(_("actual")), required=False, max_length=200, help_text=VALUE_HELP)
    # Changes that are not data entry: they must not bump the version.
    not_data = frozenset()

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
        if self.plan_is_set:
            self.fields["planned_value"].disabled = True
            self.fields["planned_value"].help_text = _("Set once: change it with “revise target”, giving a reason.")

    def clean(self):
        cleaned = super().clean()
        sides = [("actual_value", "actual")] + ([] if self.plan_is_set else [("planned_value", "planned")])
        for name, prefix in sides:
            if name in cleaned:
                try:
                    set_side(self.instance, prefix, parse_value(cleaned[name]))
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def save(self, commit=True):
        if self.instance.pk and set(self.changed_data) - self.not_data:
            self.instance.version += 1  # the entry workflow refuses saves based on a stale read
        return super().save(commit)


class YearlyValueChangeForm(YearlyValueForm):
    revised_planned = forms.CharField(
        label=_("Revised target"), required=False, max_length=200, help_text=_("Leave empty to keep the target.")
    )
    revision_reason = forms.CharField(label=_("Reason for the revision"), required=False, widget=forms.Textarea)
    not_data = frozenset({"revised_planned", "revision_reason"})

    class Meta(YearlyValueForm.Meta):
        fields = ("indicator", "fiscal_year", "comment", "note")

    def clean(self):
        cleaned = super().clean()
        self.revision = None
        raw = (cleaned.get("revised_planned") or "").strip()
        if raw:
            try:
                self.revision = parse_value(raw)
            except forms.ValidationError as error:
                self.add_error("revised_planned", error)
            if not (cleaned.get("revision_reason") or "").strip():
                self.add_error("revision_reason", _("A reason is required to revise a target."))
        return cleaned


class YearlyValueInline(admin.TabularInline):
    model = YearlyValue
    form = YearlyValueForm
    fields = ("fiscal_year", "planned_value", "actual_value", "comment")
    extra = 0
    show_change_link = True  # revising a target happens on the value's own page


@admin.register(Indicator)
class IndicatorAdmin(LabelledChoicesMixin, SimpleHistoryAdmin):
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
            if value_form.has_changed():
                value_form.instance.updated_by = request.user
            if ENTERED_FIELDS & set(value_form.changed_data):
                value_form.instance.entered_by = request.user
        super().save_formset(request, form, formset, change)


class TargetRevisionInline(admin.TabularInline):
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
class YearlyValueAdmin(SimpleHistoryAdmin):
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
        obj.updated_by = request.user
        if ENTERED_FIELDS & set(form.changed_data):
            obj.entered_by = request.user  # they may then not approve it (kpis.permissions)
        super().save_model(request, obj, form, change)
        if getattr(form, "revision", None) is not None:
            reason = form.cleaned_data["revision_reason"]
            if yearly_value_revise_plan(yearly_value=obj, planned=form.revision, reason=reason, user=request.user):
                self.message_user(request, _("The target was revised and the revision recorded."))

    # The history of a row is its review trail: the same rule as the pages (kpis.permissions).
    def _trail_gate(self, request, object_id):
        value = self.get_object(request, unquote(object_id))
        if value is not None and not permissions.can_read_review_trail(
            request.user, department_id=value.indicator.responsible_department_id
        ):
            raise PermissionDenied

    def history_view(self, request, object_id, extra_context=None):
        self._trail_gate(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._trail_gate(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

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
class TargetRevisionAdmin(admin.ModelAdmin):
    """Revisions are records: they are made by the revise service and never edited."""

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


class EntryRoundEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EntryRoundEvent
    fields = ("action", "reason", "user", "created_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(EntryRound)
class EntryRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("strategy", "fiscal_year_label", "opens_at", "deadline", "reminder_days", "closed_at", "closed_by")
    list_select_related = ("strategy", "closed_by")
    list_filter = ("strategy", fiscal_year_filter())
    fields = ("strategy", "fiscal_year", "opens_at", "deadline", "reminder_days", "closed_at", "closed_by")
    inlines = (EntryRoundEventInline,)

    @admin.display(description=_("fiscal year"), ordering="fiscal_year")
    def fiscal_year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)


@admin.register(EntryRoundEvent)
class EntryRoundEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("entry_round", "action", "reason", "user", "created_at")
    list_select_related = ("entry_round__strategy", "user")
    list_filter = ("action",)


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "yearly_value", "stage", "action", "from_status", "to_status", "comment", "user")
    list_select_related = ("yearly_value__indicator", "user")
    list_filter = ("action", "stage", fiscal_year_filter("yearly_value__fiscal_year"),
                   "yearly_value__indicator__strategy")
    search_fields = ("comment", "yearly_value__indicator__code", "yearly_value__indicator__name")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        trail = permissions.review_trail_q(request.user, "yearly_value__indicator__responsible_department_id")
        return super().get_queryset(request).filter(trail)


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_on", "entry_round", "kind", "department", "recipients", "created_at")
    list_select_related = ("entry_round__strategy", "department__parent")
    list_filter = ("kind", "sent_on")
    date_hierarchy = "sent_on"
