"""What an owner may type as a text of the round (年度の目標, 事業総括 …), normalised in one place.

Clerks paste from Excel and Word: Windows line ends (CRLF) and old Mac ones (CR) become LF,
tabs become one space, spaces at the end of each line (ordinary and full-width 「　」) go,
and empty lines at the start and end go. Line breaks inside the text are kept, and so is
a full-width space at the start of a line (the indent of a Japanese paragraph). A text has
at most TEXT_MAX_LENGTH characters after normalisation. Plain Python, no Django.
"""

TEXT_MAX_LENGTH = 2000
_TRAILING = " \u3000"


def normalise_text(raw: str | None) -> str:
    text = "" if raw is None else str(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines = [line.rstrip(_TRAILING) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def too_long(text: str) -> bool:
    return len(text) > TEXT_MAX_LENGTH
