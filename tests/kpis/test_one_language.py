"""A message follows the active language: never Japanese and English at once. Commands take
--language (default LANGUAGE_CODE); English mode labels fiscal years FY2024."""

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kpis.entry_input import EntryInputError, parse_actual
from kpis.models import YearlyValue
from kpis.services import checked_value
from plans import fiscal_years
from plans.background import UNAVAILABLE
from plans.language import fiscal_year_label, fiscal_year_short_label, shown, stored

HTMX = {"HTTP_HX_REQUEST": "true"}


def _row():
    return YearlyValue.objects.get(indicator__strategy__code="sasebo-dx", indicator__code="観光-KPI1", fiscal_year=2024)


def test_entry_input_keeps_both_and_gives_one():
    with pytest.raises(EntryInputError) as caught:
        parse_actual("abc")
    assert caught.value.message("ja").startswith("「abc」は数値として読めません")
    assert " / " not in caught.value.message("ja") and "not a number" not in caught.value.message("ja")
    assert caught.value.message("en").startswith("“abc” is not a number")
    assert "数値" not in caught.value.message("en")


@pytest.mark.parametrize(("language", "present", "absent"), [
    ("ja", "数値として読めません", "is not a number"),
    ("en", "is not a number", "数値として読めません"),
])
def test_the_entry_error_is_in_the_users_language_only(client, alice, language, present, absent):
    row = _row()
    client.force_login(alice)
    client.cookies["django_language"] = language
    response = client.post(f"/entry/values/{row.pk}/save/", {"actual": "abc", "comment": "", "version": row.version},
                           **HTMX)
    message = re.search(r'<p class="error" role="alert">([^<]*)</p>', response.content.decode()).group(1)
    assert present in message and absent not in message


def test_the_fiscal_year_label_follows_the_language():
    assert fiscal_year_label(2024, "ja") == "令和6年度 (2024年度)"
    assert fiscal_year_label(2024, "en") == "FY2024"
    assert fiscal_years.FiscalYearError("年度", "year").message("en") == "year"


def test_english_mode_shows_english_fiscal_years_in_selects(client, carol):
    client.force_login(carol)
    client.cookies["django_language"] = "en"
    html = client.get("/reports/").content.decode()
    assert ">FY2024" in html and "令和6年度 (2024年度)" not in html
    html = client.get("/dashboards/sasebo-dx/?fy=2024").content.decode()
    assert "令和6年度 (2024年度)" not in html and "FY2024" in html


@pytest.mark.parametrize(("language", "present", "absent"), [
    ("ja", "達成率", "rate"), ("en", "rate", "達成率"),
])
def test_refresh_rates_speaks_the_chosen_language(db, language, present, absent):
    out = io.StringIO()
    call_command("refresh_rates", "--check", "--language", language, stdout=out)
    assert present in out.getvalue() and absent not in out.getvalue() and " / " not in out.getvalue()


def test_commands_default_to_language_code_and_refuse_in_english_when_asked(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", str(tmp_path / "missing.xlsx"))
    assert str(caught.value).startswith("ファイルがありません")
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", str(tmp_path / "missing.xlsx"), "--language", "en")
    assert str(caught.value).startswith("No such file") and "ファイル" not in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("build_report", "--fiscal-year", "abc", "--output", str(tmp_path / "x.xlsx"), "--language", "en")
    assert str(caught.value).startswith("Cannot read fiscal year") and "読み取れません" not in str(caught.value)


def test_the_short_fiscal_year_label_follows_the_language():
    assert fiscal_year_short_label(2024, "ja") == "R6"
    assert fiscal_year_short_label(2019, "ja") == "R元"
    assert fiscal_year_short_label(2024, "en") == "FY2024"


def test_a_stored_message_is_shown_in_one_language_and_other_text_as_it_is():
    message = stored("The report could not be built: %(error)s", error=ValueError("壊れた値"))
    assert shown(message, "ja") == "帳票を作成できませんでした：壊れた値"
    assert shown(message, "en") == "The report could not be built: 壊れた値"
    assert shown(stored(UNAVAILABLE), "en") == UNAVAILABLE
    assert shown("ValueError('x')", "ja") == "ValueError('x')"  # a raw error, kept as it was
    assert shown('{"msgid": broken', "en") == '{"msgid": broken'


@pytest.mark.parametrize(("language", "said"), [
    ("ja", "有限の数値ではありません: Decimal('NaN')"), ("en", "not a finite number: Decimal('NaN')"),
])
def test_an_unreadable_value_is_refused_in_the_readers_language_only(language, said):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        checked_value(Decimal("NaN"), field="actual")
    assert refused.value.message_dict == {"actual": [said]}
