"""What the built report prints on the demo data: revisions with their footnote, baselines
with their fiscal year, the plan's own texts, the cover's derived dates; the data export's
revision sheet."""

import datetime
import io

import pytest
from django.utils import timezone

from imports.export_contract import REVISION_HEADINGS
from kpis import services
from kpis.models import Indicator, TargetRevision, YearlyValue
from plans.models import Strategy
from reports import selectors
from reports.selectors import Scope
from reports.workbook import build_data_xlsx, build_report
from tests.reports.conftest import open_workbook
from tests.reports.test_selectors import display, find

pytestmark = pytest.mark.django_db
ROUTE = "観光ルートのアクセス数/利用者数"
REASON = "R7の予定値はプロジェクト一覧の36,000の誤記のため修正"


def built(strategy, fiscal_year, as_of=None):
    as_of = as_of or timezone.localdate()
    scope = Scope(strategy, fiscal_year, as_of=as_of)
    meta = selectors.report_meta(scope, as_of=as_of)
    out = io.BytesIO()
    build_report(out, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                 grades=selectors.report_grades(scope))
    return open_workbook(out.getvalue())


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def revise_route(sasebo, carol):
    value = YearlyValue.objects.get(indicator__strategy=sasebo, indicator__name=ROUTE, fiscal_year=2025)
    return services.yearly_value_revise_plan(yearly_value=value, planned="36000", reason=REASON, user=carol)


def test_a_revised_target_prints_its_revision_with_a_footnote(sasebo, carol):
    revise_route(sasebo, carol)
    row = find(selectors.report_sections(Scope(sasebo, 2025))[0].indicators, name=ROUTE)
    assert display(row.planned)[4] == "36,000"
    (revision,) = row.revisions
    assert (revision.fiscal_year, revision.old.display(), revision.new.display()) == (2025, "176,000", "36,000")

    ws = built(sasebo, 2025)["01-01 観光"]
    marked = [c for row in ws.iter_rows() for c in row if c.value == 36000]
    assert marked and marked[0].number_format.endswith('"※"')
    today = timezone.localdate()
    note = f"※ {ROUTE}: R7の予定を 176,000 から 36,000 に修正（{today.year}年{today.month}月{today.day}日、理由: {REASON}）"
    assert note in texts(ws)


def test_a_revision_after_the_as_of_date_is_not_in_force_yet(sasebo, carol):
    revision = revise_route(sasebo, carol)
    later = timezone.now() + datetime.timedelta(days=3)
    TargetRevision.objects.filter(pk=revision.pk).update(revised_at=later)
    row = find(selectors.report_sections(Scope(sasebo, 2025, as_of=timezone.localdate()))[0].indicators,
               name=ROUTE)
    assert display(row.planned)[4] == "176,000" and row.revisions == ()


@pytest.mark.parametrize(("baseline_year", "label"), [(2020, "R2"), (2019, "R元"), (2018, "H30")])
def test_baselines_print_with_their_fiscal_year(baseline_year, label):
    strategy = Strategy.objects.get(code="nagasaki-h")
    Indicator.objects.filter(strategy=strategy, name="市政情報の発信に満足している市民の割合").update(
        baseline_fiscal_year=baseline_year)
    ws = built(strategy, 2025)["H1 市民との良好なコミュニケーションを図ります"[:31]]
    assert f"市政情報の発信に満足している市民の割合（%）\n基準値 68.9 % ({label})" in texts(ws)


def test_nagasaki_h_prints_its_mezasu_sugata_and_analysis():
    strategy = Strategy.objects.get(code="nagasaki-h")
    workbook = built(strategy, 2025)
    policy = texts(workbook["H1 市民との良好なコミュニケーションを図ります"[:31]])
    assert "めざす姿" in policy
    assert "対象: 市民が\n意図: さまざまな情報を共有することで、市政への関心を高め、信頼関係を築いている。" in policy
    measure_target = next(t for t in policy if t.startswith("【めざす姿】\n対象: 市民が\n意図: いつでも、どこでも"))
    assert measure_target
    assert "うまくいっていること／強み／チャンス" in policy and "取組方針" in policy and "関連する計画等" in policy
    assert any(t.startswith("[うまくいっていること] 市の情報発信に満足している市民の割合は約70%") for t in policy)


def test_nagasaki_dx_prints_the_state_aimed_at_in_three_years():
    strategy = Strategy.objects.get(code="nagasaki-dx")
    section = selectors.report_sections(Scope(strategy, 2024))[0]
    measure = section.measures[0]
    assert measure.target_image.startswith("【3年後の目指す状態】\n")
    assert [heading for heading, _ in measure.texts] == ["現状（課題）", "取組内容"]


def test_sasebo_prints_its_target_image_as_it_is(sasebo):
    measure = selectors.report_sections(Scope(sasebo, 2025))[0].measures[0]
    assert measure.target_image and not measure.target_image.startswith("【") and measure.texts == ()


@pytest.mark.parametrize(("fiscal_year", "as_of", "plan", "actuals"), [
    (2024, datetime.date(2026, 5, 1), datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)),
    (2025, datetime.date(2025, 11, 1), datetime.date(2025, 4, 1), datetime.date(2025, 11, 1)),
])
def test_cover_dates_follow_the_fiscal_year_and_the_as_of_date(sasebo, fiscal_year, as_of, plan, actuals):
    meta = selectors.report_meta(Scope(sasebo, fiscal_year, as_of=as_of), as_of=as_of)
    assert (meta.plan_as_of, meta.actuals_as_of) == (plan, actuals)
    rows = {r[0].value: r[1].value for r in built(sasebo, fiscal_year, as_of)["表紙・概要"].iter_rows()
            if r[0].value in ("作成基準日", "計画の時点", "実績の時点")}
    assert rows == {"作成基準日": datetime.datetime.combine(as_of, datetime.time()),
                    "計画の時点": datetime.datetime.combine(plan, datetime.time()),
                    "実績の時点": datetime.datetime.combine(actuals, datetime.time())}


def test_the_data_export_carries_the_revision_history_as_its_own_sheet(sasebo, carol):
    revise_route(sasebo, carol)
    scope = Scope(sasebo, 2025)
    out = io.BytesIO()
    build_data_xlsx(out, selectors.data_strategy(scope, as_of=timezone.localdate()), selectors.data_rows(scope),
                    timezone.localdate(), revisions=selectors.data_revisions(scope))
    ws = open_workbook(out.getvalue())["目標値の修正"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert tuple(rows[0]) == REVISION_HEADINGS
    (row,) = rows[1:]
    assert row[2:8] == [2025, "令和7年度", "176000", "36000", REASON, row[7]]
    assert row[8] == "carol" and row[7].startswith(timezone.localdate().isoformat())


def test_revision_sheet_costs_one_query_at_two_sizes(sasebo, carol, django_assert_num_queries):
    def read():
        # revisions joined with their value, indicator and user (one streamed cursor)
        with django_assert_num_queries(1):
            return len(list(selectors.data_revisions(Scope(sasebo, 2025))))

    revise_route(sasebo, carol)
    assert read() == 1
    for value in YearlyValue.objects.filter(indicator__strategy=sasebo, planned_state="number")[:10]:
        services.yearly_value_revise_plan(yearly_value=value, planned=str(value.planned.number + 1), reason="再計算",
                                          user=carol)
    assert read() == 11


def test_every_sheet_of_the_draft_says_an(sasebo):
    as_of = timezone.localdate()
    scope = Scope(sasebo, 2025, as_of=as_of, draft=True)
    meta = selectors.report_meta(scope, as_of=as_of)
    out = io.BytesIO()
    build_report(out, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                 grades=selectors.report_grades(scope))
    workbook = open_workbook(out.getvalue())
    for ws in workbook.worksheets[:-1]:  # the hidden chart data is not printed
        assert any(t.startswith("【案】") for t in texts(ws)), ws.title
    assert any(t.startswith("案（確認用") for t in texts(workbook["表紙・概要"]))
    final = built(sasebo, 2025)
    assert not any("【案】" in t for ws in final.worksheets for t in texts(ws))
    assert any(t.startswith("確定版") for t in texts(final["表紙・概要"]))
