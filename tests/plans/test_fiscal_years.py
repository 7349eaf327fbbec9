import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.fiscal_years import (
    FiscalYearError,
    bounds,
    current_fiscal_year,
    display_label,
    english_label,
    era_label,
    fiscal_year_choices,
    fiscal_year_of,
    fiscal_years_between,
    parse_fiscal_year,
    short_label,
    western_label,
)

LABELS = [era_label, short_label, western_label, english_label, display_label]


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (datetime.date(2025, 4, 1), 2025),
        (datetime.date(2025, 12, 31), 2025),
        (datetime.date(2026, 1, 1), 2025),
        (datetime.date(2026, 3, 31), 2025),
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.datetime(2026, 3, 31, 23, 59), 2025),
    ],
)
def test_fiscal_year_of(d, expected):
    assert fiscal_year_of(d) == expected


def test_bounds():
    assert bounds(2025) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))


def test_current_fiscal_year():
    assert current_fiscal_year(datetime.date(2026, 2, 1)) == 2025
    assert current_fiscal_year() == fiscal_year_of(datetime.date.today())


def test_fiscal_years_between():
    assert fiscal_years_between(2021, 2027) == [2021, 2022, 2023, 2024, 2025, 2026, 2027]
    assert fiscal_years_between(2025, 2025) == [2025]
    with pytest.raises(ValueError):
        fiscal_years_between(2026, 2025)


def test_fiscal_year_choices():
    assert fiscal_year_choices(2018, 2019) == [(2018, "平成30年度 (2018年度)"), (2019, "令和元年度 (2019年度)")]


@pytest.mark.parametrize("bad", [True, "2025", 2025.0, None])
def test_labels_reject_non_int(bad):
    with pytest.raises(TypeError):
        era_label(bad)


@given(st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2199, 12, 31)))
def test_every_date_is_inside_the_bounds_of_its_fiscal_year(d):
    first, last = bounds(fiscal_year_of(d))
    assert first <= d <= last


@given(st.integers(1900, 2200))
def test_fiscal_years_are_contiguous(fiscal_year):
    assert bounds(fiscal_year)[1] + datetime.timedelta(days=1) == bounds(fiscal_year + 1)[0]


# --- labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fiscal_year", "era", "short"),
    [
        (2025, "令和7年度", "R7"),
        (2020, "令和2年度", "R2"),
        (2019, "令和元年度", "R元"),  # although 2019-04-01 was 平成31年
        (2018, "平成30年度", "H30"),
        (1990, "平成2年度", "H2"),
        (1989, "平成元年度", "H元"),  # 平成 began 1989-01-08, before 1 April
        (1988, "昭和63年度", "S63"),
        (1927, "昭和2年度", "S2"),
    ],
)
def test_era_labels(fiscal_year, era, short):
    assert era_label(fiscal_year) == era
    assert short_label(fiscal_year) == short


def test_other_labels():
    assert western_label(2025) == "2025年度"
    assert english_label(2025) == "FY2025"
    assert display_label(2025) == "令和7年度 (2025年度)"
    assert display_label(2019) == "令和元年度 (2019年度)"


def test_eras_before_showa_are_refused():
    with pytest.raises(ValueError, match="1926"):
        era_label(1926)
    with pytest.raises(FiscalYearError):
        short_label(1900)


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年度", 2025),
        ("令和７年度", 2025),
        ("令和元年度", 2019),
        ("R7", 2025),
        ("R7年度", 2025),
        ("Ｒ７", 2025),
        ("r7", 2025),
        ("R元", 2019),
        ("R元年度", 2019),
        ("R07", 2025),
        ("H30", 2018),
        ("平成30年度", 2018),
        ("平成元年度", 1989),
        ("平成31年度", 2019),  # written before May 2019
        ("H31", 2019),
        ("昭和63年度", 1988),
        ("S2", 1927),
        ("2025年度", 2025),
        ("２０２５年度", 2025),
        ("FY2025", 2025),
        ("fy 2025", 2025),
        ("ＦＹ２０２５", 2025),
        ("2025", 2025),
        ("2025 年度", 2025),
        ("  令和7年度\u3000", 2025),
        ("令和 7 年度", 2025),
        ("㋿7年度", 2025),
        ("㍻30年度", 2018),
        ("令和7年度 (2025年度)", 2025),
        ("令和7年度（2025年度）", 2025),
        ("R7 (FY2025)", 2025),
        ("1900", 1900),
        ("2200年度", 2200),
        ("令和182年度", 2200),
    ],
)
def test_parse_fiscal_year(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "令和0年度",
        "R0",
        "平成0年度",
        "平成32年度",
        "H32",
        "昭和元年度",  # FY1926 began under 大正
        "昭和64年度",
        "大正15年度",
        "1899",
        "2201年度",
        "FY1899",
        "令和183年度",
        "FY25",
        "25",
        "令和7年",
        "2025年",
        "令和7年度 (2024年度)",
        "R7R8",
        "令和-1年度",
        "٢٠٢٥",  # Arabic-Indic digits survive NFKC; not a fiscal year here
    ],
)
def test_parse_fiscal_year_rejects(text):
    with pytest.raises(FiscalYearError) as excinfo:
        parse_fiscal_year(text)
    message = str(excinfo.value)
    assert message.startswith("年度を読み取れません")
    assert "Cannot read fiscal year" in message
    assert repr(text) in message


def test_parse_error_is_a_value_error_with_examples():
    with pytest.raises(ValueError) as excinfo:
        parse_fiscal_year("abc")
    assert str(excinfo.value) == (
        "年度を読み取れません: 'abc'（例: 令和7年度, R7, 2025年度, FY2025） / "
        "Cannot read fiscal year 'abc' (e.g. 令和7年度, R7, 2025年度, FY2025)"
    )


def test_parse_rejects_non_str():
    with pytest.raises(TypeError):
        parse_fiscal_year(2025)


@given(st.integers(1989, 2100), st.sampled_from(LABELS))
def test_every_label_parses_back(fiscal_year, label):
    assert parse_fiscal_year(label(fiscal_year)) == fiscal_year


@given(st.integers(1927, 2200), st.sampled_from(LABELS))
def test_labels_parse_back_in_full_width(fiscal_year, label):
    full_width = label(fiscal_year).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert parse_fiscal_year(full_width) == fiscal_year
