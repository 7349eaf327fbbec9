"""What the readers hand to the planner: the plan as the workbook states it.

Readers (sasebo_projects, kpi_sheet, data_export) turn rows into these records and know
nothing of the database; the planner (plan.py) matches them to stored objects. A field
left as None is one the workbook has no column for, so the stored value is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plans import achievement


@dataclass(frozen=True)
class Where:
    sheet: str
    row: int


@dataclass(frozen=True)
class NodeRef:
    """A basic policy or measure as a row names it: by code, by title, or both."""

    code: str = ""
    title: str = ""

    @property
    def printed(self) -> str:
        return " ".join(part for part in (self.code, self.title) if part)


@dataclass(frozen=True)
class StepRef:
    code: str = ""
    title: str = ""
    order: int | None = None  # the data export gives it; the project list does not

    @property
    def printed(self) -> str:
        return " ".join(part for part in (self.code, self.title) if part)


@dataclass(frozen=True)
class CategoryRef:
    vocabulary_code: str  # "field" (分野) or "category" (分類), as load_demo names them
    vocabulary_name: str
    name: str

    @property
    def printed(self) -> str:
        return f"{self.vocabulary_name}: {self.name}"


@dataclass
class StrategyRecord:
    """Strategy fields the workbook gives (the 計画 sheet), or the header implies."""

    values: dict = field(default_factory=dict)  # model field → value, applied to a stored strategy too
    defaults: dict = field(default_factory=dict)  # used only when the strategy is created
    municipality_code: str = ""
    municipality_name: str = ""


@dataclass
class ProjectRecord:
    where: Where
    order: int
    fields: dict  # code, name, summary, leading … (only those the workbook has)
    policy: NodeRef | None = None
    measure: NodeRef | None = None
    step: StepRef | None = None
    lead_department: str | None = None  # printed name; None = no column, "" = none
    categories: tuple[CategoryRef, ...] | None = None
    phases: dict[int, str] | None = None  # fiscal year → Phase
    has_tree: bool = True  # False: the workbook has no tree columns, keep the stored placement

    def signature(self) -> int:
        """Equal for two rows that state the same project (the data export repeats it)."""
        return hash((tuple(sorted(self.fields.items())), self.policy, self.measure, self.step, self.lead_department,
                     self.categories, tuple(sorted((self.phases or {}).items())) if self.phases is not None else None))


@dataclass
class ValueRecord:
    where: Where
    planned: achievement.Value | None = None  # None: blank cell, the stored value is kept
    actual: achievement.Value | None = None
    comment: str | None = None
    note: str | None = None
    status: str | None = None  # only for a row the import creates: a stored row's status is the workflow's
    # The stored row's version the file was made from (dxplan's data export); None for workbooks that are
    # not an export (plan documents), whose values are not checked for changes made since.
    version: int | None = None


@dataclass
class IndicatorRecord:
    where: Where
    code: str
    kind: str
    fields: dict  # name, unit, order, direction, formula … (only those the workbook has)
    project_order: int | None = None  # owner: a project …
    policy: NodeRef | None = None  # … or a measure (policy + measure) or a basic policy
    measure: NodeRef | None = None
    responsible_department: str | None = None
    values: dict[int, ValueRecord] = field(default_factory=dict)
    percent: bool = False  # some value carried a % sign or format


@dataclass
class Item:
    """One unit the planner processes: a project row, a KPI row, or an indicator's rows."""

    project: ProjectRecord | None = None
    indicator: IndicatorRecord | None = None

