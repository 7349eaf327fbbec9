"""Routes of the REST API under /api/v1/. Each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from kpis.api import IndicatorViewSet
from kpis.api_entry import EntryRoundViewSet, YearlyValueEntryViewSet
from kpis.api_plan import StrategyViewSet
from kpis.api_texts import RoundTextViewSet
from plans.api import BasicPolicyViewSet, DepartmentViewSet, MeasureViewSet, StepViewSet
from projects.api import ProjectViewSet
from reports.dashboards.api import DashboardViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("strategies", StrategyViewSet, basename="strategy")
router.register("basic-policies", BasicPolicyViewSet, basename="basic-policy")
router.register("measures", MeasureViewSet, basename="measure")
router.register("steps", StepViewSet, basename="step")
router.register("projects", ProjectViewSet, basename="project")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("yearly-values", YearlyValueEntryViewSet, basename="yearly-value")  # read + entry actions
router.register("entry-rounds", EntryRoundViewSet, basename="entry-round")
router.register("round-texts", RoundTextViewSet, basename="round-text")  # read + entry actions
router.register("dashboards", DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
