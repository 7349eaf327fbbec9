"""Read API of strategies: the list with its counts, and the whole tree of one
(basic policies → measures → steps → projects). It reads projects and indicators,
so it lives here rather than in plans.api."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis import selectors_plan as selectors
from plans.api import (
    DepartmentRefSerializer,
    GradeBandSerializer,
    MunicipalitySerializer,
    StrategyLabelsSerializer,
    StrategyPhaseSerializer,
    WithinBoundary,
)
from plans.api_query import StrictFilterSet
from plans.models import Strategy
from projects.models import Project


class StrategySerializer(serializers.ModelSerializer):
    municipality = MunicipalitySerializer(read_only=True)
    labels = StrategyLabelsSerializer(source="*", read_only=True)
    grade_bands = GradeBandSerializer(many=True, read_only=True)
    phases = StrategyPhaseSerializer(many=True, read_only=True)
    period_label = serializers.CharField(read_only=True)
    basic_policy_count = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Strategy
        fields = (
            "code", "title", "description", "municipality", "first_fiscal_year", "last_fiscal_year", "period_label",
            "plan_as_of", "actuals_as_of", "labels", "grade_bands", "phases",
            "basic_policy_count", "project_count", "indicator_count",
        )


class TreeProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    leading = serializers.BooleanField()
    lifecycle = serializers.CharField()
    lead_department = DepartmentRefSerializer(allow_null=True)


class TreeStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    projects = TreeProjectSerializer(many=True, source="tree_projects")


class TreeMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    steps = TreeStepSerializer(many=True, source="tree_steps")
    projects = TreeProjectSerializer(many=True, source="tree_projects", help_text="Projects under no step.")


class TreePolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    short_name = serializers.CharField()
    indicator_count = serializers.IntegerField(help_text="Indicators attached to the basic policy itself.")
    lead_department = DepartmentRefSerializer(allow_null=True)
    measures = TreeMeasureSerializer(many=True, source="tree_measures")
    projects = TreeProjectSerializer(many=True, source="tree_projects", help_text="Projects under no measure.")


class StrategyTreeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    labels = StrategyLabelsSerializer(source="*")
    basic_policies = TreePolicySerializer(many=True, source="tree_policies")
    projects = TreeProjectSerializer(many=True, source="tree_projects", help_text="Projects under no basic policy.")


def attach_tree(strategy: Strategy) -> Strategy:
    """Hang the tree on the strategy as tree_* attributes (5 queries, see kpis.selectors_plan)."""
    policies = selectors.strategy_tree(strategy)
    loose: list[Project] = selectors.strategy_loose_projects(strategy)
    strategy.tree_policies = policies
    strategy.tree_projects = [p for p in loose if p.basic_policy_id is None]
    for policy in policies:
        policy.tree_projects = [p for p in loose if p.basic_policy_id == policy.pk]
        policy.tree_measures = list(policy.measures.all())
        for measure in policy.tree_measures:
            measure.tree_steps = list(measure.steps.all())
            by_step = {step.pk: step for step in measure.tree_steps}
            for step in measure.tree_steps:
                step.tree_projects = []
            measure.tree_projects = []
            for project in measure.projects.all():
                (by_step[project.step_id].tree_projects if project.step_id in by_step else measure.tree_projects).append(
                    project
                )
    return strategy


class StrategyFilterSet(StrictFilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__code", label="municipality code")

    class Meta:
        model = Strategy
        fields = ("municipality",)


class StrategyViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    """Plans (計画・戦略), looked up by code: those of the user's city (or granted cities)."""

    serializer_class = StrategySerializer
    filterset_class = StrategyFilterSet
    lookup_field = "code"

    def get_queryset(self):
        if self.action == "tree":
            return self.within_boundary(Strategy.objects.all())
        return self.within_boundary(selectors.strategy_list())

    @extend_schema(responses=StrategyTreeSerializer, filters=False)
    @action(detail=True)
    def tree(self, request, code=None):
        """The plan tree: basic policies → measures → steps → projects, in plan order."""
        return Response(StrategyTreeSerializer(attach_tree(self.get_object())).data)
