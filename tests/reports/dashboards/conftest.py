"""Fixtures of the dashboard tests: URLs of every page of the Sasebo demo."""

import pytest

from kpis.models import Indicator
from plans.models import Department


@pytest.fixture
def paperless(sasebo):
    """ペーパーレス度: a Sasebo KPI whose target falls (lower is better)."""
    return Indicator.objects.get(strategy=sasebo, name__startswith="ペーパーレス度")


@pytest.fixture
def tourism(db):
    return Department.objects.get(municipality__code="sasebo", name="観光商工部")


@pytest.fixture
def page_urls(sasebo, paperless, tourism):
    """Every dashboard page of the Sasebo demo, by name."""
    base = f"/dashboards/{sasebo.code}"
    policy = sasebo.basic_policies.get(short_name="観光")
    measure = policy.measures.order_by("order").first()
    step = measure.steps.order_by("order").first()
    project = sasebo.projects.filter(step=step).order_by("order").first()
    return {
        "index": "/dashboards/",
        "overview": f"{base}/",
        "compare": f"{base}/compare/?fy=2023&fy2=2022",
        "indicators": f"{base}/indicators/?fy=2023&grade=behind",
        "policy": f"{base}/policies/{policy.pk}/?fy=2023",
        "measure": f"{base}/measures/{measure.pk}/?fy=2023",
        "step": f"{base}/steps/{step.pk}/?fy=2023",
        "project": f"{base}/projects/{project.pk}/?fy=2023",
        "indicator": f"{base}/indicators/{paperless.pk}/?fy=2023",
        "roadmap": f"{base}/roadmap/?fy=2023",
        "department": f"{base}/departments/{tourism.pk}/?fy=2023",
    }
