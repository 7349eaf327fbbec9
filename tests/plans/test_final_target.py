"""The final target (最終目標) has one rule, plans.achievement.final_target: the indicator's own
target wins; otherwise the plan's last planned number (a last year of 「…」 or 「－」 is skipped)."""

from decimal import Decimal

from plans.achievement import FinalTarget, Value, final_target


def _planned(**cells):
    return {int(fy[2:]): Value.of(cell) for fy, cell in cells.items()}


def test_final_target_falls_back_to_the_last_planned_number():
    # Moved from tests/reports/dashboards/test_summary.py (summary.final_target), same cases.
    planned = {2025: Value.of("65.0"), 2026: Value.of("30.0"), 2027: Value.of("…")}
    target = final_target(target=None, target_fiscal_year=None, planned=planned)
    assert (target.fiscal_year, target.number, target.from_plan) == (2026, Decimal("30.0"), True)
    target = final_target(target=Decimal(20), target_fiscal_year=2030, planned=planned)
    assert (target.fiscal_year, target.number, target.from_plan) == (2030, 20, False)
    assert final_target(target=None, target_fiscal_year=None, planned={}) is None


def test_the_plans_last_year_is_the_target_when_it_is_a_number():
    planned = _planned(fy2025="10", fy2026="15", fy2027="20")
    assert final_target(planned=planned, last_fiscal_year=2027) == FinalTarget(2027, Value.of("20"), from_plan=True)


def test_a_last_year_not_set_not_applicable_or_text_gives_the_latest_earlier_number():
    for mark in ("…", "－", "実施済"):
        planned = _planned(fy2025="10", fy2026="15.0", fy2027=mark)
        target = final_target(planned=planned, last_fiscal_year=2027)
        assert target == FinalTarget(2026, Value.of("15.0"), from_plan=True), mark
        assert target.value.display() == "15.0"  # the places as entered


def test_empty_years_and_years_after_the_plan_are_not_the_plans_target():
    planned = {2026: Value.of("15"), 2027: Value.of(None), 2028: Value.of("99")}
    assert final_target(planned=planned, last_fiscal_year=2027).fiscal_year == 2026
    assert final_target(planned=planned).fiscal_year == 2028  # without a period every year counts


def test_an_explicit_target_wins_and_needs_its_fiscal_year():
    planned = _planned(fy2026="15", fy2027="20")
    assert final_target(target=Value.of("25"), target_fiscal_year=2026, planned=planned, last_fiscal_year=2027) == (
        FinalTarget(2026, Value.of("25"), from_plan=False))
    # An empty target (the indicator has none) or one without a year falls back to the plan.
    assert final_target(target=Value.of(None), target_fiscal_year=None, planned=planned).fiscal_year == 2027
    assert final_target(target=Value.of("25"), target_fiscal_year=None, planned=planned).from_plan is True


def test_no_number_anywhere_means_no_target():
    assert final_target(planned=_planned(fy2026="…", fy2027="－"), last_fiscal_year=2027) is None
