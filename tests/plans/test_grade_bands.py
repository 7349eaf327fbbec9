"""Grade bands have one parser, plans.achievement.bands_from_json: Strategy.bands() /
Strategy.clean and the import of the data export's grade_bands cell all go through it."""

import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from imports import data_export
from imports.problems import Problems
from plans.achievement import DEFAULT_BANDS, GradeBand, bands_from_json, bands_to_json
from plans.models import Strategy, default_grade_bands

BAD = [
    pytest.param({"grade": "A", "min_rate": "100"}, id="not-a-list"),
    pytest.param("A>=100", id="a-string"),
    pytest.param([], id="empty"),
    pytest.param(["A"], id="item-not-an-object"),
    pytest.param([{"grade": "A"}], id="no-min-rate"),
    pytest.param([{"min_rate": "100"}], id="no-grade"),
    pytest.param([{"grade": "A", "min_rate": "a lot"}], id="rate-not-a-number"),
    pytest.param([{"grade": "A", "min_rate": "NaN"}], id="rate-nan"),
    pytest.param([{"grade": "", "min_rate": "100"}], id="blank-grade"),
    pytest.param([{"grade": "B", "min_rate": "80"}, {"grade": "A", "min_rate": "100"}], id="not-descending"),
    pytest.param([{"grade": "A", "min_rate": "100"}, {"grade": "A", "min_rate": "80"}], id="duplicate-grade"),
    pytest.param([{"grade": "A", "min_rate": "100"}, {"grade": "－", "min_rate": "0"}], id="not-evaluable-grade"),
]


def test_bands_from_json_reads_the_stored_form():
    bands = bands_from_json([{"grade": "S", "min_rate": "120"}, {"grade": "A", "min_rate": 100},
                             {"grade": "B", "min_rate": 0.5}, {"grade": "C", "min_rate": "-Infinity"}])
    assert bands == (GradeBand("S", D("120")), GradeBand("A", D("100")), GradeBand("B", D("0.5")),
                     GradeBand("C", D("-Infinity")))


def test_bands_round_trip_through_their_stored_form():
    assert bands_from_json(bands_to_json(DEFAULT_BANDS)) == DEFAULT_BANDS
    assert bands_from_json(default_grade_bands()) == DEFAULT_BANDS
    assert json.loads(json.dumps(default_grade_bands())) == default_grade_bands()


@pytest.mark.parametrize("items", BAD)
def test_bands_from_json_refuses_anything_else_with_a_value_error(items):
    with pytest.raises(ValueError) as error:
        bands_from_json(items)
    ja, en = str(error.value).split(" / ", 1)
    assert ja and en


@pytest.mark.parametrize("items", BAD)
def test_strategy_bands_and_clean_give_the_parsers_message(items):
    with pytest.raises(ValueError) as parsed:
        bands_from_json(items)
    strategy = Strategy(grade_bands=items)
    with pytest.raises(ValueError) as direct:
        strategy.bands()
    assert str(direct.value) == str(parsed.value)
    ja, en = str(parsed.value).split(" / ", 1)
    for language, said in (("ja", ja), ("en", en)):  # the reader's language only
        with translation.override(language), pytest.raises(ValidationError) as cleaned:
            strategy.clean()
        assert cleaned.value.message_dict == {"grade_bands": [said]}


class _Sheet:
    title = "計画"

    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        return iter(enumerate(self._rows, 1))


@pytest.mark.parametrize("items", BAD)
def test_the_import_reports_the_parsers_message(items):
    with pytest.raises(ValueError) as parsed:
        bands_from_json(items)
    problems = Problems()
    record = data_export.read_strategy(_Sheet([["grade_bands", json.dumps(items, ensure_ascii=False)]]), problems)
    [problem] = problems.errors()
    assert (problem.code, problem.heading, problem.en) == ("bad_strategy_value", "grade_bands", str(parsed.value))
    assert "grade_bands" not in record.values


def test_the_import_keeps_valid_bands_as_written():
    problems = Problems()
    bands = [{"grade": "A", "min_rate": "90"}, {"grade": "B", "min_rate": "-Infinity"}]
    record = data_export.read_strategy(_Sheet([["grade_bands", json.dumps(bands)]]), problems)
    assert not problems.errors() and record.values["grade_bands"] == bands
