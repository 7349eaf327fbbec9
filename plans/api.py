"""Read API of the organisation and the plan tree: departments, basic policies, measures
and steps. Strategies, whose list and tree count projects and indicators, are served by
kpis.api_plan, a layer up.

Every viewset of the API lists and opens only what the user may read (plans.boundary): its own
city's rows, or the granted cities' for a wide-area viewer or the operator. Its queryset is
filtered by `WithinBoundary`, so a list, a filter with another city's value (?strategy=,
?department=) and a detail of another city's row answer as if the row did not exist (no rows,
404); writes check `refuse_outside` before the service.
"""

import django_filters
from django.db.models import Q
from rest_framework import exceptions, serializers, viewsets

from plans import boundary
from plans.api_query import IdFilter, StrictFilterSet
from plans.models import BasicPolicy, Department, Measure, Step

# --- the municipality boundary, shared by every viewset of the API -----------------------------


def request_user(view):
    """The user of the view's request, or None (drf-spectacular builds the schema with a mock
    request, possibly without a user): the boundary then reads nothing."""
    return getattr(getattr(view, "request", None), "user", None)


# A viewset mixin: its queryset keeps the rows of the municipalities the user may read.
# `boundary_path` leads from the model to a municipality id. One filter in SQL (the user's
# municipality is on its row; a wide-area viewer's grants are read once per request), so a
# list costs no query more per row. (No docstring: drf-spectacular would print it as the
# description of every viewset that has none of its own.)
class WithinBoundary:
    boundary_path = "municipality_id"

    def get_queryset(self):
        return self.within_boundary(super().get_queryset())

    def within_boundary(self, queryset):
        """`queryset` (of the view's model) kept to the readable municipalities; viewsets that
        build their queryset from a selector call this on it."""
        if getattr(self, "swagger_fake_view", False):  # the schema: no rows needed, no user asked
            return queryset.none()
        return queryset.filter(boundary.readable_q(request_user(self), self.boundary_path))


def refuse_outside(user, municipality_id: int | None) -> None:
    """403 with the boundary's reason unless the user works in `municipality_id`: asked before
    every write on a row the user may read (a wide-area viewer's granted city)."""
    reason = boundary.refusal(user, municipality_id)
    if reason:
        raise exceptions.PermissionDenied(reason)


# --- filters shared with projects.api and kpis.api ------------------------------------------


def department_q(field: str, department_id: int) -> Q:
    """A department or one of its divisions (課 under a 部局)."""
    return Q(**{f"{field}_id": department_id}) | Q(**{f"{field}__parent_id": department_id})


class DepartmentFilter(IdFilter):
    """?department=<id>: owned by the department or one of its divisions."""

    def __init__(self, field_name, **kwargs):
        kwargs.setdefault("label", "department id (includes its divisions)")
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        return qs if value in (None, "") else qs.filter(department_q(self.field_name, int(value)))


def strategy_filter(field_name: str):
    return django_filters.CharFilter(field_name=field_name, label="strategy code, e.g. sasebo-dx")


def id_filter(field_name: str, label: str):
    """Filter by a related row's id, without ModelChoiceFilter's lookup query and its
    select box of every row in the browsable API."""
    return IdFilter(field_name=field_name, label=label)


# --- serializers ----------------------------------------------------------------------------


class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DepartmentSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ("id", "municipality", "parent", "name", "order")


class StrategyLabelsSerializer(serializers.Serializer):
    """What this plan calls each level (基本方針, DX重点課題, …)."""

    basic_policy = serializers.CharField(source="label_basic_policy")
    measure = serializers.CharField(source="label_measure")
    step = serializers.CharField(source="label_step")
    project = serializers.CharField(source="label_project")


class GradeBandSerializer(serializers.Serializer):
    grade = serializers.CharField()
    min_rate = serializers.CharField(help_text="Lowest rate in percent earning the grade; may be -Infinity.")


class StrategyPhaseSerializer(serializers.Serializer):
    name = serializers.CharField()
    first_fiscal_year = serializers.IntegerField()
    last_fiscal_year = serializers.IntegerField()


class BasicPolicySerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = BasicPolicy
        fields = (
            "id", "strategy", "code", "order", "title", "short_name", "field_examples", "description", "note",
            "lead_department", "co_departments", "categories",
            "target_image", "target_object", "target_intent", "target_state_3y", "current_issues", "actions",
            "strengths", "weaknesses", "approach", "related_plans",
        )


class MeasureSerializer(serializers.ModelSerializer):
    strategy = serializers.CharField(source="basic_policy.strategy.code", read_only=True)

    class Meta:
        model = Measure
        fields = (
            "id", "strategy", "basic_policy", "code", "order", "title", "alt_title", "description", "note",
            "lead_department", "co_departments", "categories",
            "target_image", "target_object", "target_intent", "target_state_3y", "current_issues", "actions",
            "strengths", "weaknesses", "approach", "related_plans",
        )


class StepYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    status = serializers.CharField()


class StepSerializer(serializers.ModelSerializer):
    strategy = serializers.CharField(source="measure.basic_policy.strategy.code", read_only=True)
    basic_policy = serializers.IntegerField(source="measure.basic_policy_id", read_only=True)
    years = StepYearSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = ("id", "strategy", "basic_policy", "measure", "code", "order", "title", "description", "note", "years")


# --- filter sets ----------------------------------------------------------------------------


class DepartmentFilterSet(StrictFilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__code", label="municipality code")
    parent = id_filter("parent", "parent department (部局) id")

    class Meta:
        model = Department
        fields = ("municipality", "parent")


class BasicPolicyFilterSet(StrictFilterSet):
    strategy = strategy_filter("strategy__code")
    department = DepartmentFilter("lead_department")

    class Meta:
        model = BasicPolicy
        fields = ("strategy", "department")


class MeasureFilterSet(StrictFilterSet):
    strategy = strategy_filter("basic_policy__strategy__code")
    basic_policy = id_filter("basic_policy", "basic policy id")
    department = DepartmentFilter("lead_department")

    class Meta:
        model = Measure
        fields = ("strategy", "basic_policy", "department")


class StepFilterSet(StrictFilterSet):
    strategy = strategy_filter("measure__basic_policy__strategy__code")
    basic_policy = id_filter("measure__basic_policy", "basic policy id")
    measure = id_filter("measure", "measure id")

    class Meta:
        model = Step
        fields = ("strategy", "basic_policy", "measure")


# --- viewsets -------------------------------------------------------------------------------


class DepartmentViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    """Departments: 部局 (no parent) and their 課."""

    queryset = Department.objects.select_related("municipality").order_by("municipality__code", "order", "name", "pk")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet


class BasicPolicyViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    boundary_path = "strategy__municipality_id"
    queryset = (
        BasicPolicy.objects.select_related("strategy")
        .prefetch_related("co_departments", "categories")
        .order_by("strategy__order", "strategy__code", "order", "pk")
    )
    serializer_class = BasicPolicySerializer
    filterset_class = BasicPolicyFilterSet


class MeasureViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    boundary_path = "basic_policy__strategy__municipality_id"
    queryset = (
        Measure.objects.select_related("basic_policy__strategy")
        .prefetch_related("co_departments", "categories")
        .order_by("basic_policy__strategy__order", "basic_policy__strategy__code", "basic_policy__order", "order", "pk")
    )
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet


class StepViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    boundary_path = "measure__basic_policy__strategy__municipality_id"
    queryset = (
        Step.objects.select_related("measure__basic_policy__strategy")
        .prefetch_related("years")
        .order_by("measure__basic_policy__strategy__code", "measure__basic_policy__order", "measure__order", "order", "pk")
    )
    serializer_class = StepSerializer
    filterset_class = StepFilterSet
