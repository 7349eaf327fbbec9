"""Typography of a Japanese page: no half-width period after translated text, no double
period after a date, no space inside 「（ … ）」, names in messages within 「」, indicators named
with their code, and form errors naming the field by its label, not its key."""

import re
from datetime import timedelta

from django.utils import timezone

from kpis import workflow
from kpis.models import EntryRound, EntryStatus, YearlyValue


def _row(code):
    return YearlyValue.objects.get(indicator__strategy__code="sasebo-dx", indicator__code=code, fiscal_year=2024)


def test_the_overview_counts_indicators_with_a_japanese_full_stop(client, carol):
    client.force_login(carol)
    html = client.get("/dashboards/sasebo-dx/?fy=2024").content.decode()
    assert re.search(r"指標\d+件。", html) and not re.search(r"指標\d+件\.", html)
    html = client.get("/dashboards/sasebo-dx/?fy=2024&kind=kpi").content.decode()
    assert re.search(r"指標\d+件（絞り込み中）。", html)


def test_a_closed_round_has_one_period_in_english_and_no_space_in_brackets(client, carol, sasebo):
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=2024)
    entry_round.opens_at = timezone.now() - timedelta(days=3)
    entry_round.deadline = timezone.now() - timedelta(days=1)
    entry_round.save()
    carol.last_name, carol.first_name = "烏帽子", "太郎"
    carol.save()
    workflow.entry_round_close(user=carol, entry_round=entry_round, reason="年度確定")
    client.force_login(carol)
    html = client.get("/entry/sasebo-dx/2024/").content.decode()
    assert "（烏帽子 太郎）" in html
    client.cookies["django_language"] = "en"
    html = client.get("/entry/sasebo-dx/2024/").content.decode()
    assert re.search(r"Closed [^<]*\d\. All values", html) and ".." not in re.sub(r"\.\.\.|…", "", html)


def test_a_returned_row_is_named_with_its_code_in_brackets(client, alice, bob):
    row = _row("観光-KPI1")
    workflow.entry_save(user=alice, yearly_value=row, actual="5", comment="", expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    row.refresh_from_db()
    assert row.status == EntryStatus.SUBMITTED
    client.force_login(bob)
    response = client.post(f"/entry/values/{row.pk}/return/", {"comment": "根拠を添えてください"}, follow=True)
    assert "「観光-KPI1 データを活用した事業立案数」を所管課に差し戻しました" in response.content.decode()


def test_a_bad_status_filter_names_the_field_not_its_key(client, carol):
    client.force_login(carol)
    html = client.get("/entry/sasebo-dx/2024/review/?status=all").content.decode()
    alert = re.search(r'<div class="error" role="alert">(.*?)</div>', html, re.S).group(1)
    assert alert.startswith("<p>状況: ")  # the label of the status field
    assert not re.search(r"\bstatus\b", alert)
