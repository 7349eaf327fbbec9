"""Which language a message is said in: the active one (the request's, or a command's
--language / LANGUAGE_CODE). Messages kept in both languages side by side (an import
problem, a value beyond its columns' limits, a typed value that is not a number) are shown
in one of them through `said`, never both at once."""

from __future__ import annotations

import contextlib
import json

from django.conf import settings
from django.utils import translation

from plans import fiscal_years


def is_japanese(language: str | None = None) -> bool:
    """Japanese unless the active (or given) language is another one."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return language.startswith("ja")


def said(ja: str, en: str, language: str | None = None) -> str:
    """`ja` or `en`, whichever the active (or given) language reads."""
    return ja if is_japanese(language) else en


# A message kept on a row (a report job's, an import run's) and read later by anyone, in
# their language: its English msgid and parameters as JSON, translated when shown (`shown`).
_STORED_PREFIX = '{"msgid": '


def stored(msgid: str, **params) -> str:
    """`msgid` (marked with gettext_noop) and its %(name)s parameters, as stored on a row.
    Numbers stay numbers; anything else (an exception) is kept as its text."""
    kept = {name: value if isinstance(value, int | float) else str(value) for name, value in params.items()}
    return json.dumps({"msgid": msgid, "params": kept}, ensure_ascii=False)


def shown(text: str, language: str | None = None) -> str:
    """A row's message in the active (or given) language: a `stored` message translated and
    filled in; any other text (a raw error, a message from before) as it is."""
    if not text.startswith(_STORED_PREFIX):
        return text
    try:
        message = json.loads(text)
        msgid, params = message["msgid"], message.get("params") or {}
    except (ValueError, KeyError, TypeError):
        return text
    with translation.override(language) if language else contextlib.nullcontext():
        translated = translation.gettext(msgid)
    return translated % params if params else translated


def add_language_option(parser) -> None:
    """--language for a management command (default: LANGUAGE_CODE)."""
    parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                        default=settings.LANGUAGE_CODE,
                        help="language of the messages (default: LANGUAGE_CODE, %(default)s)")


def fiscal_year_label(fiscal_year: int, language: str | None = None) -> str:
    """The one language-aware fiscal-year label: 令和7年度 (2025年度) in Japanese, FY2025 in
    English (plans.fiscal_years writes both forms; this picks one). The `fiscal_year` template
    filter, select boxes, banners and messages call it."""
    if is_japanese(language):
        return fiscal_years.display_label(fiscal_year)
    return fiscal_years.english_label(fiscal_year)


def fiscal_year_short_label(fiscal_year: int, language: str | None = None) -> str:
    """The label of a tight column header or grid cell: R7 in Japanese (the plans' own
    abbreviation), FY2025 in English (an English reader cannot be expected to know the era
    letters). The full label goes in the <abbr> title."""
    if is_japanese(language):
        return fiscal_years.short_label(fiscal_year)
    return fiscal_years.english_label(fiscal_year)


def fiscal_year_choices(first: int, last: int) -> list[tuple[int, str]]:
    """(fiscal_year, label) pairs for a select box, oldest first, in the active language."""
    return [(fy, fiscal_year_label(fy)) for fy in fiscal_years.fiscal_years_between(first, last)]
