"""The entry grid and the indicator dashboard show the same final target (Indicator.final_target)
even when the plan's last year is 「…」 or 「－」: both fall back to the last planned number."""

import pytest

from kpis import selectors_entry
from kpis.models import EntryRound, Indicator, YearlyValue
from plans import achievement
from reports.dashboards.pages import Dashboard, indicator_page

pytestmark = pytest.mark.django_db


def _grid_target(user, strategy, indicator):
    rows = selectors_entry.entry_grid_rows(
        user=user, strategy=strategy, fiscal_year=2024, department_id=user.department_id,
        entry_round=EntryRound.objects.get(strategy=strategy, fiscal_year=2024),
    )
    row = next(r for r in rows if r.indicator.pk == indicator.pk)
    return row.final_target, row.final_target_year


def _dashboard_target(user, strategy, indicator):
    return indicator_page(Dashboard(strategy, user, {}), indicator.pk)["target"]


@pytest.mark.parametrize("state", [achievement.NOT_SET, achievement.NOT_APPLICABLE])
def test_grid_and_dashboard_agree_when_the_last_years_plan_is_not_a_number(alice, sasebo, state):
    indicator = Indicator.objects.get(strategy=sasebo, code="観光-KPI3")
    last = sasebo.last_fiscal_year
    YearlyValue.objects.filter(indicator=indicator, fiscal_year=last).update(
        planned_state=state, planned_number=None, planned_places=0, planned_text="")
    earlier = (YearlyValue.objects.filter(indicator=indicator, fiscal_year__lt=last, planned_state=achievement.NUMBER)
               .order_by("-fiscal_year").first())
    assert earlier is not None, "the demo plans numbers before the last year"

    value, year = _grid_target(alice, sasebo, indicator)
    assert (value.display(), year) == (earlier.planned.display(), earlier.fiscal_year)
    assert _dashboard_target(alice, sasebo, indicator) == (earlier.fiscal_year, earlier.planned.number, True)


def test_grid_and_dashboard_agree_on_an_explicit_target(alice, sasebo):
    indicator = Indicator.objects.get(strategy=sasebo, code="観光-KPI3")
    indicator.target_value, indicator.target_places, indicator.target_fiscal_year = 25, 1, 2026
    indicator.save()
    value, year = _grid_target(alice, sasebo, indicator)
    assert (value.display(), year) == ("25.0", 2026)
    assert _dashboard_target(alice, sasebo, indicator) == (2026, 25, False)
