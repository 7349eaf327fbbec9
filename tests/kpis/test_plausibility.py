"""Sanity checks on entry (kpis/plausibility.py): a value far from the plan or last year, or
typed with 「%」 on an indicator counted in 件, is saved with a warning; submitting it needs a
comment; the reviewer's queue shows the warning. Never refused at save."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis import plausibility, workflow
from kpis.models import EntryStatus, YearlyValue
from plans.achievement import Value
from tests.kpis.test_workflow import FY, _rows, fresh, save

D = Decimal
V = Value.of


# --- the rule, plain Python ------------------------------------------------------------------


def codes(found):
    return [w["code"] for w in found]


def test_far_from_the_plan_by_the_factor_either_way():
    assert codes(plausibility.check_actual(actual=V("12345"), planned=V("6"))) == ["far_from_plan"]
    assert codes(plausibility.check_actual(actual=V("0.5"), planned=V("6"))) == ["far_from_plan"]
    assert plausibility.check_actual(actual=V("60"), planned=V("6")) == []  # ×10 exactly is not "more than"
    assert codes(plausibility.check_actual(actual=V("60.1"), planned=V("6"))) == ["far_from_plan"]
    assert codes(plausibility.check_actual(actual=V("0.59"), planned=V("6"))) == ["far_from_plan"]
    assert plausibility.check_actual(actual=V("59"), planned=V("6"), factor=D("5")) != []  # the strategy's factor
    assert codes(plausibility.check_actual(actual=V("-3"), planned=V("6"))) == ["far_from_plan"]  # other sign


def test_zero_dashes_and_missing_plans_are_not_far():
    assert plausibility.check_actual(actual=V("0"), planned=V("6")) == []
    assert plausibility.check_actual(actual=V("5"), planned=V("0")) == []
    assert plausibility.check_actual(actual=V("－"), planned=V("6")) == []
    assert plausibility.check_actual(actual=V("500"), planned=V("…")) == []


def test_far_from_the_previous_year():
    found = plausibility.check_actual(actual=V("4000"), planned=V("3500"), previous=V("350"))
    assert codes(found) == ["far_from_previous"]
    assert found[0]["reference"] == "350"


def test_a_percent_sign_on_an_indicator_not_in_percent():
    assert codes(plausibility.check_actual(actual=V("5.5"), planned=V("5"), unit="件", typed="５．５％")) == ["unit_sign"]
    assert plausibility.check_actual(actual=V("5.5"), planned=V("5"), unit="％", typed="5.5%") == []
    assert plausibility.check_actual(actual=V("5.5"), planned=V("5"), unit="件", typed="５．５") == []


def test_messages_follow_the_language_and_name_the_numbers():
    found = plausibility.check_actual(actual=V("12,345"), planned=V("6"), unit="件", typed="12,345%")
    (unit, far) = plausibility.warnings_from_json(found)
    assert "「件」" in unit.message("ja") and "“件”" in unit.message("en")
    assert far.message("ja") == "実績値12,345は計画値6と10倍を超えて離れています。桁や単位を確認してください。"
    assert far.message("en").startswith("The actual 12,345 is more than 10 times away from the planned 6")
    assert plausibility.warnings_from_json([{"code": "unknown"}, "junk"]) == []


# --- the round: saved with a warning, submitted only with a comment ---------------------------


@pytest.fixture
def counted(alice):
    """A 観光商工部 row with a number plan, its indicator counted in 件, no previous actual."""
    row = next(r for r in _rows("観光商工部", 50) if r.planned.is_number)
    YearlyValue.objects.filter(indicator=row.indicator, fiscal_year=FY - 1).delete()
    indicator = row.indicator
    indicator.unit = "件"
    indicator.save()
    row.planned_number, row.planned_places = D(6), 0
    row.save()
    return fresh(row)


def test_far_value_is_saved_with_its_warning_and_cleared_when_corrected(alice, counted):
    saved = save(alice, counted, "12,345")
    assert saved.actual.number == D(12345) and saved.status == EntryStatus.DRAFT
    assert codes(fresh(counted).actual_warnings) == ["far_from_plan"]
    save(alice, counted, "7")
    assert fresh(counted).actual_warnings == []


def test_full_width_percent_on_a_count_is_stored_as_the_number_with_a_warning(alice, counted):
    save(alice, counted, "５．５％")
    row = fresh(counted)
    assert row.actual.number == D("5.5")
    assert codes(row.actual_warnings) == ["unit_sign"]


def test_far_from_last_year_uses_the_previous_fiscal_years_actual(alice, counted):
    YearlyValue.objects.create(indicator=counted.indicator, fiscal_year=FY - 1, actual_state="number",
                               actual_number=D(60), actual_places=0)
    save(alice, counted, "5")  # close to the plan of 6, but a twelfth of last year's 60
    assert codes(fresh(counted).actual_warnings) == ["far_from_previous"]


def test_a_warned_row_is_submitted_only_with_a_comment(alice, counted):
    save(alice, counted, "12345")
    with pytest.raises(ValidationError) as refused:
        workflow.entry_submit(user=alice, yearly_values=[fresh(counted)])
    assert "進捗状況・評価欄に理由を記入してください" in str(refused.value)
    assert fresh(counted).status == EntryStatus.DRAFT  # nothing written
    save(alice, counted, "12345", comment="イベント開催で大幅に増加（集計を再確認済み）")
    workflow.entry_submit(user=alice, yearly_values=[fresh(counted)])
    assert fresh(counted).status == EntryStatus.SUBMITTED


def test_the_grid_and_the_reviewers_queue_show_the_warning(client, alice, bob, counted):
    save(alice, counted, "12345", comment="確認済み")
    client.force_login(alice)
    grid = client.get(f"/entry/sasebo-dx/{FY}/").content.decode()
    assert "実績値12,345は計画値6と10倍を超えて離れています" in grid
    workflow.entry_submit(user=alice, yearly_values=[fresh(counted)])
    client.force_login(bob)
    queue = client.get(f"/entry/sasebo-dx/{FY}/review/").content.decode()
    assert 'class="flag plausibility"' in queue and "実績値12,345は計画値6と10倍を超えて離れています" in queue
    english = client.get(f"/entry/sasebo-dx/{FY}/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The actual 12,345 is more than 10 times away from the planned 6" in english


def test_the_api_save_answers_with_the_warnings(client, alice, counted):
    client.force_login(alice)
    response = client.post(f"/api/v1/yearly-values/{counted.pk}/save/",
                           {"actual": "５．５％", "comment": "", "version": counted.version},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    (warning,) = response.json()["warnings"]
    assert warning.startswith("A % sign was typed, but this indicator's unit is “件”")
