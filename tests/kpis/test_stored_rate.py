"""YearlyValue.rate, the stored achievement rate the dashboards count grades with, stays
equal to what YearlyValue.achievement_rate() computes after every kind of write."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from kpis import workflow
from kpis.models import Direction, EntryStatus, Indicator, YearlyValue, refresh_rates, stale_rates

FY = 2024


def _row(department_name="観光商工部") -> YearlyValue:
    return (
        YearlyValue.objects.select_related("indicator__strategy", "updated_by")
        .filter(indicator__strategy__code="sasebo-dx", fiscal_year=FY, status=EntryStatus.NOT_ENTERED,
                indicator__responsible_department__name=department_name, planned_state="number")
        .order_by("pk").first()
    )


def test_the_demo_plans_have_their_rates_stored(db):
    assert stale_rates() == []
    rated = YearlyValue.objects.exclude(rate=None)
    assert rated.count() > 100
    value = rated.select_related("indicator").order_by("pk").first()
    assert value.rate == value.achievement_rate()


def test_an_entered_actual_stores_its_rate(alice):
    value = _row()
    assert value.rate is None
    planned = value.planned_number
    saved = workflow.entry_save(user=alice, yearly_value=value, actual=str(planned), comment="",
                                expected_version=value.version)
    saved = YearlyValue.objects.get(pk=saved.pk)
    assert saved.rate == Decimal("100.0")
    assert stale_rates(YearlyValue.objects.filter(pk=value.pk)) == []


def test_a_revised_target_restores_the_rate(alice, carol):
    value = _row()
    workflow.entry_save(user=alice, yearly_value=value, actual=str(value.planned_number), comment="",
                        expected_version=value.version)
    value = YearlyValue.objects.select_related("indicator__strategy").get(pk=value.pk)
    workflow.target_revise(user=carol, yearly_value=value, planned=str(value.planned_number * 2),
                           reason="上方修正")
    value.refresh_from_db()
    assert value.rate == value.achievement_rate() != Decimal("100.0")


def test_save_with_update_fields_still_writes_the_rate(db):
    value = YearlyValue.objects.exclude(rate=None).select_related("indicator").order_by("pk").first()
    value.actual_number = value.actual_number + 1
    value.save(update_fields=["actual_number"])
    value.refresh_from_db()
    assert value.rate == value.achievement_rate()


@pytest.mark.parametrize("change", ["direction", "baseline", "tolerance"])
def test_changing_how_an_indicator_is_measured_recomputes_its_values(db, change):
    # An actual off its plan, so that every change moves the rate.
    indicator = (Indicator.objects.filter(values__rate__gt=0, direction=Direction.UP)
                 .exclude(values__rate=100).order_by("pk").first())
    before = dict(indicator.values.values_list("pk", "rate"))
    if change == "direction":
        indicator.direction = Direction.DOWN
    elif change == "baseline":
        indicator.baseline_value, indicator.baseline_fiscal_year = Decimal("-1000"), 2020
    else:
        indicator.direction = Direction.MAINTAIN
        indicator.save()
        before = dict(indicator.values.values_list("pk", "rate"))
        indicator.tolerance = Decimal("1000000")
    indicator.save()
    after = dict(indicator.values.values_list("pk", "rate"))
    assert after != before
    assert stale_rates(YearlyValue.objects.filter(indicator=indicator)) == []


def test_an_unchanged_indicator_save_writes_no_values(db, django_assert_num_queries):
    indicator = Indicator.objects.filter(values__rate__isnull=False).order_by("pk").first()
    indicator.name = indicator.name + "（改）"
    with django_assert_num_queries(2):  # the update and its history row; no read or write of values
        indicator.save()


def test_refresh_rates_repairs_what_bulk_writes_left_behind(db):
    values = YearlyValue.objects.exclude(rate=None).order_by("pk")[:5]
    pks = [v.pk for v in values]
    YearlyValue.objects.filter(pk__in=pks).update(rate=Decimal("-1"))
    assert {pk for pk, _stored, _computed in stale_rates()} == set(pks)
    indicator_ids = set(YearlyValue.objects.filter(pk__in=pks).values_list("indicator_id", flat=True))
    assert refresh_rates(indicator_ids) == 5
    assert stale_rates() == []
    assert refresh_rates() == 0


def test_the_command_checks_and_repairs(db, capsys):
    value = YearlyValue.objects.exclude(rate=None).order_by("pk").first()
    YearlyValue.objects.filter(pk=value.pk).update(rate=None)
    with pytest.raises(SystemExit) as exit_info:
        call_command("refresh_rates", "--check")
    assert exit_info.value.code == 1
    assert "1" in capsys.readouterr().out
    call_command("refresh_rates")
    assert stale_rates() == []
    call_command("refresh_rates", "--check")
