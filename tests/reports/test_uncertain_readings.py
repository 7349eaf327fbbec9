"""Uncertain readings (notes with 不確か, recorded on import or transcription) show on the
dashboard indicator page and in the report, not only in the data export."""

from django.utils import timezone

from kpis.models import Indicator
from kpis.plausibility import uncertain_lines
from reports import selectors
from reports.selectors import Scope
from tests.reports.test_workbook import indicator, open_workbook, report_bytes, section

CASHLESS = "キャッシュレス決済利用率（窓口）"  # the demo's note: values may be swapped with 財務システム


def test_only_lines_that_record_an_uncertain_reading_are_picked():
    note = "出典は令和5年版。\n出典の読み取りに不確かさあり: 値が入れ替わる可能性\nAn uncertain digit"
    assert uncertain_lines(note) == ["出典の読み取りに不確かさあり: 値が入れ替わる可能性", "An uncertain digit"]
    assert uncertain_lines("") == [] and uncertain_lines(None) == []


def test_the_policy_sheet_prints_each_uncertain_reading_as_a_footnote():
    rows = (indicator(uncertain=((None, "出典の読み取りに不確かさあり: 印字順"), (2023, "不確か: R5 の実績"))),)
    ws = open_workbook(report_bytes(sections=[section(indicators=rows)]))["01-01 観光"]
    texts = [r[0].value for r in ws.iter_rows() if r[0].value]
    assert "※ 出典の読み取りが不確かな値" in texts
    assert "※ ペーパーレス度（指標全体）: 出典の読み取りに不確かさあり: 印字順" in texts
    assert "※ ペーパーレス度（R5）: 不確か: R5 の実績" in texts


def test_a_sheet_without_uncertain_readings_has_no_such_heading():
    ws = open_workbook(report_bytes())["01-01 観光"]
    assert "※ 出典の読み取りが不確かな値" not in [r[0].value for r in ws.iter_rows()]


def test_report_sections_carry_the_notes_of_indicators_and_values(sasebo):
    cashless = Indicator.objects.get(strategy=sasebo, name=CASHLESS, project__isnull=True)
    value = cashless.values.order_by("fiscal_year").first()
    value.note = "出典の読み取りに不確かさあり: 桁の読み違いの可能性"
    value.save()
    rows = [i for s in selectors.report_sections(Scope(sasebo, 2025, as_of=timezone.localdate()))
            for i in s.indicators if i.name == CASHLESS]
    (row,) = rows
    assert row.uncertain[0][0] is None and "入れ替わる" in row.uncertain[0][1]
    assert (value.fiscal_year, "出典の読み取りに不確かさあり: 桁の読み違いの可能性") in row.uncertain


def test_the_indicator_page_lists_the_uncertain_readings(client, erin, sasebo):
    cashless = Indicator.objects.get(strategy=sasebo, name=CASHLESS, project__isnull=True)
    client.force_login(erin)
    page = client.get(f"/dashboards/{sasebo.code}/indicators/{cashless.pk}/").content.decode()
    assert "読み取りが不確かな値" in page and "指標全体" in page and "入れ替わる" in page
    english = client.get(f"/dashboards/{sasebo.code}/indicators/{cashless.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Uncertain readings" in english.content.decode()
