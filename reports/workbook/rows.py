"""The plain rows the workbook builders take: no Django, no database.

Values are `plans.achievement.Value` (a number with the decimals as entered, 「－」,
「…」, text or empty); every tuple of values has one item per `ReportMeta.fiscal_years`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from plans.achievement import GradeBand, Value


@dataclass(frozen=True)
class ReportMeta:
    municipality: str
    strategy_title: str
    fiscal_year: int
    as_of: datetime.date
    plan_as_of: datetime.date | None
    actuals_as_of: datetime.date | None
    fiscal_years: tuple[int, ...]  # value columns, e.g. R3..R9
    phase_years: tuple[int, ...]  # phase columns of the project list, e.g. R4..R9
    bands: tuple[GradeBand, ...]
    label_basic_policy: str
    label_measure: str
    label_step: str
    label_project: str
    vocabularies: tuple[str, ...] = ()  # category vocabularies, one project-list column each (分野, 分類)
    scope: str = ""  # "" for the whole plan, else what the report is limited to
    draft: bool = False  # the draft for checking: every page's title says 案
    # The project list has a column of the fiscal year's 事業総括, entered in the round (kpis.RoundText).
    project_summaries: bool = False


# The plan's own texts as (heading, text) pairs, in the order they print (labels.PLAN_TEXTS).
PlanTexts = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MeasureRow:
    code: str
    title: str
    target_image: str = ""  # 到達像, or else めざす姿 or 3年後の目指す状態 with its heading
    goal: str = ""
    texts: PlanTexts = ()  # the other texts of the plan (現状, 取組内容, 強み, …)


@dataclass(frozen=True)
class Revision:
    """A target revision in force at the report's as-of date, printed as a footnote."""

    fiscal_year: int
    old: Value
    new: Value
    reason: str
    revised_on: datetime.date


@dataclass(frozen=True)
class IndicatorRow:
    owner: str  # the measure (or basic policy) it measures, as printed
    name: str
    unit: str
    planned: tuple[Value, ...]
    actual: tuple[Value, ...]
    formula: str = ""
    comment: str = ""
    rate: Decimal | None = None  # percent units, Decimal("95.0")
    grade: str = "－"
    evaluated_year: int | None = None
    baseline: Value | None = None
    baseline_year: int | None = None
    revisions: tuple[Revision, ...] = ()  # in force at the as-of date, oldest first
    uncertain: tuple[tuple[int | None, str], ...] = ()  # (fiscal year or None for the indicator, note line)
    code: str = ""  # the indicator's own code (open data)
    path: tuple[str, ...] = ()  # codes of the basic policy and measure it measures (open data)
    direction: str = ""  # kpis.models.Direction value
    target: Value | None = None  # the indicator's own final target, when it has one
    target_year: int | None = None


@dataclass(frozen=True)
class StepRow:
    owner: str
    code: str
    title: str
    statuses: tuple[str, ...]  # StepStatus value or "" per fiscal year


@dataclass(frozen=True)
class PolicySection:
    code: str
    title: str
    short_name: str = ""
    goal: str = ""
    summary: str = ""
    texts: PlanTexts = ()  # the basic policy's own texts (めざす姿 …)
    measures: tuple[MeasureRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    steps: tuple[StepRow, ...] = ()


@dataclass(frozen=True)
class ProjectRow:
    categories: tuple[str, ...]  # one text per ReportMeta.vocabularies
    department: str
    basic_policy: str
    measure: str
    step: str
    code: str
    name: str
    summary: str
    leading: bool
    indicator: str  # activity indicator name ("" when the project has none)
    unit: str
    planned: tuple[Value, ...]
    actual: tuple[Value, ...]
    phases: tuple[str, ...] = field(default=())  # mark (○ ⇒ …) or "" per ReportMeta.phase_years
    continued: bool = False  # a further activity indicator of the project above
    year_summary: str = ""  # the fiscal year's 事業総括 as of the report's date, 「未確定」, or ""


@dataclass(frozen=True)
class PolicyGrades:
    """The cover's grade counts of one basic policy (reports.selectors.grades)."""

    code: str
    name: str
    counts: dict[str, int]  # grade → count: every grade of the bands, 「－」, then 「未確定」
