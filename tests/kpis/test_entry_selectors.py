"""Reads of the entry round (kpis.selectors_entry): where staff land, the entry grid rows,
the review queue and its filters, the tracker counts and the history, with their query
counts at 10 and 100 indicators.

The demo opens 令和6年度 (FY2024) of Sasebo; alice/bob are 観光商工部, frank 農林水産部.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone, translation

from kpis import selectors_entry, workflow
from kpis.models import (
    Direction,
    EntryRound,
    EntryStatus,
    Indicator,
    IndicatorKind,
    ReviewAction,
    ReviewStage,
    RoundText,
    YearlyValue,
)
from plans import achievement
from plans.models import BasicPolicy, Department, Role, User
from tests import factories

FY = 2024


@pytest.fixture
def entry_round(sasebo):
    return EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)


def _row(code):
    return YearlyValue.objects.select_related("indicator__strategy").get(
        indicator__strategy__code="sasebo-dx", indicator__code=code, fiscal_year=FY
    )


@pytest.fixture
def test_department(sasebo):
    return Department.objects.create(municipality=sasebo.municipality, name="テスト課", order=99)


@pytest.fixture
def tess(test_department):
    """Staff of a department that owns nothing until a test gives it indicators."""
    return User.objects.create_user(username="tess", password="x", role=Role.STAFF, department=test_department)


# --- landing ------------------------------------------------------------------------------


def test_staff_and_managers_land_on_their_open_round(alice, bob, entry_round):
    assert selectors_entry.landing_entry_round(alice) == entry_round
    assert selectors_entry.landing_entry_round(bob) == entry_round


def test_others_do_not_land_on_a_round(carol, dave, erin):
    assert selectors_entry.landing_entry_round(carol) is None
    assert selectors_entry.landing_entry_round(dave) is None
    assert selectors_entry.landing_entry_round(erin) is None


def test_no_landing_when_the_department_owns_nothing_in_the_open_strategy(tess):
    assert selectors_entry.landing_entry_round(tess) is None


def test_a_department_that_owns_only_texts_lands_on_its_round(tess, entry_round, client):
    assert not Indicator.objects.filter(responsible_department=tess.department).exists()
    text = RoundText.objects.filter(strategy=entry_round.strategy, fiscal_year=FY, project__isnull=False).first()
    text.department = tess.department
    text.save()
    assert selectors_entry.landing_entry_round(tess) == entry_round
    assert list(selectors_entry.entry_round_list(tess)) == [entry_round]
    client.force_login(tess)
    response = client.get("/")
    assert response.status_code == 302 and response.url == f"/entry/{entry_round.strategy.code}/{FY}/"
    assert f'id="text-{text.pk}"' in client.get(response.url).content.decode()  # the grid shows its text


def test_texts_of_another_fiscal_year_do_not_make_a_department_land(tess, entry_round):
    text = RoundText.objects.filter(strategy=entry_round.strategy, fiscal_year=FY).first()
    RoundText.objects.filter(pk=text.pk).update(department=tess.department, fiscal_year=FY - 1)
    assert selectors_entry.landing_entry_round(tess) is None


def test_no_landing_once_the_round_is_closed_or_before_it_opens(alice, carol, entry_round):
    entry_round.opens_at = timezone.now() + timedelta(days=1)
    entry_round.deadline = timezone.now() + timedelta(days=9)
    entry_round.save()
    assert selectors_entry.landing_entry_round(alice) is None
    entry_round.opens_at = timezone.now() - timedelta(days=1)
    entry_round.save()
    workflow.entry_round_close(user=carol, entry_round=entry_round)
    assert selectors_entry.landing_entry_round(alice) is None


def test_the_nearest_deadline_wins_among_open_rounds(alice, sasebo, entry_round):
    other = sasebo.__class__.objects.create(municipality=sasebo.municipality, code="sasebo-other", title="別計画",
                                            first_fiscal_year=2022, last_fiscal_year=2027)
    policy = BasicPolicy.objects.create(strategy=other, code="1", title="方針")
    Indicator.objects.create(strategy=other, basic_policy=policy, kind=IndicatorKind.KPI, code="O1", name="別の指標",
                             responsible_department=alice.department)
    now = timezone.now()
    sooner = EntryRound.objects.create(
        strategy=other, fiscal_year=FY, opens_at=now - timedelta(days=1), deadline=entry_round.deadline - timedelta(days=1)
    )
    # Another city's round is never the landing page, even with an indicator given to alice's
    # department (bad data) and a nearer deadline.
    foreign = sasebo.__class__.objects.get(code="nagasaki-h")
    Indicator.objects.filter(pk=Indicator.objects.filter(strategy=foreign).first().pk).update(
        responsible_department=alice.department)
    EntryRound.objects.create(strategy=foreign, fiscal_year=FY, opens_at=now - timedelta(days=1),
                              deadline=entry_round.deadline - timedelta(days=2))
    assert selectors_entry.landing_entry_round(alice) == sooner
    sooner.deadline = entry_round.deadline + timedelta(days=1)
    sooner.save()
    assert selectors_entry.landing_entry_round(alice) == entry_round


# --- entry grid ----------------------------------------------------------------------------


def _grid(user, sasebo, entry_round, department=None):
    return selectors_entry.entry_grid_rows(
        user=user, strategy=sasebo, fiscal_year=FY, department_id=(department or user.department).pk,
        entry_round=entry_round,
    )


def test_grid_has_every_row_of_the_department_in_plan_order_with_headings(alice, sasebo, entry_round):
    rows = _grid(alice, sasebo, entry_round)
    expected = YearlyValue.objects.filter(
        indicator__strategy=sasebo, fiscal_year=FY, indicator__responsible_department=alice.department
    ).count()
    assert len(rows) == expected == 18
    first = rows[0]
    # Labels come from the strategy: Sasebo calls basic policies DX重点課題 and measures 課題.
    assert [(h.level, h.code) for h in first.headings] == [("DX重点課題", "01-01"), ("課題", "1")]
    assert first.indicator.code == "観光-KPI1"
    project_rows = [row for row in rows if row.indicator.project_id]
    assert project_rows[0].headings[-1].level == "プロジェクト"
    # Rows are grouped: each measure (all under one DX重点課題 here) is headed once.
    seen_measures = [h.code for row in rows for h in row.headings if h.depth == 1]
    assert len(seen_measures) == len(set(seen_measures)) > 1


def test_grid_shows_earlier_actuals_and_the_plans_last_year_as_final_target(alice, sasebo, entry_round):
    row = next(r for r in _grid(alice, sasebo, entry_round) if r.indicator.code == "観光-KPI3")
    assert [(p.fiscal_year, p.display) for p in row.previous] == [(2021, "10"), (2022, "16"), (2023, "20")]
    assert row.value.planned.display() == "20"
    # Sasebo prints no separate final target: the R9 (FY2027) plan is the goal.
    assert (row.final_target.display(), row.final_target_year) == ("20", 2027)


def test_an_indicator_target_wins_over_the_plans_last_year(alice, sasebo, entry_round):
    indicator = Indicator.objects.get(strategy=sasebo, code="観光-KPI3")
    indicator.target_value, indicator.target_fiscal_year = Decimal("25"), 2026
    indicator.save()
    row = next(r for r in _grid(alice, sasebo, entry_round) if r.indicator.code == "観光-KPI3")
    assert (row.final_target.display(), row.final_target_year) == ("25", 2026)


def test_grid_rows_are_editable_for_own_staff_and_read_only_otherwise(alice, frank, carol, sasebo, entry_round):
    assert all(row.editable for row in _grid(alice, sasebo, entry_round))
    with translation.override("en"):
        others = _grid(frank, sasebo, entry_round, department=alice.department)
        dx_office = _grid(carol, sasebo, entry_round, department=alice.department)
    assert {row.refusal for row in others} == {"This indicator belongs to another department."}
    assert {row.refusal for row in dx_office} == {"Only department staff and managers enter actual values."}


def test_other_departments_see_approved_values_only(alice, frank, sasebo, entry_round):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="9", comment="下書き", expected_version=row.version)
    by_code = {r.indicator.code: r for r in _grid(frank, sasebo, entry_round, department=alice.department)}
    assert by_code["観光-KPI1"].visible is False
    # Earlier years are printed (approved) figures: visible to everyone.
    assert all(p.visible for p in by_code["観光-KPI3"].previous)


def test_the_latest_reviewer_comment_is_on_the_row(alice, bob, carol, sasebo, entry_round):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="7", comment="", expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_approve(user=bob, yearly_values=[row], comment="所属長確認")
    workflow.review_return(user=carol, yearly_value=row, comment="根拠を追記してください")
    grid_row = next(r for r in _grid(alice, sasebo, entry_round) if r.value.pk == row.pk)
    assert grid_row.reviewer_comment.comment == "根拠を追記してください"
    assert grid_row.value.status == EntryStatus.RETURNED
    assert grid_row.editable  # a returned row can be corrected


def test_grid_query_count_is_the_same_for_10_and_100_indicators(tess, test_department, sasebo, entry_round,
                                                                 django_assert_num_queries):
    def read():
        # 1 the department's rows with indicator, basic policy, measure, project joined
        # 2 the reviewer comments of those rows (prefetch)
        # 3 the earlier years' and the plan's last year's values of the same indicators
        with django_assert_num_queries(3):
            return selectors_entry.entry_grid_rows(
                user=tess, strategy=sasebo, fiscal_year=FY, department_id=test_department.pk,
                entry_round=entry_round,
            )

    factories.add_department_rows(sasebo, test_department, 10)
    assert len(read()) == 10
    factories.add_department_rows(sasebo, test_department, 90)
    rows = read()
    assert len(rows) == 100
    assert sum(1 for row in rows if row.reviewer_comment) >= 30


# --- review queue ----------------------------------------------------------------------------


def test_worse_than_previous_follows_the_direction():
    def value(direction, actual, planned="10"):
        indicator = Indicator(direction=direction)
        row = YearlyValue(indicator=indicator, fiscal_year=FY)
        for prefix, raw in (("actual", actual), ("planned", planned)):
            parsed = achievement.Value.of(raw)
            setattr(row, f"{prefix}_state", parsed.state)
            setattr(row, f"{prefix}_number", parsed.number)
        return row

    last_year = achievement.Value.of("8")
    assert selectors_entry.worse_than_previous(value(Direction.UP, "7"), last_year)
    assert not selectors_entry.worse_than_previous(value(Direction.UP, "9"), last_year)
    assert selectors_entry.worse_than_previous(value(Direction.DOWN, "9"), last_year)
    assert not selectors_entry.worse_than_previous(value(Direction.DOWN, "7"), last_year)
    # Maintain: further from this year's plan (10) than last year's 8 was.
    assert selectors_entry.worse_than_previous(value(Direction.MAINTAIN, "13"), last_year)
    assert not selectors_entry.worse_than_previous(value(Direction.MAINTAIN, "11"), last_year)
    # 「－」 or nothing on either side is never flagged.
    assert not selectors_entry.worse_than_previous(value(Direction.UP, "－"), last_year)
    assert not selectors_entry.worse_than_previous(value(Direction.UP, "7"), achievement.Value.of(None))


def _submit(alice, codes_and_actuals):
    rows = []
    for code, actual in codes_and_actuals:
        row = _row(code)
        workflow.entry_save(user=alice, yearly_value=row, actual=actual, comment="", expected_version=row.version)
        rows.append(row)
    workflow.entry_submit(user=alice, yearly_values=rows)
    return rows


def _queue(user, sasebo, entry_round, **filters):
    return selectors_entry.review_rows(
        user=user, strategy=sasebo, fiscal_year=FY, entry_round=entry_round,
        filters=selectors_entry.ReviewFilters(**filters),
    )


def test_queue_grades_flags_and_filters(alice, bob, sasebo, entry_round):
    # 観光-KPI3: plan 20, last year 20. 観光-KPI1: plan 6, last year 7.
    _submit(alice, [("観光-KPI3", "15"), ("観光-KPI1", "8")])
    rows = {row.indicator.code: row for row in _queue(bob, sasebo, entry_round)}
    assert set(rows) == {"観光-KPI3", "観光-KPI1"}
    behind, ahead = rows["観光-KPI3"], rows["観光-KPI1"]
    assert (behind.rate, behind.grade, behind.behind, behind.worse) == (Decimal("75.0"), "C", True, True)
    assert behind.previous.display() == "20"
    assert (ahead.grade, ahead.behind, ahead.worse) == ("A", False, False)
    assert all(row.stage == ReviewStage.MANAGER and row.reviewable for row in rows.values())
    assert [r.indicator.code for r in _queue(bob, sasebo, entry_round, behind=True)] == ["観光-KPI3"]
    assert [r.indicator.code for r in _queue(bob, sasebo, entry_round, worse=True)] == ["観光-KPI3"]
    assert [r.indicator.code for r in _queue(bob, sasebo, entry_round, grade="A")] == ["観光-KPI1"]


def test_waiting_means_waiting_for_this_reviewer(alice, bob, carol, sasebo, entry_round):
    first, second = _submit(alice, [("観光-KPI1", "8"), ("観光-KPI2", "5")])
    assert _queue(carol, sasebo, entry_round) == []  # the manager reviews first
    workflow.review_approve(user=bob, yearly_values=[first])
    assert [r.value.pk for r in _queue(carol, sasebo, entry_round)] == [first.pk]
    assert [r.value.pk for r in _queue(bob, sasebo, entry_round)] == [second.pk]
    everything = _queue(carol, sasebo, entry_round, status="")
    assert len(everything) == YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=FY).count()


def test_managers_see_only_their_department(bob, carol, frank, sasebo, entry_round):
    farm_row = YearlyValue.objects.filter(
        indicator__strategy=sasebo, fiscal_year=FY, indicator__responsible_department=frank.department
    ).first()
    workflow.entry_save(user=frank, yearly_value=farm_row, actual="3", comment="", expected_version=farm_row.version)
    workflow.entry_submit(user=frank, yearly_values=[farm_row])
    assert all(
        row.indicator.responsible_department_id == bob.department_id
        for row in _queue(bob, sasebo, entry_round, status="")
    )
    assert farm_row.pk in [r.value.pk for r in _queue(carol, sasebo, entry_round, status="submitted")]
    only_farm = _queue(carol, sasebo, entry_round, status="", department_id=frank.department_id)
    assert {r.indicator.responsible_department_id for r in only_farm} == {frank.department_id}


def test_queue_query_count_is_the_same_for_10_and_100_indicators(carol, test_department, sasebo, entry_round,
                                                                  django_assert_num_queries):
    def read():
        # 1 the rows with indicator, department (and its parent), updater, and last year's
        #   actual as subqueries on the same row
        # 2 the reviewer comments of those rows (prefetch)
        with django_assert_num_queries(2):
            return _queue(carol, sasebo, entry_round, status="", department_id=test_department.pk)

    factories.add_department_rows(sasebo, test_department, 10, status=EntryStatus.FIRST_APPROVED)
    assert len(read()) == 10
    factories.add_department_rows(sasebo, test_department, 90, status=EntryStatus.FIRST_APPROVED)
    assert len(read()) == 100


# --- tracker ----------------------------------------------------------------------------------


def test_tracker_counts_each_status_per_department(alice, sasebo, entry_round):
    _submit(alice, [("観光-KPI1", "8")])
    row = _row("観光-KPI2")
    workflow.entry_save(user=alice, yearly_value=row, actual="1", comment="", expected_version=row.version)
    lines = {line.department: line for line in selectors_entry.tracker_lines(strategy=sasebo, fiscal_year=FY)}
    tourism = lines["観光商工部"]
    # The department's texts and statuses of the round (all 未入力 here) count with its 18 figures.
    texts = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY, department__name="観光商工部").count()
    assert tourism.total == 18 + texts
    assert tourism.counts[EntryStatus.SUBMITTED] == 1
    assert tourism.counts[EntryStatus.DRAFT] == 1
    assert tourism.counts[EntryStatus.NOT_ENTERED] == 16 + texts
    assert tourism.open == 17 + texts
    assert sum(line.total for line in lines.values()) == YearlyValue.objects.filter(
        indicator__strategy=sasebo, fiscal_year=FY
    ).count() + RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).count()


def test_tracker_query_count_is_the_same_for_10_and_100_indicators(test_department, sasebo,
                                                                    django_assert_num_queries):
    def read():
        # rows grouped by department with one count per status; the round's texts likewise
        with django_assert_num_queries(2):
            return selectors_entry.tracker_lines(strategy=sasebo, fiscal_year=FY)

    factories.add_department_rows(sasebo, test_department, 10)
    assert next(line for line in read() if line.department == "テスト課").total == 10
    factories.add_department_rows(sasebo, test_department, 90)
    assert next(line for line in read() if line.department == "テスト課").total == 100


# --- history ----------------------------------------------------------------------------------


def test_history_lists_changes_reviews_and_revisions_newest_first(alice, bob, carol, sasebo, entry_round):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="7", comment="初回", expected_version=row.version)
    row.refresh_from_db()
    workflow.entry_save(user=alice, yearly_value=row, actual="8", comment="初回", expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_return(user=bob, yearly_value=row, comment="単位を確認してください")
    workflow.target_revise(user=carol, yearly_value=row, planned="7", reason="議会答弁で上方修正")

    entries = selectors_entry.value_history(values_filter=Q(pk=row.pk))
    kinds = [entry.kind for entry in entries]
    assert kinds[:4] == ["changed", "review", "review", "changed"]
    revision = entries[0]
    assert revision.user == carol and revision.reason == "議会答弁で上方修正"
    assert [(c.field, c.old, c.new) for c in revision.changes] == [("planned", "6", "7")]
    returned = entries[1]
    assert returned.event.action == ReviewAction.RETURNED and returned.reason == "単位を確認してください"
    second_save = entries[3]
    assert second_save.user == alice
    assert [(c.field, c.old, c.new) for c in second_save.changes] == [("actual", "7", "8")]
    # A status-only history row of a submit/return is shown once, as its review event.
    assert sum(1 for e in entries if e.kind == "review") == 2
    assert not any(e.kind == "changed" and [c.field for c in e.changes] == ["status"] for e in entries)
