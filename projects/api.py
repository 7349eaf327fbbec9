"""Read API of projects (事業・プロジェクト) with their phase per fiscal year."""

from rest_framework import serializers, viewsets

from plans.api import DepartmentFilter, WithinBoundary, id_filter, strategy_filter
from plans.api_query import FiscalYearFilter, StrictFilterSet
from projects.models import PHASE_MARKS, Project


class ProjectYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    phase = serializers.CharField()
    mark = serializers.ChoiceField(choices=sorted(set(PHASE_MARKS.values())), help_text="○ build, ⇒ operate, … consider")
    is_start = serializers.BooleanField()


class ProjectSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="code", read_only=True)
    years = ProjectYearSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = (
            "id", "strategy", "basic_policy", "measure", "step", "code", "order", "name", "summary",
            "leading", "is_new", "lifecycle", "merged_into", "lifecycle_note",
            "lead_department", "co_departments", "categories", "note", "years",
        )


class ProjectFilterSet(StrictFilterSet):
    strategy = strategy_filter("strategy__code")
    basic_policy = id_filter("basic_policy", "basic policy id")
    measure = id_filter("measure", "measure id")
    step = id_filter("step", "step id")
    department = DepartmentFilter("lead_department")
    fiscal_year = FiscalYearFilter(
        field_name="years__fiscal_year", label="has a phase (○ ⇒ …) in this fiscal year, e.g. 2025"
    )

    class Meta:
        model = Project
        fields = ("strategy", "basic_policy", "measure", "step", "department", "leading", "is_new", "lifecycle",
                  "fiscal_year")


class ProjectViewSet(WithinBoundary, viewsets.ReadOnlyModelViewSet):
    boundary_path = "strategy__municipality_id"
    # ProjectYear is unique per (project, fiscal year), so the fiscal_year join never repeats a row.
    queryset = (
        Project.objects.select_related("strategy")
        .prefetch_related("years", "co_departments", "categories")
        .order_by("strategy__order", "strategy__code", "order", "pk")
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
