"""The planner's indicators and yearly values (a part of plan.Planner).

Indicators are matched by code, yearly values by indicator and fiscal year. A blank value
cell keeps the stored value; a stored row's status is never changed (the workflow's alone); a
row saved since the data export was made is a conflict, not written (imports/conflicts.py).
A changed planned value that was set before is a target revision (TargetRevision), as in
kpis.services. Every value written carries its stored achievement rate (YearlyValue.rate,
from kpis.rates.rate_for as save() has it); an indicator whose
direction, baseline or tolerance the import changes has its other values' rates refreshed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from imports.conflicts import changed_since
from imports.records import IndicatorRecord
from imports.tables import differs, key_of
from kpis.models import EntryStatus, Indicator, TargetRevision, YearlyValue, refresh_rates
from kpis.rates import rate_for
from kpis.values import value_columns, value_from_columns
from plans import achievement

RATE_INPUTS = frozenset(Indicator.RATE_INPUTS)
VALUE_STAMP = ("version", "updated_by_id", "updated_at", "rate")  # written with every changed value


class IndicatorPlanning:
    """Mixed into plan.Planner: needs its tables, bookkeeping and write helpers."""

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
        indicators, existing, stored_values = self.tables.indicators, {}, {}
        if self.strategy.pk:
            existing = {row["code"]: row for row in
                        indicators.rows(strategy_id=self.strategy.pk, code__in=[r.code for r in fresh])}
            if existing:
                ids = [i["id"] for i in existing.values()]
                if self.writing:  # a save made while the import runs waits, then finds the new version
                    list(YearlyValue.objects.select_for_update().filter(indicator_id__in=ids).values_list("pk"))
                for row in self.tables.values.rows(indicator_id__in=ids):
                    stored_values[(row["indicator_id"], row["fiscal_year"])] = row
        creates, updates, plans, stale_rates = [], defaultdict(list), [], []
        for record in fresh:
            desired = self._indicator_state(record)
            if desired is None:
                continue
            indicator = existing.get(record.code)
            label = f"{record.code} {record.fields.get('name', '')}".strip()
            if indicator is None:
                indicator = indicators.new(strategy_id=self.strategy.pk, code=record.code, **desired)
                creates.append(indicator)
                self.count("indicator", "created", label)
            else:
                changed = [name for name, new in desired.items() if differs(indicator[name], new)]
                for name in changed:
                    indicator[name] = desired[name]
                if changed:
                    updates[tuple(sorted(changed))].append(indicator)
                    if RATE_INPUTS.intersection(changed):
                        stale_rates.append(indicator["id"])
                self.count("indicator", "updated" if changed else "unchanged", label)
            plans.append((record, indicator))
        if self.writing:
            self._write(indicators, creates, updates)
        self._values(plans, stored_values)
        if self.writing and stale_rates:
            refresh_rates(stale_rates)  # the values this file does not restate

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
                owner["measure_id"] = key_of(structure.measure(policy, record.measure, where))
            elif policy is not None:
                owner["basic_policy_id"] = key_of(policy)
        desired.update(owner)
        if record.responsible_department is not None:
            desired["responsible_department_id"] = key_of(structure.department(record.responsible_department, where))
        return desired

    def _values(self, plans, stored_values):
        period = (self.strategy.first_fiscal_year, self.strategy.last_fiscal_year)
        table, user_id, writing = self.tables.values, getattr(self.user, "pk", None), self.writing
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
                stored = stored_values.get((indicator["id"], fiscal_year)) if indicator["id"] else None
                label = f"{record.code} {fiscal_year}"
                if stored is None:
                    if value.version:  # a restored row keeps its version: re-importing the file changes nothing
                        columns["version"] = value.version
                    if not _meaningful(columns):
                        continue
                    row = table.new(indicator_id=indicator["id"], fiscal_year=fiscal_year, updated_by_id=user_id,
                                    **columns)
                    if writing:
                        row["rate"] = rate_of(row, indicator)
                    creates.append(row)
                    self.count("yearly_value", "created", label)
                    continue
                columns.pop("status", None)  # a stored row's status is changed only by the workflow
                changed = [name for name, new in columns.items() if stored[name] != new]
                if not changed:
                    self.count("yearly_value", "unchanged")
                    continue
                if changed_since(value.version, stored):
                    self.conflicts.add(where=value.where, code=record.code, name=record.fields.get("name", ""),
                                       fiscal_year=fiscal_year, version=value.version, columns=columns, stored=stored,
                                       changed=changed)
                    continue
                old_planned = value_from_columns(stored, "planned")
                for name in changed:
                    stored[name] = columns[name]
                if any(name.startswith("planned_") for name in changed) and old_planned.state != achievement.EMPTY:
                    revisions.append(self._revision(stored, old_planned))
                stored["version"] += 1
                stored["updated_by_id"], stored["updated_at"] = user_id, self.now
                if writing:
                    stored["rate"] = rate_of(stored, indicator)
                updates[tuple(sorted(changed))].append(stored)
                self.count("yearly_value", "updated", label)
        if writing:
            stamp = self._stamp()
            for row in creates:
                row["updated_at"] = stamp["date"]  # auto_now, as a save would set it
            self._write(table, creates, updates, also=VALUE_STAMP, stamp=stamp)
            TargetRevision.objects.bulk_create(revisions)

    def _revision(self, stored: dict, old: achievement.Value) -> TargetRevision:
        old_columns = value_columns("old", old)
        new_columns = value_columns("new", value_from_columns(stored, "planned"))
        self.count("target_revision", "created", f"{stored['indicator_id']} {stored['fiscal_year']}")
        return TargetRevision(yearly_value_id=stored["id"], reason=self.reason, revised_by=self.user,
                              **old_columns, **new_columns)


def rate_of(row: dict, indicator: dict) -> Decimal | None:
    """The rate a value row of this indicator stores (kpis.rates.rate_for, as YearlyValue.save())."""
    return rate_for(planned=value_from_columns(row, "planned"), actual=value_from_columns(row, "actual"),
                    direction=indicator["direction"], baseline=indicator["baseline_value"],
                    tolerance=indicator["tolerance"])


def _meaningful(columns: dict) -> bool:
    """Whether a new yearly value would hold anything: no row for a year left blank, but one for
    a row the data export states was stored (it has a version) or has moved in the round."""
    return (
        columns.get("planned_state", achievement.EMPTY) != achievement.EMPTY
        or columns.get("actual_state", achievement.EMPTY) != achievement.EMPTY
        or bool(columns.get("comment")) or bool(columns.get("note")) or "version" in columns
        or columns.get("status", EntryStatus.NOT_ENTERED) != EntryStatus.NOT_ENTERED
    )
