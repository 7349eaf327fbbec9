"""Pages and the API read the stored rate (YearlyValue.rate) rather than computing it again:
the column is the one answer, so a list, a queue and a page cannot disagree about a grade.

Each test marks one value's stored rate with a figure no computation would give."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kpis import selectors_entry
from kpis.models import YearlyValue
from reports.dashboards.pages import Dashboard, indicator_page

MARK = Decimal("12.3")  # stored by hand: a reader that recomputes shows another figure


@pytest.fixture
def marked(sasebo):
    value = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, status="approved",
                                       planned_state="number", actual_state="number").exclude(rate=MARK).first()
    assert value.rate is not None
    YearlyValue.objects.filter(pk=value.pk).update(rate=MARK)
    return value


def test_the_review_queue_reads_the_stored_rate(carol, sasebo, marked):
    rows = selectors_entry.review_rows(user=carol, strategy=sasebo, fiscal_year=2023, entry_round=None,
                                       filters=selectors_entry.ReviewFilters(status=""))
    row = next(r for r in rows if r.value.pk == marked.pk)
    assert (row.rate, row.grade) == (MARK, "C")


def test_the_indicator_dashboard_reads_the_stored_rate(carol, sasebo, marked):
    page = indicator_page(Dashboard(sasebo, carol, {}), marked.indicator_id)
    row = next(r for r in page["table"] if r.fiscal_year == 2023)
    assert (row.rate, row.grade) == (MARK, "C")


def test_the_api_reads_the_stored_rate(erin, marked):
    client = APIClient()
    client.force_authenticate(erin)
    response = client.get("/api/v1/yearly-values/", {"indicator": marked.indicator_id, "fiscal_year": 2023})
    (row,) = response.json()["results"]
    assert (row["achievement_rate"], row["grade"]) == ("12.3", "C")
