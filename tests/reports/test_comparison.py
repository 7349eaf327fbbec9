"""The comparison of cities (/dashboards/compare/): approved figures of the cities a user may
read, matched across plans by code, name or category.

The demo's plans share nothing across cities (Sasebo's 150 indicators, Nagasaki's five outcome
indicators of the 総合計画 with no approved value, none in Miyakonojo), so each test adds the
indicators it compares: one Sasebo KPI with an approved FY2023 actual, and indicators of the same
name (spelled with full-width brackets and spaces) in Nagasaki and Miyakonojo.
"""

import re
from decimal import Decimal

import pytest

from kpis.models import EntryStatus, Indicator, IndicatorKind, YearlyValue
from kpis.values import value_columns
from plans import achievement
from plans.models import Category, CategoryVocabulary, Strategy
from reports.dashboards import comparison
from tests.factories import grow

URL = "/dashboards/compare/"

NAGASAKI_APPROVED = "8,642.5"
NAGASAKI_SUBMITTED = "9,876.5"
MIYAKONOJO_APPROVED = "5,555.5"


def _value(indicator, fiscal_year, *, planned, actual, status):
    return YearlyValue.objects.create(
        indicator=indicator, fiscal_year=fiscal_year, status=status,
        **value_columns("planned", planned), **value_columns("actual", actual),
    )


def _indicator(strategy_code, name, *, code="", unit="件"):
    strategy = Strategy.objects.get(code=strategy_code)
    policy = strategy.basic_policies.order_by("order").first()
    return Indicator.objects.create(strategy=strategy, basic_policy=policy, kind=IndicatorKind.KPI, code=code,
                                    name=name, unit=unit, order=900)


@pytest.fixture
def shared(sasebo):
    """A Sasebo KPI with an approved FY2023 actual, and the same indicator (by name) in
    Nagasaki (approved), Nagasaki again (submitted, not yet approved) and Miyakonojo (approved)."""
    value = (YearlyValue.objects.filter(indicator__strategy=sasebo, indicator__kind=IndicatorKind.KPI, fiscal_year=2023,
                                        status=EntryStatus.APPROVED, actual_state=achievement.NUMBER)
             .exclude(indicator__name="").select_related("indicator").order_by("indicator__order").first())
    name = value.indicator.name
    variant = f"「{name}」 "  # brackets and a space the normalised name drops
    nagasaki = _indicator("nagasaki-h", variant, code="NGS-SHARED-1")
    _value(nagasaki, 2023, planned="9000", actual="8642.5", status=EntryStatus.APPROVED)
    pending = _indicator("nagasaki-h", name, code="NGS-SHARED-2")
    _value(pending, 2023, planned="9500", actual="9876.5", status=EntryStatus.SUBMITTED)
    miyakonojo = _indicator("miyakonojo-dx", name, code="MYK-SHARED-1")
    _value(miyakonojo, 2023, planned="6000", actual="5555.5", status=EntryStatus.APPROVED)
    return {"sasebo": value, "nagasaki": nagasaki, "pending": pending, "miyakonojo": miyakonojo, "name": name}


def _page(client, user, query="?fy=2023"):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def _section_of(page, indicator_id):
    """The <section> (one group) holding the row of `indicator_id`."""
    for section in re.findall(r'<section class="comparison-group".*?</section>', page, re.S):
        if f'data-indicator="{indicator_id}"' in section:
            return section
    raise AssertionError(f"no group holds indicator {indicator_id}")


def test_paula_sees_sasebo_and_nagasaki_approved_figures_side_by_side(client, paula, shared):
    page = _page(client, paula)
    group = _section_of(page, shared["sasebo"].indicator_id)
    assert 'data-city="sasebo"' in group and 'data-city="nagasaki"' in group
    assert f'data-indicator="{shared["nagasaki"].pk}"' in group  # matched by the normalised name
    assert shared["sasebo"].actual.display() in group
    assert NAGASAKI_APPROVED in group and "9,000" in group
    assert "佐世保市DX戦略" in group and "長崎市第五次総合計画" in group
    # Each city's own names of its levels (label_* of its strategy).
    assert "DX重点課題" in group and "政策H" in group
    assert f'href="/dashboards/sasebo-dx/indicators/{shared["sasebo"].indicator_id}/?fy=2023"' in group
    assert f'href="/dashboards/nagasaki-h/indicators/{shared["nagasaki"].pk}/?fy=2023"' in group


def test_paula_sees_nothing_of_miyakonojo_which_is_not_granted(client, paula, shared):
    page = _page(client, paula, "?fy=2023&all=1")
    assert 'data-city="miyakonojo"' not in page
    assert f'data-indicator="{shared["miyakonojo"].pk}"' not in page
    assert MIYAKONOJO_APPROVED not in page and "MYK-SHARED-1" not in page
    assert "都城" not in page


def test_a_submitted_value_is_not_shown_only_said_to_be_unconfirmed(client, paula, nina, shared):
    for user in (paula, nina):  # nina is Nagasaki's own DX office: still approved figures only
        page = _page(client, user, "?fy=2023&all=1")
        group = _section_of(page, shared["pending"].pk)
        row = re.search(rf'<tr data-indicator="{shared["pending"].pk}".*?</tr>', group, re.S).group(0)
        assert NAGASAKI_SUBMITTED not in page and "9,500" not in page
        assert "未確定" in row
        assert NAGASAKI_APPROVED in page


def test_carol_sees_only_sasebo(client, carol, shared):
    page = _page(client, carol, "?fy=2023&all=1")
    assert 'data-city="sasebo"' in page
    assert 'data-city="nagasaki"' not in page and 'data-city="miyakonojo"' not in page
    for text in (NAGASAKI_APPROVED, NAGASAKI_SUBMITTED, MIYAKONOJO_APPROVED, "長崎", "都城", "NGS-SHARED"):
        assert text not in page
    assert shared["sasebo"].actual.display() in _section_of(page, shared["sasebo"].indicator_id)
    # Alone, Sasebo shares nothing: without all=1 no group is shown.
    page = _page(client, carol)
    assert 'class="comparison-group"' not in page


def test_matching_by_category_and_by_code(client, paula, shared):
    nagasaki = Strategy.objects.get(code="nagasaki-h")
    vocabulary = CategoryVocabulary.objects.create(strategy=nagasaki, code="field", name="分野")
    category = Category.objects.create(vocabulary=vocabulary, code="tourism", name="観光")
    policy = nagasaki.basic_policies.order_by("order").first()
    policy.categories.add(category)
    other = _indicator("nagasaki-h", "長崎の観光指標", code="観光-KPI1")  # the code of a Sasebo KPI
    _value(other, 2023, planned="10", actual="7", status=EntryStatus.APPROVED)
    sasebo_tourism = Indicator.objects.get(strategy__code="sasebo-dx", code="観光-KPI1")

    by_category = _page(client, paula, "?fy=2023&by=category")
    group = _section_of(by_category, other.pk)
    assert 'data-basis="category"' in group and "<caption>観光 " in group
    assert f'data-indicator="{sasebo_tourism.pk}"' in group  # Sasebo's 分類 観光, not its 分野 まちづくり

    by_code = _page(client, paula, "?fy=2023&by=code")
    group = _section_of(by_code, other.pk)
    assert f'data-indicator="{sasebo_tourism.pk}"' in group and 'data-basis="code"' in group


def test_the_fiscal_year_selector_and_a_wrong_year(client, paula, shared):
    page = _page(client, paula, "?fy=R5")
    assert 'data-fiscal-year="2023" aria-current="true"' in page
    assert "令和5年度 (2023年度)" in page
    page = _page(client, paula, "?fy=1999")
    assert 'role="alert"' in page and "1999" in page
    assert 'data-fiscal-year="2023" aria-current="true"' in page  # the default: R5, the fullest recent year


def test_the_navigation_links_the_page_for_wide_area_viewers(client, paula, carol):
    header = re.search(r"<header.*?</header>", _page(client, paula), re.S).group(0)
    assert f'href="{URL}"' in header
    header = re.search(r"<header.*?</header>", _page(client, carol), re.S).group(0)
    assert f'href="{URL}"' not in header


def test_normalised_names_match_across_spellings():
    assert comparison.normalised("「オンライン申請率（％）」") == comparison.normalised("オンライン 申請率(%)")
    assert comparison.normalised("ＡＢＣ・ＤＥ") == "abcde"
    assert comparison.normalised("  ") == ""


# --- query counts ------------------------------------------------------------------------------

# session, user, the plans the user may read, approved actuals per fiscal year, indicators,
# their categories (one union), the approved values of the year
CITY_USER_QUERIES = 7 + 2  # + carol's department and its bureau, named in the page header
WIDE_AREA_QUERIES = 7 + 1  # + paula's granted cities (plans.boundary, once per request)


@pytest.mark.parametrize("username, expected", [("paula", WIDE_AREA_QUERIES), ("carol", CITY_USER_QUERIES)])
def test_queries_are_fixed_whatever_the_number_of_indicators(client, django_assert_num_queries, shared, sasebo,
                                                             username, expected, request):
    user = request.getfixturevalue(username)
    client.force_login(user)
    for query in ("?fy=2023", "?fy=2023&all=1&by=category"):
        with django_assert_num_queries(expected):
            assert client.get(URL + query).status_code == 200
    grow(sasebo, 10)
    grow(Strategy.objects.get(code="nagasaki-h"), 10)
    YearlyValue.objects.filter(indicator__strategy__code__in=["sasebo-dx", "nagasaki-h"], fiscal_year=2023,
                               indicator__name__startswith="合成").update(status=EntryStatus.APPROVED)
    assert Indicator.objects.filter(strategy__code__in=["sasebo-dx", "nagasaki-h"]).count() > 1500
    for query in ("?fy=2023", "?fy=2023&all=1&by=category"):
        with django_assert_num_queries(expected):
            response = client.get(URL + query)
        assert response.status_code == 200
    assert response.content.decode().count("<tr data-indicator") > 1500  # all=1: every indicator is shown


def test_the_selector_reads_approved_rows_only(paula, shared):
    plans = comparison.plans_of(paula)
    rows = comparison.city_rows(plans)
    comparison.attach_approved_values(rows, plans, 2023)
    statuses = {row.value.status for row in rows if row.value}
    assert statuses == {EntryStatus.APPROVED}
    pending = next(row for row in rows if row.id == shared["pending"].pk)
    assert pending.value is None
    assert {plan.municipality_code for plan in plans} == {"sasebo", "nagasaki"}
    assert Decimal("8642.5") in {row.value.actual_number for row in rows if row.value}
