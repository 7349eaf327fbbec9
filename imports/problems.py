"""A problem found in an uploaded workbook: where it is, what was found, what is wrong.

Messages are stored in Japanese and English side by side (they end up in ImportRun's JSON,
read later by people of either language); the page (the `said` filter) and the command
(`text(language)`) show one of them, in the reader's language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Problem:
    code: str
    ja: str
    en: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # letter, e.g. "M"
    heading: str = ""  # the column's heading as printed
    value: str = ""  # the value found, as text
    blocking: bool = True  # False: a notice shown in the preview that does not stop the import

    def where_ja(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"シート「{self.sheet}」")
        if self.row:
            parts.append(f"{self.row}行目")
        if self.column:
            parts.append(f"{self.column}列" + (f"（{self.heading}）" if self.heading else ""))
        return " ".join(parts)

    def where_en(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" + (f" ({self.heading})" if self.heading else ""))
        return ", ".join(parts)

    def text(self, language: str = "ja") -> str:
        """One line for the command's output: where, value found, message, in `language`."""
        if language.startswith("ja"):
            where, found = self.where_ja(), f"（値: {self.value!r}）" if self.value else ""
            return f"{where + ': ' if where else ''}{self.ja}{found}"
        where, found = self.where_en(), f" (value: {self.value!r})" if self.value else ""
        return f"{where + ': ' if where else ''}{self.en}{found}"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**data)


@dataclass
class Problems:
    """Collects problems; a cap keeps a file with thousands of bad cells readable."""

    items: list[Problem] = field(default_factory=list)
    limit: int = 500
    dropped: int = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)
        else:
            self.dropped += 1

    @property
    def blocking(self) -> bool:
        return self.dropped > 0 or any(p.blocking for p in self.items)

    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.blocking]

    def notices(self) -> list[Problem]:
        return [p for p in self.items if not p.blocking]


class ImportRefused(Exception):
    """The workbook cannot be imported; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems
