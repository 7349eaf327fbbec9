"""The review queue's rules in SQL agree with the Python rules row by row (issue 16): the
review stage ("waiting for me"), segregation of duties, grades, "behind", "worse than last
year" and the queue's order; and the queue is paged, with "approve all matching rows"
reaching every page with a count and a confirmation."""

import re
from decimal import Decimal

import pytest

from kpis import permissions, selectors_review
from kpis.models import EntryStatus, YearlyValue
from kpis.selectors_entry import ReviewFilters, _department_then_tree, worse_than_previous
from kpis.values import value_from_columns
from plans import achievement
from plans.models import Department, Role, User
from tests.factories import add_department_rows

FY = 2024
QUEUE = "/entry/sasebo-dx/2024/review/"
STATUSES = [s for s, _label in EntryStatus.choices]


def _spread(sasebo, alice, bob):
    """The year's rows in every status, some entered or submitted by alice or bob."""
    rows = list(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY).order_by("pk"))
    for i, row in enumerate(rows):
        YearlyValue.objects.filter(pk=row.pk).update(
            status=STATUSES[i % len(STATUSES)], entered_by=(alice, bob, None)[i % 3],
            submitted_by=(None, alice, bob)[i % 3 - 1])
    return rows


def _loaded(sasebo):
    return list(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY)
                .select_related("indicator__strategy", "indicator__responsible_department"))


@pytest.mark.parametrize(("manager_review", "dx_review"), [(True, True), (False, True), (True, False)])
def test_review_stage_q_agrees_with_review_stage_for(sasebo, alice, bob, carol, dave, erin, frank,
                                                     manager_review, dx_review):
    sasebo.manager_review, sasebo.dx_review = manager_review, dx_review
    sasebo.save()
    _spread(sasebo, alice, bob)
    values = _loaded(sasebo)
    waiting = {}
    for user in (alice, bob, carol, dave, erin, frank):
        in_sql = set(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY)
                     .filter(permissions.review_stage_q(user)).values_list("pk", flat=True))
        waiting[user.username] = {v.pk for v in values if permissions.review_stage_for(user, v) is not None}
        assert in_sql == waiting[user.username], user.username
    # Not vacuous: the reviewers of each stage have rows waiting.
    assert bool(waiting["carol"]) == dx_review and bool(waiting["bob"]) == manager_review


def test_self_approval_allowed_q_agrees_with_self_approval_refusal(sasebo, alice, bob, carol):
    _spread(sasebo, alice, bob)
    Department.objects.filter(name="観光商工部", municipality__code="sasebo").update(allow_self_approval=True)
    values = _loaded(sasebo)
    for user in (alice, bob, carol):
        in_sql = set(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY)
                     .filter(permissions.self_approval_allowed_q(user)).values_list("pk", flat=True))
        assert in_sql == {v.pk for v in values if permissions.self_approval_refusal(user, v) is None}
        if user != carol:  # alice and bob entered or submitted rows of other departments: refused there
            assert in_sql != {v.pk for v in values}


RATES = [None, Decimal("-5"), Decimal("0"), Decimal("79.9"), Decimal("80"), Decimal("99.9"), Decimal("100"),
         Decimal("250")]


def test_grade_q_and_behind_q_agree_with_the_grades(sasebo):
    rows = list(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY).order_by("pk")[:len(RATES)])
    for row, rate in zip(rows, RATES):
        YearlyValue.objects.filter(pk=row.pk).update(rate=rate)
    ids = [row.pk for row in rows]
    bands = sasebo.bands()
    table = YearlyValue.objects.filter(pk__in=ids)
    for grade in [band.grade for band in bands] + [achievement.NOT_EVALUABLE]:
        in_sql = set(table.filter(selectors_review.grade_q(bands, grade)).values_list("pk", flat=True))
        assert in_sql == {row.pk for row, rate in zip(rows, RATES) if achievement.grade(rate, bands) == grade}
    behind = set(table.filter(selectors_review.behind_q(bands)).values_list("pk", flat=True))
    assert behind == {row.pk for row, rate in zip(rows, RATES)
                      if achievement.grade(rate, bands) not in (bands[0].grade, achievement.NOT_EVALUABLE)}


def test_worse_q_agrees_with_worse_than_previous(sasebo):
    values = list(YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY).order_by("pk"))
    directions = [achievement.UP, achievement.DOWN, achievement.MAINTAIN]
    for i, value in enumerate(values):  # actuals around last year's, of every direction
        YearlyValue.objects.filter(pk=value.pk).update(actual_state=achievement.NUMBER, actual_number=10 + i % 5 - 2,
                                                       actual_text="")
        value.indicator.__class__.objects.filter(pk=value.indicator_id).update(direction=directions[i % 3])
    YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY - 1).update(
        actual_state=achievement.NUMBER, actual_number=10, actual_text="")
    base = selectors_review.with_previous(
        YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY).select_related("indicator"), FY)
    in_python = {v.pk for v in base if worse_than_previous(v, value_from_columns(v, "previous"))}
    sql = selectors_review.review_values(user=User(role=Role.DX_OFFICE), strategy=sasebo, fiscal_year=FY,
                                         filters=ReviewFilters(status="", worse=True))
    assert set(sql.values_list("pk", flat=True)) == in_python
    assert 0 < len(in_python) < len(values)


def test_the_queue_is_ordered_in_sql_as_in_python(sasebo, carol):
    rows = selectors_review.review_rows(user=carol, strategy=sasebo, fiscal_year=FY, entry_round=None,
                                        filters=ReviewFilters(status=""))
    values = [row.value for row in rows]
    assert len(values) > 20
    assert [v.pk for v in values] == [v.pk for v in sorted(values, key=_department_then_tree)]


# --- pages and "approve all matching" ----------------------------------------------------------


@pytest.fixture
def many_waiting(sasebo, monkeypatch):
    """25 rows waiting for the DX office in a department of their own, 10 to a page."""
    monkeypatch.setattr(selectors_review, "PAGE_SIZE", 10)
    department = Department.objects.create(municipality=sasebo.municipality, name="テスト課", order=99)
    rows = add_department_rows(sasebo, department, 25, status=EntryStatus.FIRST_APPROVED)
    return department, rows


def _ids(html):
    return [int(pk) for pk in re.findall(r'<tr id="review-(\d+)"', html)]


def test_pages_cover_the_queue_once_and_keep_the_filters(client, carol, many_waiting):
    department, rows = many_waiting
    client.force_login(carol)
    url = f"{QUEUE}?department={department.pk}"
    seen = []
    for number in (1, 2, 3):
        html = client.get(f"{url}&page={number}").content.decode()
        seen += _ids(html)
        assert "25件" in html or "25 rows" in html  # the count of all matching rows, on every page
    assert sorted(seen) == sorted(row.pk for row in rows) and len(seen) == 25
    first = client.get(url).content.decode()
    assert f'href="?department={department.pk}&amp;page=2"' in first


def test_approve_all_matching_reaches_every_page(client, carol, many_waiting):
    department, rows = many_waiting
    client.force_login(carol)
    html = client.get(f"{QUEUE}?department={department.pk}").content.decode()
    assert 'name="expected" value="25"' in html
    form = {"scope": "all", "filters": f"department={department.pk}", "expected": "25", "comment": "一括承認"}
    client.post(QUEUE + "approve/", form)  # not confirmed: nothing happens
    assert not YearlyValue.objects.filter(pk__in=[r.pk for r in rows], status=EntryStatus.APPROVED).exists()
    client.post(QUEUE + "approve/", {**form, "confirm": "on", "expected": "24"})  # the count changed
    assert not YearlyValue.objects.filter(pk__in=[r.pk for r in rows], status=EntryStatus.APPROVED).exists()
    client.post(QUEUE + "approve/", {**form, "confirm": "on"})
    assert YearlyValue.objects.filter(pk__in=[r.pk for r in rows], status=EntryStatus.APPROVED).count() == 25
