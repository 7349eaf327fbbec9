"""The preview/diff: what an import creates, updates and leaves unchanged, per level.

The planner takes the readers' records in batches (a few hundred rows), matches them to
what is stored (one query per level and batch) and either only counts (preview) or also
writes (apply, inside the caller's transaction). Between batches it keeps only the keys
of the rows seen (to find duplicates) and the tree (Structure), so memory grows with the
number of distinct tree nodes, not with the rows.
Matching keys: strategy by code; projects by row number (order); indicators by code;
yearly values by indicator and fiscal year (plan_indicators.py). A blank value cell keeps
the stored value: an old plan re-imported must not wipe actuals entered in dxplan since.

Projects, indicators and yearly values are kept as plain rows (dicts) and written with
plain SQL (tables.py), with their history rows made by the importing user and the change
reason 「Excel取込: <file name>」, so they appear in the history like any other change.
Basic policies, measures and steps the import creates are stored together just before the
first rows of their batch that refer to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace

from django.utils import timezone

from imports.conflicts import Conflicts
from imports.plan_indicators import IndicatorPlanning
from imports.problems import Problem, Problems
from imports.records import Item, ProjectRecord, StrategyRecord
from imports.structure import Structure
from imports.tables import NEW, Table, differs, key_of
from kpis.models import Indicator, YearlyValue
from plans.models import BasicPolicy, Measure, Municipality, Step, Strategy
from projects.models import Phase, Project, ProjectYear

LEVELS = ("municipality", "strategy", "department", "category_vocabulary", "category", "basic_policy", "measure",
          "step", "project", "project_year", "indicator", "yearly_value", "target_revision")
ACTIONS = ("created", "updated", "unchanged")
SAMPLES = 8

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
    conflicts: list = field(default_factory=list)  # rows changed in dxplan since the file was made (skipped)
    conflict_count: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.blocking for p in self.problems)

    def as_dict(self) -> dict:
        return {
            "format": self.format, "strategy_code": self.strategy_code, "strategy_title": self.strategy_title,
            "strategy_exists": self.strategy_exists, "counts": self.counts, "samples": self.samples,
            "unknown": self.unknown, "rows": self.rows, "sheets": self.sheets,
            "conflicts": self.conflicts, "conflict_count": self.conflict_count,
        }


class Planner(IndicatorPlanning):
    def __init__(self, *, strategy_code: str, record: StrategyRecord, mapping: dict, create_missing: bool, user,
                 reason: str, write: bool, problems: Problems):
        self.problems, self.user, self.reason, self.write = problems, user, reason, write
        self.create_missing, self.now = create_missing, timezone.now()
        self.counts = defaultdict(Counter)
        self.node_actions = defaultdict(dict)  # level → {id(obj): action} for shared structure nodes
        self.samples = defaultdict(lambda: defaultdict(list))
        self.project_ids: dict[int, object] = {}  # order → pk (or NEW)
        self.project_signatures: dict[int, int] = {}
        self.indicator_codes: set[str] = set()
        self.new_top: list[tuple[str, str]] = []  # a municipality or strategy the import would create
        self.conflicts = Conflicts()
        self.pending: list[tuple[object, dict | None]] = []  # tree nodes created, not stored yet
        self.strategy = self._strategy(strategy_code, record)
        # A preview counts unknown items as created so its figures are whole; it still lists them as
        # undecided, and an import refuses them unless they were mapped or create_missing was given.
        self.structure = Structure(strategy=self.strategy, municipality=self.strategy.municipality, mapping=mapping,
                                   create_missing=create_missing or not write, tally=self.tally_node, save=self._save,
                                   defer=self._defer)

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

    @cached_property
    def tables(self) -> SimpleNamespace:
        return SimpleNamespace(projects=Table(Project), years=Table(ProjectYear),
                               categories=Table(Project.categories.through), indicators=Table(Indicator),
                               values=Table(YearlyValue))

    def _save(self, obj, *, fields=None, m2m=None):
        if not self.writing:
            return
        if fields and obj.pk is None:
            return  # a node created in this batch: its insert will carry the change
        obj.save(update_fields=fields) if fields else obj.save()
        for name, targets in (m2m or {}).items():
            getattr(obj, name).set(targets)

    def _defer(self, obj, *, m2m=None):
        """A created basic policy, measure or step: stored with the batch (_store_nodes)."""
        if self.writing:
            self.pending.append((obj, m2m))

    def _store_nodes(self):
        """Insert the pending tree nodes, parents first, and give them their ids."""
        for model in (BasicPolicy, Measure, Step):
            nodes = [(node, m2m) for node, m2m in self.pending if type(node) is model]
            if not nodes:
                continue
            for node, _ in nodes:
                node._prepare_related_fields_for_save(operation_name="import")  # the parent's id, stored just now
            table = Table(model)
            table.insert([node.__dict__ for node, _ in nodes])  # a model instance's attributes are its row
            for node, m2m in nodes:
                node._state.adding, node._state.db = False, table.connection.alias
            links = defaultdict(list)
            for node, m2m in nodes:
                for name, targets in (m2m or {}).items():
                    links[name] += [(node.pk, pk) for pk in dict.fromkeys(t.pk for t in targets)]
            for name, rows in links.items():
                relation = model._meta.get_field(name)
                Table(relation.remote_field.through).insert_plain(
                    (f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"), rows)
        self.pending.clear()

    def _stamp(self) -> dict:
        """Who, why and when, for the history rows of one write."""
        return {"user": self.user, "reason": self.reason, "date": timezone.now()}

    def _write(self, table: Table, creates: list[dict], updates: dict, *, also=(), stamp=None):
        """New rows and changed ones (grouped by the fields that changed), with their history."""
        stamp = stamp or self._stamp()
        self._store_nodes()
        table.record_history(table.insert(creates), "+", **stamp)
        for fields, rows in updates.items():
            table.update(rows, [*fields, *also])
            table.record_history([row[table.pk] for row in rows], "~", **stamp)

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
        projects = self.tables.projects
        existing = ({row["order"]: row for row in
                     projects.rows(strategy_id=self.strategy.pk, order__in=[r.order for r in fresh])}
                    if self.strategy.pk else {})
        ids = [row["id"] for row in existing.values()]
        stored_categories = defaultdict(set)
        stored_years = {}
        if ids:
            for project_id, category_id in (Project.categories.through.objects.filter(project_id__in=ids)
                                            .values_list("project_id", "category_id")):
                stored_categories[project_id].add(category_id)
            for year in self.tables.years.rows(project_id__in=ids):
                stored_years[(year["project_id"], year["fiscal_year"])] = year
        creates, updates, m2m, years_new, years_changed = [], defaultdict(list), [], [], []
        for record in fresh:
            desired, categories = self._project_state(record)
            project = existing.get(record.order)
            label = f"{record.order}: {record.fields.get('code', '')} {record.fields.get('name', '')}".strip()
            if project is None:
                project = projects.new(strategy_id=self.strategy.pk, order=record.order, **desired)
                creates.append(project)
                if categories:
                    m2m.append((project, categories))
                self.count("project", "created", label)
            else:
                changed = [name for name, new in desired.items() if differs(project[name], new)]
                for name in changed:
                    project[name] = desired[name]
                if changed:
                    updates[tuple(sorted(changed))].append(project)
                m2m_changed = categories is not None and (
                    {c.pk for c in categories} != stored_categories.get(project["id"], set()))
                if m2m_changed:
                    m2m.append((project, categories))
                self.count("project", "updated" if changed or m2m_changed else "unchanged", label)
            existing[record.order] = project
            self._phases(record, project, stored_years, years_new, years_changed)
        if self.writing:
            self._write_projects(creates, updates, m2m, years_new, years_changed)
        for record in fresh:
            self.project_ids[record.order] = existing[record.order]["id"] or NEW

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
            desired.update(basic_policy_id=key_of(policy), measure_id=key_of(measure), step_id=key_of(step))
        if record.lead_department is not None:
            desired["lead_department_id"] = key_of(structure.department(record.lead_department, where))
        return desired, categories

    def _phases(self, record, project, stored_years, years_new, years_changed):
        if record.phases is None:
            return
        first_build = min((fy for fy, phase in record.phases.items() if phase == Phase.BUILD), default=None)
        for fiscal_year, phase in sorted(record.phases.items()):
            is_start = fiscal_year == first_build
            stored = stored_years.get((project["id"], fiscal_year)) if project["id"] else None
            label = f"{record.order} {fiscal_year}"
            if stored is None:
                years_new.append((project, fiscal_year, phase, is_start))
                self.count("project_year", "created", label)
            elif (stored["phase"], stored["is_start"]) != (phase, is_start):
                stored["phase"], stored["is_start"] = phase, is_start
                years_changed.append(stored)
                self.count("project_year", "updated", label)
            else:
                self.count("project_year", "unchanged")

    def _write_projects(self, creates, updates, m2m, years_new, years_changed):
        self._write(self.tables.projects, creates, updates)
        if m2m:
            Project.categories.through.objects.filter(project_id__in=[p["id"] for p, _ in m2m]).delete()
            self.tables.categories.insert_plain(("project_id", "category_id"),
                                                [(p["id"], c.pk) for p, cs in m2m for c in cs])
        self.tables.years.insert_plain(("project_id", "fiscal_year", "phase", "is_start"),
                                       [(p["id"], fiscal_year, phase, start) for p, fiscal_year, phase, start in years_new])
        self.tables.years.update(years_changed, ("phase", "is_start"))

    # --- the end -------------------------------------------------------------------------

    def finish(self) -> Preview:
        if self.writing:
            self._store_nodes()  # nodes no stored row refers to are created all the same
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
        preview = Preview(
            strategy_code=self.strategy.code, strategy_title=self.strategy.title,
            strategy_exists=self.counts["strategy"]["created"] == 0,
            counts={level: {a: self.counts[level][a] for a in ACTIONS} for level in LEVELS if self.counts.get(level)},
            samples={level: dict(actions) for level, actions in self.samples.items()},
            unknown=[u.as_dict() | {"decision": self._decision(u)} for u in self.structure.unknown.values()]
            + [{"kind": kind, "printed": printed, "rows": [], "count": 1, "decision": "create" if self.create_missing else ""}
               for kind, printed in self.new_top],
            problems=list(self.problems.items),
            conflicts=self.conflicts.listed(), conflict_count=self.conflicts.count,
        )
        # The structure holds this planner's methods: break the cycle so that what both hold
        # (every tree node, the keys seen) is freed when the caller drops the planner, not at
        # the collector's next full pass, which may come after the import run is saved.
        self.structure = None
        return preview

    def _decision(self, unknown) -> str:
        return "create" if self.create_missing else ""

