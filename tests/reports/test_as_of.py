"""The report prints the truth as of its date, on the demo data: approved figures only,
「未確定」 for the others, the approved version of a row changed after the date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import EntryStatus, Indicator, YearlyValue
from plans import achievement
from reports import selectors
from reports.selectors import Scope
from tests.reports.test_selectors import display, find

ROUTE = "観光ルートのアクセス数/利用者数"
JAN, FEB = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)
pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def route_value(sasebo, fiscal_year: int) -> YearlyValue:
    return YearlyValue.objects.get(indicator__strategy=sasebo, indicator__name=ROUTE, fiscal_year=fiscal_year)


def write(value: YearlyValue, *, status: str, actual=None, comment=None, when: datetime.datetime | None = None):
    """Save the row as the round's services do (a history row each time), dated `when`."""
    if actual is not None:
        value.actual_state, value.actual_number, value.actual_places = achievement.NUMBER, Decimal(actual), 0
    if comment is not None:
        value.comment = comment
    value.status = status
    value.version += 1
    value.save()
    if when is not None:
        YearlyValue.objects.filter(pk=value.pk).update(updated_at=when)
        value.history.filter(history_id=value.history.latest().history_id).update(history_date=when)
    return value


def route(sasebo, fiscal_year=2025, as_of=None):
    tourism = selectors.report_sections(Scope(sasebo, fiscal_year, as_of=as_of))[0]
    return find(tourism.indicators, name=ROUTE)


def test_an_approved_figure_prints_with_its_comment(sasebo):
    row = route(sasebo, as_of=timezone.localdate())
    assert display(row.actual)[:3] == ["55,584", "151,246", "160,116"]
    assert row.comment.startswith("コロナの影響により減少していた")


def test_a_draft_prints_pending_and_is_not_graded(sasebo):
    write(route_value(sasebo, 2024), status=EntryStatus.DRAFT, actual=170000, comment="下書きのコメント")
    row = route(sasebo)
    assert display(row.actual)[3] == "未確定"
    assert row.evaluated_year == 2023  # graded by the latest approved actual, not the draft
    assert "下書き" not in row.comment


def test_a_returned_figure_never_prints(sasebo):
    value = write(route_value(sasebo, 2024), status=EntryStatus.APPROVED, actual=170000, comment="承認済み",
                  when=at(JAN, 9))
    write(value, status=EntryStatus.RETURNED, comment="差戻し", when=at(JAN, 15))
    row = route(sasebo, as_of=JAN)
    assert display(row.actual)[3] == "未確定"
    assert "170,000" not in display(row.actual)
    assert row.comment not in ("承認済み", "差戻し")


def test_an_approval_returned_after_the_date_prints_as_approved_on_that_date(sasebo):
    value = write(route_value(sasebo, 2024), status=EntryStatus.APPROVED, actual=170000, comment="R6は回復",
                  when=at(JAN))
    write(value, status=EntryStatus.RETURNED, comment="差戻し", when=at(FEB))
    on_jan = route(sasebo, as_of=JAN)
    assert display(on_jan.actual)[3] == "170,000"
    assert on_jan.comment == "R6は回復" and on_jan.evaluated_year == 2024 and on_jan.grade == "A"
    assert display(route(sasebo, as_of=FEB).actual)[3] == "未確定"


def test_a_figure_re_entered_after_the_date_prints_its_approved_version(sasebo):
    value = write(route_value(sasebo, 2024), status=EntryStatus.APPROVED, actual=170000, when=at(JAN))
    write(value, status=EntryStatus.DRAFT, actual=20000, when=at(FEB))
    assert display(route(sasebo, as_of=JAN).actual)[3] == "170,000"
    assert display(route(sasebo, as_of=FEB).actual)[3] == "未確定"
    assert display(route(sasebo).actual)[3] == "未確定"  # now: still a draft


def test_a_figure_approved_after_the_date_is_pending_on_that_date(sasebo):
    write(route_value(sasebo, 2024), status=EntryStatus.APPROVED, actual=170000, when=at(FEB))
    assert display(route(sasebo, as_of=JAN).actual)[3] == "未確定"
    assert display(route(sasebo, as_of=FEB).actual)[3] == "170,000"


def test_project_list_prints_activity_actuals_as_of_the_date(sasebo):
    value = YearlyValue.objects.get(indicator__project__code="観光2-1-4", indicator__kind="activity",
                                    fiscal_year=2024)
    write(value, status=EntryStatus.APPROVED, actual=41000, when=at(JAN))
    write(value, status=EntryStatus.RETURNED, when=at(FEB))

    def actuals(as_of):
        scope = Scope(sasebo, 2025, as_of=as_of)
        rows = selectors.report_project_rows(scope, selectors.report_meta(scope, as_of=as_of))
        return display(find(rows, code="観光2-1-4").actual)

    assert actuals(JAN)[3] == "41,000"
    assert actuals(FEB)[3] == "未確定"


def test_no_value_ever_entered_stays_empty(sasebo):
    assert display(route(sasebo).actual)[4:] == ["", "", ""]  # R7–R9: nothing entered, nothing pending


def test_demo_has_history_for_every_entered_value(sasebo):
    """The as-of rule reads the history: the demo loader writes one row per value it loads
    (the entry round's empty rows are bulk-made without one; they print empty)."""
    entered = YearlyValue.objects.filter(indicator__strategy=sasebo).exclude(actual_state=achievement.EMPTY)
    assert entered.count() > 100
    assert YearlyValue.history.filter(id__in=entered.values("pk")).values("id").distinct().count() == entered.count()


def test_outcome_indicator_values_of_nagasaki_h_are_read_too():
    from plans.models import Strategy

    strategy = Strategy.objects.get(code="nagasaki-h")
    sections = selectors.report_sections(Scope(strategy, 2025, as_of=timezone.localdate()))
    indicator = find(sections[0].indicators, name="市政情報の発信に満足している市民の割合")
    assert display(indicator.planned)[-1] == "75.0"
    assert Indicator.objects.filter(strategy=strategy).count() == sum(len(s.indicators) for s in sections)


def test_the_draft_for_checking_prints_the_latest_entered_values(sasebo):
    value = write(route_value(sasebo, 2024), status=EntryStatus.APPROVED, actual=170000, when=at(JAN))
    write(value, status=EntryStatus.RETURNED, comment="差戻し", when=at(FEB))
    write(value, status=EntryStatus.DRAFT, actual=20000, comment="再入力", when=at(FEB, 15))

    def draft(as_of):
        tourism = selectors.report_sections(Scope(sasebo, 2025, as_of=as_of, draft=True))[0]
        return find(tourism.indicators, name=ROUTE)

    assert display(draft(FEB).actual)[3] == "20,000" and draft(FEB).comment == "再入力"
    assert display(draft(JAN).actual)[3] == "170,000"  # the version in force at the end of that day
    assert display(draft(datetime.date(2026, 1, 1)).actual)[3] == ""  # made later: nothing to print yet
    assert display(route(sasebo, as_of=FEB).actual)[3] == "未確定"  # the final report of the same date
