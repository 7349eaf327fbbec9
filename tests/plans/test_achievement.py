from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plans.achievement import (
    DEFAULT_BANDS,
    DIRECTIONS,
    DOWN,
    EMPTY,
    MAINTAIN,
    NOT_APPLICABLE,
    NOT_EVALUABLE,
    NOT_SET,
    NUMBER,
    TEXT,
    UP,
    GradeBand,
    Value,
    achievement_rate,
    expected_value,
    grade,
    grade_distribution,
    grade_shares,
    project_trend,
    validate_bands,
    will_reach_target,
)

D = Decimal

# Realistic indicator values: up to a trillion, up to 4 decimals, zero and negatives included.
numbers = st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.0001"), max_value=10**12, places=4)
cells = st.one_of(
    numbers,
    st.integers(-(10**6), 10**6),
    st.sampled_from([None, "", "－", "-", "ー", "—", "…", "...", "・・・", "実施済", "未定", "0", "-0", "0.0", "△3", "1,234.5"]),
    numbers.map(str),
)


# --- Value ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "state", "number"),
    [
        (D("2500.0"), NUMBER, D("2500.0")),
        (5, NUMBER, D(5)),
        (0.1, NUMBER, D("0.1")),
        ("29.9", NUMBER, D("29.9")),
        ("12,345", NUMBER, D("12345")),
        ("１２，３４５", NUMBER, D("12345")),
        (" -3 ", NUMBER, D("-3")),
        ("△3", NUMBER, D("-3")),
        ("0", NUMBER, D("0")),
        (None, EMPTY, None),
        ("", EMPTY, None),
        ("  ", EMPTY, None),
        ("－", NOT_APPLICABLE, None),
        ("-", NOT_APPLICABLE, None),
        ("ー", NOT_APPLICABLE, None),
        ("—", NOT_APPLICABLE, None),
        ("…", NOT_SET, None),
        ("...", NOT_SET, None),
        ("・・・", NOT_SET, None),
        ("実施済", TEXT, None),
        ("1,2", TEXT, None),
        ("80%", TEXT, None),
        ("1e3", TEXT, None),
    ],
)
def test_value_of(raw, state, number):
    v = Value.of(raw)
    assert v.state == state
    assert v.number == number
    assert v.is_number == (state == NUMBER)


def test_value_keeps_text_verbatim():
    assert Value.of(" 実施済 ") == Value(TEXT, text="実施済")
    assert Value.of(Value.of("5")) == Value.of("5")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (D("2500.0"), "2,500.0"),
        ("12345", "12,345"),
        (D("999"), "999"),
        (D("29.90"), "29.90"),
        (D("1E+3"), "1,000"),
        (D("-1234.5"), "-1,234.5"),
        (D("0.0001"), "0.0001"),
        ("－", "－"),
        ("-", "－"),
        ("...", "…"),
        ("実施済", "実施済"),
        (None, ""),
    ],
)
def test_value_display(raw, shown):
    assert Value.of(raw).display() == shown


@pytest.mark.parametrize("raw", [D("NaN"), D("Infinity"), float("inf"), float("nan")])
def test_value_refuses_non_finite_numbers(raw):
    with pytest.raises(ValueError):
        Value.of(raw)


@pytest.mark.parametrize("raw", [True, object(), [1]])
def test_value_refuses_other_types(raw):
    with pytest.raises(TypeError):
        Value.of(raw)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"state": "bogus"},
        {"state": NUMBER},
        {"state": NOT_APPLICABLE, "number": D(1)},
        {"state": TEXT},
        {"state": EMPTY, "text": "x"},
    ],
)
def test_value_refuses_inconsistent_states(kwargs):
    with pytest.raises(ValueError):
        Value(**kwargs)


# --- rates: concrete cases -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "actual", "rate", "expected_grade"),
    [
        ("80", "75", "106.7", "A"),  # the brief's example
        ("100.0", "95.1", "105.2", "A"),  # R4 as printed
        ("85.0", "81.7", "104.0", "A"),  # R5 as printed
        ("65.0", "80", "81.3", "B"),
        ("65.0", "90", "72.2", "C"),
    ],
)
def test_sasebo_paperless_is_lower_is_better(planned, actual, rate, expected_grade):
    # ペーパーレス度: A4 paper bought as % of the R3 volume; planned / actual.
    r = achievement_rate(actual=actual, planned=planned, direction=DOWN)
    assert r == D(rate)
    assert str(r) == rate
    assert grade(r) == expected_grade


def test_nagasaki_outcome_indicator_with_baseline():
    # 「市民の声が反映されているか分からないと回答した市民の割合」: 59.9 (FY2020) -> 50.0 (FY2025).
    assert achievement_rate(actual="55.0", planned="50.0", baseline="59.9", direction=DOWN) == D("49.5")
    assert grade(D("49.5")) == "C"
    assert expected_value(
        baseline_value="59.9", baseline_fiscal_year=2020, target_value="50.0", target_fiscal_year=2025, fiscal_year=2023
    ) == D("53.96")


def test_up_ratio():
    assert achievement_rate(actual=7, planned=5, direction=UP) == D("140.0")
    assert achievement_rate(actual=2, planned=3, direction=UP) == D("66.7")
    assert achievement_rate(actual=0, planned=5, direction=UP) == D("0.0")
    assert str(achievement_rate(actual=5, planned=5, direction=UP)) == "100.0"


def test_up_with_baseline():
    # 地域コミュニティ連絡協議会設立地区数 18 -> 68.
    assert achievement_rate(actual=43, planned=68, baseline=18, direction=UP) == D("50.0")
    assert achievement_rate(actual=10, planned=68, baseline=18, direction=UP) == D("-16.0")  # wrong way
    assert achievement_rate(actual=80, planned=68, baseline=18, direction=UP) == D("124.0")


def test_rounding_is_half_up():
    assert achievement_rate(actual="1.0005", planned=1, direction=UP) == D("100.1")
    assert achievement_rate(actual="0.9995", planned=1, direction=UP) == D("100.0")
    assert achievement_rate(actual="-0.0005", planned=1, direction=UP) == D("-0.1")
    assert achievement_rate(actual="-0.0004", planned=1, direction=UP) == D("0.0")
    assert not achievement_rate(actual="-0.0004", planned=1, direction=UP).is_signed()  # no "-0.0"


def test_planned_equal_to_baseline_never_divides_by_zero():
    assert achievement_rate(actual=50, planned=50, baseline=50, direction=UP) == 100
    assert achievement_rate(actual=51, planned=50, baseline=50, direction=UP) == 100
    assert achievement_rate(actual=49, planned=50, baseline=50, direction=UP) == 0
    assert achievement_rate(actual=49, planned=50, baseline=50, direction=DOWN) == 100
    assert achievement_rate(actual=51, planned=50, baseline=50, direction=DOWN) == 0


def test_zero_and_negative_rules_without_baseline():
    assert achievement_rate(actual=0, planned=0, direction=UP) == 100
    assert achievement_rate(actual=3, planned=0, direction=UP) == 100
    assert achievement_rate(actual=-3, planned=0, direction=UP) == 0
    assert achievement_rate(actual=0, planned=80, direction=DOWN) == 100
    assert achievement_rate(actual=-1, planned=80, direction=DOWN) == 100
    assert achievement_rate(actual=0, planned=0, direction=DOWN) == 100
    assert achievement_rate(actual=3, planned=0, direction=DOWN) == 0
    # Negative plans: magnitudes, so better-than-plan is above 100 either way.
    assert achievement_rate(actual=-50, planned=-100, direction=UP) == 200
    assert achievement_rate(actual=-200, planned=-100, direction=UP) == 50
    assert achievement_rate(actual=5, planned=-100, direction=UP) == 100
    assert achievement_rate(actual=-150, planned=-100, direction=DOWN) == 150
    assert achievement_rate(actual=50, planned=-100, direction=DOWN) == -50


def test_baseline_that_is_not_a_number_is_ignored():
    for baseline in (None, "－", "…", "", "未定"):
        assert achievement_rate(actual=75, planned=80, baseline=baseline, direction=DOWN) == D("106.7")


@pytest.mark.parametrize("cell", [None, "", "－", "…", "実施済"])
def test_no_rate_without_two_numbers(cell):
    for direction in DIRECTIONS:
        assert achievement_rate(actual=cell, planned=5, direction=direction) is None
        assert achievement_rate(actual=5, planned=cell, direction=direction) is None


def test_maintain():
    # Survey share held at 70 ± 3 points.
    assert achievement_rate(actual="72.5", planned=70, tolerance=3, direction=MAINTAIN) == 100
    assert achievement_rate(actual="67", planned=70, tolerance=3, direction=MAINTAIN) == 100
    assert achievement_rate(actual="60", planned=70, tolerance=3, direction=MAINTAIN) == D("90.0")
    assert achievement_rate(actual="80", planned=70, tolerance=3, direction=MAINTAIN) == D("90.0")
    assert achievement_rate(actual="500", planned=70, tolerance=3, direction=MAINTAIN) == 0
    assert achievement_rate(actual=70, planned=70, direction=MAINTAIN) == 100
    assert achievement_rate(actual="70.1", planned=70, direction=MAINTAIN) == D("99.9")
    assert achievement_rate(actual=1, planned=0, direction=MAINTAIN) == 0
    assert achievement_rate(actual=1, planned=0, tolerance=1, direction=MAINTAIN) == 100
    # The baseline plays no part in "hold the level".
    assert achievement_rate(actual=60, planned=70, baseline=10, tolerance=3, direction=MAINTAIN) == D("90.0")


def test_bad_direction_and_tolerance():
    with pytest.raises(ValueError, match="direction"):
        achievement_rate(actual=1, planned=1, direction="sideways")
    with pytest.raises(ValueError, match="tolerance"):
        achievement_rate(actual=1, planned=1, direction=MAINTAIN, tolerance=-1)


# --- rates: properties ---------------------------------------------------------------------


@given(actual=cells, planned=cells, baseline=cells, direction=st.sampled_from(DIRECTIONS), tolerance=st.sampled_from([None, 0, D("3"), D("0.5")]))
def test_rate_is_total(actual, planned, baseline, direction, tolerance):
    rate = achievement_rate(actual=actual, planned=planned, baseline=baseline, direction=direction, tolerance=tolerance)
    assert rate is None or (isinstance(rate, Decimal) and rate.is_finite() and rate.as_tuple().exponent == -1)
    assert (rate is None) == (not (Value.of(actual).is_number and Value.of(planned).is_number))
    assert isinstance(grade(rate), str)


@given(a1=numbers, a2=numbers, planned=st.decimals(min_value=0, max_value=10**12, places=4))
def test_up_ratio_is_monotone_in_actual(a1, a2, planned):
    low, high = sorted([a1, a2])
    assert achievement_rate(actual=low, planned=planned, direction=UP) <= achievement_rate(actual=high, planned=planned, direction=UP)


@given(a1=numbers, a2=numbers, planned=numbers, baseline=numbers)
def test_up_with_baseline_is_monotone_in_actual(a1, a2, planned, baseline):
    assume(planned > baseline)
    low, high = sorted([a1, a2])
    kw = {"planned": planned, "baseline": baseline, "direction": UP}
    assert achievement_rate(actual=low, **kw) <= achievement_rate(actual=high, **kw)


@given(a1=positive, a2=positive, planned=numbers)
def test_down_ratio_is_monotone_in_actual(a1, a2, planned):
    # planned / actual is unbounded as actual -> 0, so monotone for positive actuals.
    low, high = sorted([a1, a2])
    assert achievement_rate(actual=low, planned=planned, direction=DOWN) >= achievement_rate(actual=high, planned=planned, direction=DOWN)


@given(a1=numbers, a2=numbers, planned=st.decimals(min_value=-(10**12), max_value=0, places=4))
def test_down_ratio_with_plan_at_or_below_zero_is_monotone_everywhere(a1, a2, planned):
    low, high = sorted([a1, a2])
    assert achievement_rate(actual=low, planned=planned, direction=DOWN) >= achievement_rate(actual=high, planned=planned, direction=DOWN)


@given(a1=numbers, a2=numbers, planned=numbers, baseline=numbers)
def test_down_with_baseline_is_monotone_in_actual(a1, a2, planned, baseline):
    assume(planned < baseline)
    low, high = sorted([a1, a2])
    kw = {"planned": planned, "baseline": baseline, "direction": DOWN}
    assert achievement_rate(actual=low, **kw) >= achievement_rate(actual=high, **kw)


@given(a=numbers, p=numbers, b=st.one_of(st.none(), numbers))
def test_down_is_up_mirrored(a, p, b):
    up = achievement_rate(actual=a, planned=p, baseline=b, direction=UP)
    down = achievement_rate(actual=-a, planned=-p, baseline=None if b is None else -b, direction=DOWN)
    assert up == down


@given(a=positive, p=positive)
def test_down_ratio_is_up_ratio_with_roles_swapped(a, p):
    assert achievement_rate(actual=a, planned=p, direction=DOWN) == achievement_rate(actual=p, planned=a, direction=UP)


@given(a=numbers, p=numbers, tolerance=st.decimals(min_value=0, max_value=100, places=2))
def test_maintain_is_between_0_and_100_and_symmetric(a, p, tolerance):
    rate = achievement_rate(actual=a, planned=p, tolerance=tolerance, direction=MAINTAIN)
    assert 0 <= rate <= 100
    mirrored = achievement_rate(actual=p - (a - p), planned=p, tolerance=tolerance, direction=MAINTAIN)
    assert rate == mirrored


# --- grades --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (None, "－"),
        (D("100.0"), "A"),
        (D("250"), "A"),
        (D("99.9"), "B"),
        (D("80.0"), "B"),
        (D("79.9"), "C"),
        (D("-40"), "C"),
    ],
)
def test_default_grades(rate, expected):
    assert grade(rate) == expected


def test_rate_below_every_band_gets_the_lowest_band():
    bands = (GradeBand("S", D("120")), GradeBand("A", D("100")), GradeBand("B", D("0")))
    assert grade(D("-5"), bands) == "B"
    assert grade(D("130"), bands) == "S"


def test_grade_band_accepts_int_and_str_bounds():
    assert GradeBand("A", 100).min_rate == D("100")
    assert GradeBand("A", "80").min_rate == D("80")


@pytest.mark.parametrize(
    "bands",
    [
        (),
        (GradeBand("B", D("80")), GradeBand("A", D("100"))),
        (GradeBand("A", D("100")), GradeBand("B", D("100"))),
        (GradeBand("A", D("100")), GradeBand("A", D("80"))),
        (GradeBand("A", D("100")), GradeBand("－", D("0"))),
        (GradeBand("A", D("100")), GradeBand("-", D("0"))),
    ],
)
def test_invalid_bands(bands):
    with pytest.raises(ValueError) as excinfo:
        validate_bands(bands)
    assert " / " in str(excinfo.value)  # Japanese, then English


def test_default_bands_are_valid():
    assert validate_bands(DEFAULT_BANDS) == DEFAULT_BANDS


@given(st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=True)))
def test_grade_is_always_a_band_or_not_evaluable(rate):
    g = grade(rate)
    assert g in {"A", "B", "C", NOT_EVALUABLE}
    assert (g == NOT_EVALUABLE) == (rate is None)


def test_grade_distribution_and_shares():
    grades = ["A", "A", "B", "－", "C", "A", None]
    assert grade_distribution(grades) == {"A": 3, "B": 1, "C": 1, "－": 2}
    assert list(grade_distribution([])) == ["A", "B", "C", "－"]
    assert grade_shares(["A", "A", "B"]) == {"A": D("66.7"), "B": D("33.3"), "C": D("0.0"), "－": D("0.0")}
    assert grade_shares([]) == {"A": D("0.0"), "B": D("0.0"), "C": D("0.0"), "－": D("0.0")}


def test_grade_distribution_refuses_grades_from_other_bands():
    with pytest.raises(ValueError):
        grade_distribution(["A", "S"])


@given(st.lists(st.sampled_from(["A", "B", "C", "－"])))
def test_grade_distribution_sums_to_input_length(grades):
    counts = grade_distribution(grades)
    assert sum(counts.values()) == len(grades)
    assert list(counts) == ["A", "B", "C", "－"]
    shares = grade_shares(grades)
    assert list(shares) == list(counts)
    if grades:
        assert abs(sum(shares.values()) - 100) <= D("0.2")


# --- expected path -------------------------------------------------------------------------


def test_expected_path_reads_the_straight_line():
    kw = {"baseline_value": "18", "baseline_fiscal_year": 2020, "target_value": "68", "target_fiscal_year": 2025}
    assert [expected_value(fiscal_year=fy, **kw) for fy in range(2020, 2026)] == [18, 28, 38, 48, 58, 68]
    assert str(expected_value(fiscal_year=2021, **kw)) == "28"  # no exponent, no trailing zeros
    assert expected_value(fiscal_year=2019, **kw) is None
    assert expected_value(fiscal_year=2026, **kw) is None
    assert expected_value(
        baseline_value=0, baseline_fiscal_year=2021, target_value=1, target_fiscal_year=2024, fiscal_year=2022
    ) == D("0.3333")


@pytest.mark.parametrize(
    "kw",
    [
        {"baseline_value": "－"},
        {"target_value": None},
        {"target_value": "…"},
        {"baseline_fiscal_year": None},
        {"fiscal_year": None},
        {"target_fiscal_year": 2020},
        {"target_fiscal_year": 2019},
    ],
)
def test_expected_path_is_none_without_a_line(kw):
    args = {"baseline_value": "59.9", "baseline_fiscal_year": 2020, "target_value": "50.0", "target_fiscal_year": 2025, "fiscal_year": 2023}
    assert expected_value(**{**args, **kw}) is None


@given(b=numbers, t=numbers, b_fy=st.integers(2000, 2040), span=st.integers(1, 15), data=st.data())
def test_expected_path_hits_both_ends_and_stays_between(b, t, b_fy, span, data):
    kw = {"baseline_value": b, "baseline_fiscal_year": b_fy, "target_value": t, "target_fiscal_year": b_fy + span}
    assert expected_value(fiscal_year=b_fy, **kw) == b
    assert expected_value(fiscal_year=b_fy + span, **kw) == t
    middle = expected_value(fiscal_year=data.draw(st.integers(b_fy, b_fy + span)), **kw)
    assert min(b, t) <= middle <= max(b, t)
    assert middle.as_tuple().exponent >= -4


# --- trend ---------------------------------------------------------------------------------


def test_project_trend():
    assert project_trend([(2021, "10"), (2022, "12"), (2023, "14")], 2027) == 22
    # Non-numbers are skipped, so a row of yearly actuals can be passed as is.
    assert project_trend([(2021, "10"), (2022, "－"), (2023, "14"), (2024, None)], 2025) == 18
    assert project_trend([(2021, 1), (2022, 2), (2023, 2)], 2024) == D("2.6667")
    assert project_trend([(2021, "10")], 2027) is None
    assert project_trend([(2021, "10"), (2021, "12")], 2027) is None
    assert project_trend([], 2027) is None


@given(slope=st.integers(-1000, 1000), intercept=numbers, years=st.sets(st.integers(2015, 2035), min_size=2, max_size=8), target=st.integers(2015, 2040))
def test_project_trend_recovers_an_exact_line(slope, intercept, years, target):
    points = [(fy, intercept + slope * (fy - 2015)) for fy in sorted(years)]
    assert project_trend(points, target) == intercept + slope * (target - 2015)


def test_will_reach_target():
    assert will_reach_target(projected=D("22"), target=20, direction=UP) is True
    assert will_reach_target(projected=D("19.9"), target=20, direction=UP) is False
    assert will_reach_target(projected=D("45"), target=50, direction=DOWN) is True
    assert will_reach_target(projected=D("53.96"), target=50, direction=DOWN) is False
    assert will_reach_target(projected=D("72"), target=70, direction=MAINTAIN, tolerance=3) is True
    assert will_reach_target(projected=D("74"), target=70, direction=MAINTAIN, tolerance=3) is False
    assert will_reach_target(projected=D("70"), target=70, direction=MAINTAIN) is True
    assert will_reach_target(projected=None, target=70, direction=UP) is None
    assert will_reach_target(projected=project_trend([(2021, 1)], 2025), target=70, direction=UP) is None
    assert will_reach_target(projected=1, target="－", direction=DOWN) is None
