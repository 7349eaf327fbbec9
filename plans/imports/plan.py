"""The preview/diff: what an import creates, updates and leaves unchanged, per level.

The planner takes the readers' records in batches (a few hundred rows), matches them to
what is stored (one query per level and batch, so memory does not grow with the file)
and either only counts (preview) or also writes (apply, inside the caller's transaction).
Matching keys: strategy by code; projects by row number (order); indicators by code;
yearly values by indicator and fiscal year. A blank value cell keeps the stored value:
an old plan re-imported must not wipe actuals entered in dxplan since.

Writes of projects, indicators and yearly values go through django-simple-history's
bulk helpers with the importing user and the change reason 「Excel取込: <file name>」, so
they appear in the history like any other change. A changed planned value that was set
before is a target revision (TargetRevision), as in kpis.services.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kpis import achievement
from kpis.models import Indicator, TargetRevision, YearlyValue
from plans.imports.problems import Problem, Problems
from plans.imports.records import IndicatorRecord, Item, ProjectRecord, StrategyRecord
from plans.imports.structure import Structure
from plans.imports.values import value_columns
from plans.models import Municipality, Strategy
from projects.models import Phase, Project, ProjectYear

LEVELS = ("municipality", "strategy", "department", "category_vocabulary", "category", "basic_policy", "measure",
          "step", "project", "project_year", "indicator", "yearly_value", "target_revision")
ACTIONS = ("created", "updated", "unchanged")
SAMPLES = 8
_NEW = object()  # the id of an object a preview would create

KIND_LABELS = {
    "strategy": ("計画・戦略", "strategy"), "municipality": ("自治体", "municipality"),
    "department": ("部局・課", "department"), "category": ("分類", "category"),
    "basic_policy": ("基本方針", "basic policy"), "measure": ("施策", "measure"), "step": ("ステップ", "step"),
}


@dataclass
class Preview:
    format: str = ""
    strategy_code: str = ""
    strategy_title: str = ""
    strategy_exists: bool = False
    counts: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)
    unknown: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    sheets: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)

    def as_dict(self) -> dict:
        return {
            "format": self.format, "strategy_code": self.strategy_code, "strategy_title": self.strategy_title,
            "strategy_exists": self.strategy_exists, "counts": self.counts, "samples": self.samples,
            "unknown": self.unknown, "rows": self.rows, "sheets": self.sheets,
        }


def _fk(obj):
    if obj is None:
        return None
    return obj.pk if obj.pk is not None else _NEW


def _differs(current, new) -> bool:
    return new is _NEW or current != new


class Planner:
    def __init__(self, *, strategy_code: str, record: StrategyRecord, mapping: dict, create_missing: bool, user,
                 reason: str, write: bool, problems: Problems):
        self.problems, self.user, self.reason, self.write = problems, user, reason, write
        self.create_missing, self.now = create_missing, timezone.now()
        self.counts = defaultdict(Counter)
        self.node_actions = defaultdict(dict)  # level → {id(obj): action} for shared structure nodes
        self.samples = defaultdict(lambda: defaultdict(list))
        self.project_ids: dict[int, object] = {}  # order → pk (or _NEW)
        self.project_signatures: dict[int, int] = {}
        self.indicator_codes: set[str] = set()
        self.new_top: list[tuple[str, str]] = []  # a municipality or strategy the import would create
        self.strategy = self._strategy(strategy_code, record)
        # A preview counts unknown items as created so its figures are whole; it still lists them as
        # undecided, and an import refuses them unless they were mapped or create_missing was given.
        self.structure = Structure(strategy=self.strategy, municipality=self.strategy.municipality, mapping=mapping,
                                   create_missing=create_missing or not write, tally=self.tally_node, save=self._save)

    @property
    def writing(self) -> bool:
        # After the first blocking problem nothing more is written: the transaction rolls back anyway.
        return self.write and not self.problems.blocking

    # --- bookkeeping ---------------------------------------------------------------------

    def count(self, level: str, action: str, label: str = ""):
        self.counts[level][action] += 1
        if label and action != "unchanged" and len(self.samples[level][action]) < SAMPLES:
            self.samples[level][action].append(label)

    def tally_node(self, level: str, action: str, obj):
        actions = self.node_actions[level]
        if actions.get(id(obj)) in ("created", "updated") and action == "unchanged":
            return
        if action != "unchanged" and actions.get(id(obj)) != action:
            label = str(obj)
            if len(self.samples[level][action]) < SAMPLES:
                self.samples[level][action].append(label)
        actions[id(obj)] = action

    def _save(self, obj, *, fields=None, m2m=None):
        if not self.writing:
            return
        obj.save(update_fields=fields) if fields else obj.save()
        for name, targets in (m2m or {}).items():
            getattr(obj, name).set(targets)

    def problem(self, record, code, ja, en, **extra):
        self.problems.add(Problem(code, ja, en, sheet=record.where.sheet, row=record.where.row, **extra))

    # --- strategy ------------------------------------------------------------------------

    def _strategy(self, code: str, record: StrategyRecord) -> Strategy:
        strategy = Strategy.objects.select_related("municipality").filter(code=code).first()
        wanted = {name: value for name, value in record.values.items() if value is not None}
        if strategy is not None:
            changed = [name for name, value in wanted.items() if getattr(strategy, name) != value]
            for name in changed:
                setattr(strategy, name, wanted[name])
            self._save(strategy, fields=changed) if changed else None
            self.count("strategy", "updated" if changed else "unchanged", str(strategy))
            return strategy
        municipality = Municipality.objects.filter(code=record.municipality_code).first()
        if municipality is None:
            municipality = Municipality(code=record.municipality_code, name=record.municipality_name)
            self._require_new("municipality", f"{record.municipality_code} {record.municipality_name}".strip())
            self._save(municipality)
            self.count("municipality", "created", str(municipality))
        strategy = Strategy(municipality=municipality, code=code, **{**record.defaults, **wanted})
        self._require_new("strategy", code)
        self._save(strategy)
        self.count("strategy", "created", f"{code} {strategy.title}")
        return strategy

    def _require_new(self, kind: str, printed: str):
        self.new_top.append((kind, printed))
        if self.write and not self.create_missing:
            ja, en = KIND_LABELS[kind]
            self.problems.add(Problem(
                f"unknown_{kind}", f"dxplan にない{ja}「{printed}」を作成します。確認のうえ「不足分を作成」を選んでください。",
                f"The {en} {printed!r} does not exist yet; confirm with 'create missing' to create it.",
            ))

    # --- batches -------------------------------------------------------------------------

    def process(self, items: list[Item]):
        self._projects([item.project for item in items if item.project is not None])
        self._indicators([item.indicator for item in items if item.indicator is not None])

    def _projects(self, records: list[ProjectRecord]):
        fresh = []
        for record in records:
            seen = self.project_signatures.get(record.order)
            if seen is None:
                self.project_signatures[record.order] = record.signature()
                fresh.append(record)
            elif seen != record.signature():
                self.problem(record, "project_conflict",
                             f"行番号（project_order）{record.order} の事業が、前の行と異なる内容で書かれています。",
                             f"Project {record.order} is stated differently from an earlier row.")
        if not fresh:
            return
        orders = [r.order for r in fresh]
        existing = ({p.order: p for p in Project.objects.filter(strategy=self.strategy, order__in=orders)}
                    if self.strategy.pk else {})
        ids = [p.pk for p in existing.values()]
        through = Project.categories.through
        stored_categories = defaultdict(set)
        stored_years = {}
        if ids:
            for project_id, category_id in through.objects.filter(project_id__in=ids).values_list("project_id", "category_id"):
                stored_categories[project_id].add(category_id)
            for year in ProjectYear.objects.filter(project_id__in=ids):
                stored_years[(year.project_id, year.fiscal_year)] = year
        creates, updates, m2m, years_new, years_changed = [], defaultdict(list), [], [], []
        for record in fresh:
            desired, categories = self._project_state(record)
            project = existing.get(record.order)
            label = f"{record.order}: {record.fields.get('code', '')} {record.fields.get('name', '')}".strip()
            if project is None:
                project = Project(strategy=self.strategy, order=record.order,
                                  **{k: (None if v is _NEW else v) for k, v in desired.items()})
                self._attach_new_parents(project, record)
                creates.append(project)
                if categories:
                    m2m.append((project, categories))
                self.count("project", "created", label)
            else:
                changed = [name for name, new in desired.items() if _differs(getattr(project, name), new)]
                for name in changed:
                    setattr(project, name, desired[name])
                self._attach_new_parents(project, record)
                if changed:
                    updates[tuple(sorted(changed))].append(project)
                m2m_changed = categories is not None and (
                    {_fk(c) for c in categories} != stored_categories.get(project.pk, set()))
                if m2m_changed:
                    m2m.append((project, categories))
                self.count("project", "updated" if changed or m2m_changed else "unchanged", label)
            existing[record.order] = project
            self._phases(record, project, stored_years, years_new, years_changed)
        if self.writing:
            self._write_projects(creates, updates, m2m, years_new, years_changed)
        for record in fresh:
            self.project_ids[record.order] = _fk(existing[record.order])

    def _project_state(self, record: ProjectRecord):
        structure, where = self.structure, record.where
        desired = {}
        for name, value in record.fields.items():
            limit = Project._meta.get_field(name).max_length
            if limit and isinstance(value, str) and len(value) > limit:
                self.problem(record, "too_long", f"{name} が長すぎます（{limit} 文字まで）。", f"{name} is too long (max {limit}).",
                             value=value[:60])
                value = value[:limit]
            desired[name] = value
        categories = None
        if record.categories is not None:
            categories = [c for c in (structure.category(ref, where) for ref in record.categories) if c is not None]
        if record.has_tree:
            policy = measure = step = None
            if record.policy is not None:
                short = next((c.name for c in record.categories or () if c.vocabulary_code == "category"), "")
                policy = structure.policy(record.policy, where, short_name=short, categories=categories or ())
            if record.measure is not None and policy is not None:
                measure = structure.measure(policy, record.measure, where)
            if record.step is not None and measure is not None:
                step = structure.step(measure, record.step, where)
            desired.update(basic_policy_id=_fk(policy), measure_id=_fk(measure), step_id=_fk(step))
            record._parents = (policy, measure, step)
        if record.lead_department is not None:
            desired["lead_department_id"] = _fk(structure.department(record.lead_department, where))
        return desired, categories

    @staticmethod
    def _attach_new_parents(project, record):
        """Parents a preview would create have no id yet; hand the objects over instead."""
        for name, parent in zip(("basic_policy", "measure", "step"), getattr(record, "_parents", ())):
            if parent is not None and parent.pk is None:
                setattr(project, name, parent)

    def _phases(self, record, project, stored_years, years_new, years_changed):
        if record.phases is None:
            return
        first_build = min((fy for fy, phase in record.phases.items() if phase == Phase.BUILD), default=None)
        for fiscal_year, phase in sorted(record.phases.items()):
            is_start = fiscal_year == first_build
            stored = stored_years.get((project.pk, fiscal_year)) if project.pk else None
            label = f"{record.order} {fiscal_year}"
            if stored is None:
                years_new.append(ProjectYear(project=project, fiscal_year=fiscal_year, phase=phase, is_start=is_start))
                self.count("project_year", "created", label)
            elif (stored.phase, stored.is_start) != (phase, is_start):
                stored.phase, stored.is_start = phase, is_start
                years_changed.append(stored)
                self.count("project_year", "updated", label)
            else:
                self.count("project_year", "unchanged")

    def _write_projects(self, creates, updates, m2m, years_new, years_changed):
        history = {"default_user": self.user, "default_change_reason": self.reason}
        if creates:
            bulk_create_with_history(creates, Project, **history)
        for fields, projects in updates.items():
            bulk_update_with_history(projects, Project, [f.removesuffix("_id") for f in fields], **history)
        through = Project.categories.through
        if m2m:
            through.objects.filter(project_id__in=[p.pk for p, _ in m2m]).delete()
            through.objects.bulk_create(through(project_id=p.pk, category_id=c.pk) for p, cs in m2m for c in cs)
        for year in years_new:
            year.project_id = year.project.pk
        ProjectYear.objects.bulk_create(years_new)
        if years_changed:
            ProjectYear.objects.bulk_update(years_changed, ["phase", "is_start"])

    # --- indicators and values -----------------------------------------------------------

    def _indicators(self, records: list[IndicatorRecord]):
        fresh = []
        for record in records:
            if record.code in self.indicator_codes:
                self.problem(record, "duplicate_indicator", f"指標コード「{record.code}」が重複しています。",
                             f"The indicator code {record.code!r} appears twice.", value=record.code)
                continue
            self.indicator_codes.add(record.code)
            fresh.append(record)
        if not fresh:
            return
        existing, stored_values = {}, {}
        if self.strategy.pk:
            existing = {i.code: i for i in Indicator.objects.filter(strategy=self.strategy, code__in=[r.code for r in fresh])}
            for value in YearlyValue.objects.filter(indicator_id__in=[i.pk for i in existing.values()]):
                stored_values[(value.indicator_id, value.fiscal_year)] = value
        creates, updates, plans = [], defaultdict(list), []
        for record in fresh:
            desired = self._indicator_state(record)
            if desired is None:
                continue
            indicator = existing.get(record.code)
            label = f"{record.code} {record.fields.get('name', '')}".strip()
            if indicator is None:
                indicator = Indicator(strategy=self.strategy, code=record.code,
                                      **{k: (None if v is _NEW else v) for k, v in desired.items()})
                creates.append(indicator)
                self.count("indicator", "created", label)
            else:
                changed = [name for name, new in desired.items() if _differs(getattr(indicator, name), new)]
                for name in changed:
                    setattr(indicator, name, desired[name])
                if changed:
                    updates[tuple(sorted(changed))].append(indicator)
                self.count("indicator", "updated" if changed else "unchanged", label)
            plans.append((record, indicator))
        if self.writing:
            history = {"default_user": self.user, "default_change_reason": self.reason}
            if creates:
                bulk_create_with_history(creates, Indicator, **history)
            for fields, indicators in updates.items():
                bulk_update_with_history(indicators, Indicator, [f.removesuffix("_id") for f in fields], **history)
        self._values(plans, stored_values)

    def _indicator_state(self, record: IndicatorRecord) -> dict | None:
        structure, where = self.structure, record.where
        desired = {"kind": record.kind, **record.fields}
        for name, value in record.fields.items():
            limit = getattr(Indicator._meta.get_field(name), "max_length", None)
            if limit and isinstance(value, str) and len(value) > limit:
                self.problem(record, "too_long", f"{name} が長すぎます（{limit} 文字まで）。", f"{name} is too long (max {limit}).",
                             value=value[:60])
                return None
        owner = {"project_id": None, "measure_id": None, "basic_policy_id": None}
        if record.project_order is not None:
            if record.project_order not in self.project_ids:
                return None  # its project row was refused; that problem is already listed
            owner["project_id"] = self.project_ids[record.project_order]
        else:
            policy = structure.policy(record.policy, where) if record.policy is not None else None
            if policy is None and record.policy is None:
                self.problem(record, "policy_missing", "指標の基本方針（重点課題）が空欄です。", "The indicator's basic policy is blank.")
                return None
            if record.measure is not None and policy is not None:
                owner["measure_id"] = _fk(structure.measure(policy, record.measure, where))
            elif policy is not None:
                owner["basic_policy_id"] = _fk(policy)
        desired.update(owner)
        if record.responsible_department is not None:
            desired["responsible_department_id"] = _fk(structure.department(record.responsible_department, where))
        return desired

    def _values(self, plans, stored_values):
        period = (self.strategy.first_fiscal_year, self.strategy.last_fiscal_year)
        creates, updates, revisions = [], defaultdict(list), []
        for record, indicator in plans:
            for fiscal_year, value in sorted(record.values.items()):
                if not period[0] <= fiscal_year <= period[1]:
                    self.problem(value, "outside_period",
                                 f"{fiscal_year}年度は計画期間（{period[0]}〜{period[1]}年度）の外です。",
                                 f"Fiscal year {fiscal_year} is outside the strategy's period ({period[0]}–{period[1]}).",
                                 value=str(fiscal_year))
                    continue
                columns = {}
                for side in ("planned", "actual"):
                    if getattr(value, side) is not None:
                        columns.update(value_columns(side, getattr(value, side)))
                for name in ("comment", "note", "status"):
                    if getattr(value, name) is not None:
                        columns[name] = getattr(value, name)
                stored = stored_values.get((indicator.pk, fiscal_year)) if indicator.pk else None
                label = f"{record.code} {fiscal_year}"
                if stored is None:
                    if not _meaningful(columns):
                        continue
                    creates.append(YearlyValue(indicator=indicator, fiscal_year=fiscal_year, updated_by=self.user, **columns))
                    self.count("yearly_value", "created", label)
                    continue
                changed = [name for name, new in columns.items() if getattr(stored, name) != new]
                if not changed:
                    self.count("yearly_value", "unchanged")
                    continue
                old_planned = stored.planned
                for name in changed:
                    setattr(stored, name, columns[name])
                if any(name.startswith("planned_") for name in changed) and old_planned.state != achievement.EMPTY:
                    revisions.append(self._revision(stored, old_planned))
                stored.version += 1
                stored.updated_by, stored.updated_at = self.user, self.now
                updates[tuple(sorted(changed))].append(stored)
                self.count("yearly_value", "updated", label)
        if self.writing:
            history = {"default_user": self.user, "default_change_reason": self.reason}
            for value in creates:
                value.indicator_id = value.indicator.pk
            if creates:
                bulk_create_with_history(creates, YearlyValue, **history)
            for fields, values in updates.items():
                bulk_update_with_history(values, YearlyValue, [*fields, "version", "updated_by", "updated_at"], **history)
            TargetRevision.objects.bulk_create(revisions)

    def _revision(self, stored, old: achievement.Value) -> TargetRevision:
        old_columns = value_columns("old", old)
        new_columns = value_columns("new", stored.planned)
        self.count("target_revision", "created", f"{stored.indicator_id} {stored.fiscal_year}")
        return TargetRevision(yearly_value=stored, reason=self.reason, revised_by=self.user, **old_columns, **new_columns)

    # --- the end -------------------------------------------------------------------------

    def finish(self) -> Preview:
        for (kind, _), unknown in self.structure.unknown.items():
            if self.create_missing or not self.write:
                continue
            ja, en = KIND_LABELS[kind]
            rows = "、".join(unknown.rows)
            self.problems.add(Problem(
                f"unknown_{kind}",
                f"dxplan にない{ja}です: 「{unknown.printed}」（{unknown.count} 行: {rows}）。作成するか、既存の{ja}に対応付けてください。",
                f"Unknown {en} {unknown.printed!r} ({unknown.count} rows: {rows}): create it or map it to an existing one.",
                value=unknown.printed,
            ))
        for kind, printed, target in self.structure.bad_mappings:
            ja, en = KIND_LABELS[kind]
            self.problems.add(Problem(
                "bad_mapping", f"対応付け先の{ja}「{target}」が見つかりません（「{printed}」の対応付け）。",
                f"The {en} {target!r} chosen for {printed!r} does not exist.", value=str(target),
            ))
        for level, actions in self.node_actions.items():
            for action in actions.values():
                self.counts[level][action] += 1
        return Preview(
            strategy_code=self.strategy.code, strategy_title=self.strategy.title,
            strategy_exists=self.counts["strategy"]["created"] == 0,
            counts={level: {a: self.counts[level][a] for a in ACTIONS} for level in LEVELS if self.counts.get(level)},
            samples={level: dict(actions) for level, actions in self.samples.items()},
            unknown=[u.as_dict() | {"decision": self._decision(u)} for u in self.structure.unknown.values()]
            + [{"kind": kind, "printed": printed, "rows": [], "count": 1, "decision": "create" if self.create_missing else ""}
               for kind, printed in self.new_top],
            problems=list(self.problems.items),
        )

    def _decision(self, unknown) -> str:
        return "create" if self.create_missing else ""


def _meaningful(columns: dict) -> bool:
    """Whether a new yearly value would hold anything: no row for a year left blank, but one for
    a row the data export states explicitly (it has an entry status)."""
    return (
        columns.get("planned_state", achievement.EMPTY) != achievement.EMPTY
        or columns.get("actual_state", achievement.EMPTY) != achievement.EMPTY
        or bool(columns.get("comment")) or bool(columns.get("note")) or "status" in columns
    )
