"""The Sasebo-style project list: one row per project with its activity indicator.

Layout of the seed's 活動指標 table (fixtures/sasebo/README.md): 分野, 分類, 主体部局,
DX重点課題, 課題, ステップ, プロジェクト (PID, 名称, 概要), リーディング, 活動指標 (項目,
R3, R3実績 … R9, R9実績), 工程 (R4 … R9 marks ○ 構築, ⇒ 運用, … 検討). Optional columns:
番号 under DX重点課題 / 課題 / ステップ (codes; without them codes are numbered in order
of appearance), No (the project's row number; else its position), 単位, 指標コード.

Projects are matched by their row number (PIDs repeat in Sasebo's list), activity
indicators by their code, P001-A1 … as load_demo writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from imports import values
from imports.cells import RowReader, is_blank_row
from imports.headers import ACTUAL, PHASE, PLANNED, Header, Spec
from imports.problems import Problems
from imports.records import CategoryRef, IndicatorRecord, Item, NodeRef, ProjectRecord, StepRef, ValueRecord
from kpis.models import IndicatorKind
from plans import achievement
from projects.models import Phase

_CODE = {"番号": "code", "コード": "code", "NO": "code", "NO.": "code"}


def _level(prefix: str) -> dict[str, str]:
    return {"名称": f"{prefix}_title", **{k: f"{prefix}_{v}" for k, v in _CODE.items()}}


_DEPARTMENT = {name: "lead_department" for name in
               ("主体部局", "担当部局", "所管部局", "主管部局", "所管課", "担当課", "主管課", "所管", "担当部署")}
_POLICY_GROUPS = ("DX重点課題", "重点課題", "基本方針")
_MEASURE_GROUPS = ("課題", "施策")

SPEC = Spec(
    key="project_list",
    ja="事業一覧（佐世保市の活動指標表の形式）",
    en="project list (the Sasebo layout)",
    plain={
        "分野": "field", "分類": "category", **_DEPARTMENT,
        **{name: "policy_title" for name in _POLICY_GROUPS},
        **{name: "measure_title" for name in _MEASURE_GROUPS},
        "ステップ": "step_title",
        "PID": "pid", "プロジェクトID": "pid", "事業番号": "pid", "事業コード": "pid",
        "名称": "name", "プロジェクト名": "name", "事業名": "name", "プロジェクト": "name", "事業": "name",
        "概要": "summary", "事業概要": "summary", "プロジェクト概要": "summary",
        "リーディング": "leading", "リーディングプロジェクト": "leading",
        "項目": "indicator_name", "活動指標": "indicator_name", "活動指標名": "indicator_name",
        "単位": "unit", "指標コード": "indicator_code",
        "NO": "order", "NO.": "order", "通番": "order", "行番号": "order",
    },
    grouped={
        **{name: _level("policy") for name in _POLICY_GROUPS},
        **{name: _level("measure") for name in _MEASURE_GROUPS},
        "ステップ": _level("step"),
        "プロジェクト": {"PID": "pid", "名称": "name", "概要": "summary", "NO": "order", "番号": "pid"},
        "事業": {"PID": "pid", "名称": "name", "概要": "summary", "NO": "order", "番号": "pid"},
        "活動指標": {"項目": "indicator_name", "名称": "indicator_name", "指標名": "indicator_name",
                  "単位": "unit", "コード": "indicator_code"},
    },
    required=("name",),
    expected_ja="名称（またはプロジェクト名・事業名）と年度の列（R7、R7実績、令和7年度、2025、2025年度 など）。"
                "ほかに 分野、分類、主体部局、DX重点課題、課題、ステップ、PID、概要、リーディング、項目（活動指標）、工程の年度",
    expected_en="名称 (or プロジェクト名 / 事業名) and fiscal-year columns (R7, R7実績, 令和7年度, 2025, 2025年度 …); "
                "optionally 分野, 分類, 主体部局, DX重点課題, 課題, ステップ, PID, 概要, リーディング, 項目, phase years",
    phases=True,
)

PHASE_MARKS = {
    "○": Phase.BUILD, "◯": Phase.BUILD, "〇": Phase.BUILD, "O": Phase.BUILD,
    "⇒": Phase.OPERATE, "→": Phase.OPERATE, "=>": Phase.OPERATE, "➡": Phase.OPERATE, "⇨": Phase.OPERATE,
    "…": Phase.CONSIDER, "...": Phase.CONSIDER, "・・・": Phase.CONSIDER, "‥": Phase.CONSIDER, "..": Phase.CONSIDER,
    # The words, as people type them instead of the marks.
    "構築": Phase.BUILD, "運用": Phase.OPERATE, "検討": Phase.CONSIDER,
}
# Level names of a new strategy, from the group headings the sheet uses.
LABELS = {"label_basic_policy": _POLICY_GROUPS, "label_measure": _MEASURE_GROUPS, "label_step": ("ステップ",),
          "label_project": ("プロジェクト", "事業")}


def strategy_labels(header: Header) -> dict:
    found = {}
    headings = [values.key_text(c.heading.split(" / ")[0]) for c in header.columns]
    for label, names in LABELS.items():
        match = next((name for name in names if name in headings), None)
        if match:
            found[label] = match
    return found


@lru_cache(maxsize=256, typed=True)  # a handful of marks, on every row
def _phase(raw) -> str | None:
    text = values.read_text(raw)
    if not text:
        return None
    mark = PHASE_MARKS.get(values.key_text(text).upper()) or PHASE_MARKS.get(text.strip())
    if mark is None:
        raise values.CellError(
            "not_a_phase", "工程は ○ または「構築」、⇒ または「運用」、… または「検討」のいずれかで入力してください。",
            "Phases are ○ or 構築 (build), ⇒ or 運用 (operate), … or 検討 (consider).",
        )
    return mark


_CODE_LIKE = re.compile(r"[0-9A-Za-z]{1,4}(?:[-‐][0-9A-Za-z]{1,4})*")


def node(row: RowReader, prefix: str, kind=NodeRef):
    """A tree level from its code and title columns; a lone short code-like cell (1, 2-b-1) is a code."""
    code = row.read(f"{prefix}_code", default="")
    title = row.read(f"{prefix}_title", default="")
    if title and not code and not row.has(f"{prefix}_code") and _CODE_LIKE.fullmatch(values.key_text(title)):
        code, title = values.key_text(title), ""
    return kind(code=code, title=title) if (code or title) else None


def read(sheet, header: Header, rows: Iterator[tuple[int, list]], problems: Problems) -> Iterator[Item]:
    position = 0
    for number, cells in rows:
        if is_blank_row(cells):
            continue
        row = RowReader(header, problems, number, cells)
        name, pid = row.read("name", default=""), row.read("pid", default="")
        if not (name or pid):
            row.problem("no_name", "名称も PID もない行のため読み飛ばしました。", "Skipped: the row has neither a name nor a PID.",
                        blocking=False)
            continue
        position += 1
        item = _item(row, position, name, pid)
        if not row.failed:
            yield item


def _item(row: RowReader, position: int, name: str, pid: str) -> Item:
    order = row.read("order", values.read_int, default=None) or position
    fields = {"code": pid, "name": name}
    if row.has("summary"):
        fields["summary"] = row.read("summary", default="")
    if row.has("leading"):
        fields["leading"] = row.read("leading", values.read_flag, default=False)
    if not name:
        row.problem("name_missing", "名称が空欄です。", "The name is blank.", column=row.header.by_field["name"], raw=None)
    categories = None
    if row.has("field") or row.has("category"):
        categories = tuple(
            CategoryRef(code, label, text) for code, label, text in (
                ("field", "分野", row.read("field", default="")),
                ("category", "分類", row.read("category", default="")),
            ) if text
        )
    policy, measure, step = node(row, "policy"), node(row, "measure"), node(row, "step", StepRef)
    if (measure and not policy) or (step and not measure):
        row.problem("parent_missing", "上位の階層（重点課題・課題）が空欄です。", "A higher level of the tree is blank.")
    project = ProjectRecord(
        where=row.where, order=order, fields=fields, policy=policy, measure=measure, step=step,
        lead_department=row.read("lead_department", default="") if row.has("lead_department") else None,
        categories=categories,
        phases=_phases(row),
        has_tree=any(row.has(f"{level}_{part}") for level in ("policy", "measure", "step") for part in ("code", "title")),
    )
    return Item(project=project, indicator=_indicator(row, order, project))


def _phases(row: RowReader) -> dict[int, str] | None:
    columns = [c for c in row.header.years if c.side == PHASE]
    if not columns:
        return None
    phases = {}
    for column in columns:
        mark = row.read_column(column, _phase)
        if mark:
            phases[column.fiscal_year] = mark
    return phases


def _indicator(row: RowReader, order: int, project: ProjectRecord) -> IndicatorRecord | None:
    printed = row.read("indicator_name", default="")
    series, percent = {}, False
    for column in row.header.years:
        if column.side not in (PLANNED, ACTUAL):
            continue
        result = row.read_column(column, values.read_value)
        if result is None:
            continue
        value, is_percent = result
        percent = percent or is_percent
        if value.state == achievement.EMPTY:
            continue
        record = series.setdefault(column.fiscal_year, _empty_value(row))
        setattr(record, column.side, value)
    if not (printed or series):
        return None
    fields = {"name": "" if values.key_text(printed) in ("-", "ー", "－") else printed, "order": order}
    unit = row.read("unit", default=None)
    if unit is not None:
        fields["unit"] = unit
        if percent and values.key_text(unit) not in ("%", ""):
            row.problem("unit_mismatch", f"単位が「{unit}」ですが、値に % が付いています。", f"The unit is {unit!r} but values carry %.",
                        column=row.header.by_field["unit"], raw=unit)
        elif percent:
            fields["unit"] = "%"
    elif percent:
        fields["unit"] = "%"
    return IndicatorRecord(
        where=row.where, code=row.read("indicator_code", default="") or f"P{order:03d}-A1",
        kind=IndicatorKind.ACTIVITY, fields=fields, project_order=order,
        responsible_department=project.lead_department, values=series, percent=percent,
    )


def _empty_value(row: RowReader) -> ValueRecord:
    return ValueRecord(where=row.where)
