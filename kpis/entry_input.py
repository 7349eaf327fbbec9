"""What a department clerk may type as an actual value, normalised.

Clerks paste from Excel and type on Japanese IMEs, so full-width digits and
punctuation (１２，３４５ / ５．５％), thousands separators, a trailing % and
surrounding spaces are accepted. 「－」 and 「…」 are states, not text. Anything
else is refused with a reason, never stored as text. The reason is kept in Japanese and
English; the caller shows the one of the reader's language (`message(language)`).
Plain Python, no Django.
"""

import unicodedata

from kpis.values import limit_exceeded
from plans.achievement import EMPTY, NOT_APPLICABLE, NOT_SET, NUMBER, Value


class EntryInputError(ValueError):
    """The typed text is not a value; `ja` and `en` say why, `message(language)` picks one."""

    def __init__(self, ja: str, en: str):
        super().__init__(ja)
        self.ja, self.en = ja, en

    def message(self, language: str | None) -> str:
        """The reason in the reader's language (Japanese unless it is another one)."""
        return self.ja if not language or language.startswith("ja") else self.en


_ALLOWED_STATES = {NUMBER, NOT_APPLICABLE, NOT_SET, EMPTY}


def parse_actual(text: str | None) -> Value:
    """Read what was typed into an actual-value cell; empty text means no value."""
    raw = "" if text is None else str(text)
    folded = unicodedata.normalize("NFKC", raw).strip()
    if folded.endswith("%"):
        folded = folded[:-1].rstrip()
        if not folded:
            raise EntryInputError("「%」だけでは値になりません。数値を入力してください。", "A lone % is not a value; enter a number.")
    value = Value.of(folded)
    if value.state not in _ALLOWED_STATES:
        raise EntryInputError(
            f"「{raw.strip()}」は数値として読めません。数値、「－」（該当なし）または「…」（未確定）を入力してください。",
            f"“{raw.strip()}” is not a number; enter a number, 「－」 (not applicable) or 「…」 (not yet known).",
        )
    return _fitting(value)


def parse_planned(text: str | None) -> Value:
    """Read a revised planned value: like an actual, but text such as 実施済 is allowed."""
    return _fitting(Value.of("" if text is None else str(text)))


def _fitting(value: Value) -> Value:
    # Beyond the columns' limits a number would be rounded silently or refused by the
    # database, so it is refused here with the reason.
    problem = limit_exceeded(value)
    if problem is not None:
        raise EntryInputError(problem.ja, problem.en)
    return value
