"""Read API of indicators and their yearly values, with achievement rate and grade.

Values are objects, not bare numbers: {state, number, text, display}, so 「－」 (na) and
「…」 (pending) survive, and numbers keep the decimals they were entered with
("2500.0"). Decimals are strings, as DRF writes them.

Every row stays listed (the plan and its planned values are public), but where
kpis.permissions.can_view_value says no (another department's values before
approval), the actual is shown empty, the comment blank, the rate null and the
grade 「－」, with `actual_visible: false` so a client can tell "hidden" from "empty".
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from kpis import permissions, selectors
from kpis.models import EntryStatus, Indicator, IndicatorKind, ValueState, YearlyValue
from kpis.permissions import can_view_value
from kpis.rates import RATE_PLACES
from plans import achievement
from plans.api import DepartmentFilter, WithinBoundary, id_filter, strategy_filter
from plans.api_query import (
    FiscalYearFilter,
    IdFilter,
    KeysetPagination,
    StrictBooleanFilter,
    StrictChoiceFilter,
    StrictFilterSet,
)


class TrimmedDecimalField(serializers.DecimalField):
    """A Decimal column (6 places in the database) as typed: "0.5", not "0.500000"."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text


class ValueSerializer(serializers.Serializer):
    """One side (planned or actual) of a yearly value."""

    state = serializers.ChoiceField(choices=ValueState.choices)
    number = serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text="Set when state is number."
    )
    text = serializers.CharField(help_text="Set when state is text, e.g. 実施済.")
    display = serializers.CharField(help_text="As printed: 1,020 / 30.0 / － / … / the text / empty.")


def _bands(serializer, strategy):
    """The strategy's grade bands, parsed once per response."""
    cache = serializer.context.setdefault("grade_bands", {})
    if strategy.pk not in cache:
        cache[strategy.pk] = strategy.bands()
    return cache[strategy.pk]


def _may_view(serializer, value) -> bool:
    request = serializer.context.get("request")
    return request is not None and can_view_value(request.user, value)


HIDDEN_ACTUAL = {"state": ValueState.EMPTY, "number": None, "text": "", "display": ""}


class YearlyValueSerializer(serializers.Serializer):
    """The planned and actual value of one fiscal year, with achievement."""

    # Rates, grades and the visibility rule read `indicator` and `indicator.strategy`:
    # kpis.selectors loads both.

    fiscal_year = serializers.IntegerField()
    planned = ValueSerializer()
    actual = ValueSerializer()
    comment = serializers.CharField()
    status = serializers.ChoiceField(choices=EntryStatus.choices, help_text="Where the actual is in the entry round.")
    actual_visible = serializers.SerializerMethodField(
        help_text="False when the actual and comment are hidden from you (another department's, not yet approved)."
    )
    achievement_rate = serializers.DecimalField(
        source="rate", max_digits=None, decimal_places=RATE_PLACES, allow_null=True,
        help_text="Percent; null when not evaluable.",
    )
    grade = serializers.SerializerMethodField(help_text="By the strategy's own bands; 「－」 when not evaluable.")
    expected_value = serializers.SerializerMethodField(
        help_text="On the straight line from baseline to final target; null without both."
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), source="warning_messages", read_only=True,
        help_text="Why the actual needs a second look (far from the plan or last year, a % on a non-percent "
                  "unit; kpis/plausibility.py), in your language; a row with warnings is submitted only with a comment.",
    )

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not data["actual_visible"]:
            # The rate and grade would give the actual away too.
            data.update(actual=dict(HIDDEN_ACTUAL), comment="", achievement_rate=None, grade=achievement.NOT_EVALUABLE,
                        warnings=[])
        return data

    def get_actual_visible(self, obj) -> bool:
        return _may_view(self, obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_grade(self, obj) -> str:
        return obj.grade(_bands(self, obj.indicator.strategy))

    @extend_schema_field(serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True))
    def get_expected_value(self, obj):
        value = obj.indicator.expected_value(obj.fiscal_year)
        return None if value is None else format(value, "f")


class FlatYearlyValueSerializer(YearlyValueSerializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    strategy = serializers.CharField(source="indicator.strategy.code")
    kind = serializers.ChoiceField(source="indicator.kind", choices=IndicatorKind.choices)
    note = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in ("id", "indicator", "strategy", "kind")} | fields  # keys first


class TargetRevisionSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(source="yearly_value.fiscal_year")
    old = ValueSerializer()
    new = ValueSerializer()
    reason = serializers.CharField()
    revised_by = serializers.CharField(source="revised_by.username", allow_null=True)
    revised_at = serializers.DateTimeField()


class IndicatorSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tolerance = TrimmedDecimalField()
    baseline_value = TrimmedDecimalField()
    target_value = TrimmedDecimalField()
    values = YearlyValueSerializer(many=True, read_only=True)
    target_revisions = serializers.SerializerMethodField(help_text="Changes of planned values, oldest first.")

    class Meta:
        model = Indicator
        fields = (
            "id", "strategy", "kind", "basic_policy", "measure", "project", "code", "order", "name", "unit",
            "direction", "tolerance", "cumulative", "baseline_value", "baseline_fiscal_year",
            "target_value", "target_fiscal_year", "formula", "data_source", "responsible_department", "note",
            "values", "target_revisions",
        )

    @extend_schema_field(TargetRevisionSerializer(many=True))
    def get_target_revisions(self, obj):
        revisions = [revision for value in obj.values.all() for revision in value.revisions.all()]
        return TargetRevisionSerializer(revisions, many=True, context=self.context).data


class IndicatorFilterSet(StrictFilterSet):
    strategy = strategy_filter("strategy__code")
    department = DepartmentFilter("responsible_department")
    basic_policy = IdFilter(
        method="filter_basic_policy", label="basic policy id (its own indicators and those of its measures, projects)"
    )
    measure = IdFilter(method="filter_measure", label="measure id (with its projects' indicators)")
    project = id_filter("project", "project id")
    leading = StrictBooleanFilter(field_name="project__leading", label="of a leading project")
    # (indicator, fiscal_year) is unique, so this join never repeats an indicator.
    fiscal_year = FiscalYearFilter(field_name="values__fiscal_year", label="has a value in fiscal year")

    class Meta:
        model = Indicator
        fields = ("strategy", "kind", "direction", "basic_policy", "measure", "project", "department", "leading",
                  "fiscal_year")

    def filter_basic_policy(self, queryset, name, value):
        return queryset.filter(selectors.under_basic_policy(int(value)))

    def filter_measure(self, queryset, name, value):
        return queryset.filter(selectors.under_measure(int(value)))


class YearlyValueFilterSet(StrictFilterSet):
    strategy = strategy_filter("indicator__strategy__code")
    indicator = id_filter("indicator", "indicator id")
    kind = StrictChoiceFilter(field_name="indicator__kind", choices=IndicatorKind.choices)
    department = DepartmentFilter("indicator__responsible_department")
    basic_policy = IdFilter(method="filter_basic_policy", label="basic policy id (whole subtree)")
    measure = IdFilter(method="filter_measure", label="measure id (with its projects)")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    leading = StrictBooleanFilter(field_name="indicator__project__leading", label="of a leading project")
    actual_state = StrictChoiceFilter(
        choices=ValueState.choices, method="filter_actual_state", label="actual state (of the actuals you may see)"
    )

    class Meta:
        model = YearlyValue
        fields = ("strategy", "indicator", "kind", "fiscal_year", "department", "basic_policy", "measure",
                  "leading", "planned_state", "actual_state", "status")

    def filter_basic_policy(self, queryset, name, value):
        return queryset.filter(selectors.under_basic_policy(int(value), prefix="indicator__"))

    def filter_measure(self, queryset, name, value):
        return queryset.filter(selectors.under_measure(int(value), prefix="indicator__"))

    def filter_actual_state(self, queryset, name, value):
        # Filtering on a hidden actual would reveal it.
        return queryset.filter(permissions.actual_visible_q(self.request.user), actual_state=value)


class IndicatorViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    """Indicators with their yearly values (planned, actual, rate, grade) and target revisions."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    boundary_path = "strategy__municipality_id"  # values and revisions follow their indicator

    def get_queryset(self):
        return self.within_boundary(selectors.indicator_list())


class YearlyValueViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    """Yearly values one per row, with rate and grade."""

    serializer_class = FlatYearlyValueSerializer
    filterset_class = YearlyValueFilterSet
    pagination_class = KeysetPagination
    keyset = selectors.YEARLY_VALUE_ORDER  # the list's order, unique: ?cursor= pages follow it
    boundary_path = "indicator__strategy__municipality_id"

    def get_queryset(self):
        return self.within_boundary(selectors.yearly_value_list())
