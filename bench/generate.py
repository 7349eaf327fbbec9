"""Synthetic plans shaped like the Sasebo demo, at any multiple of its size.

``generate(scale)`` creates the strategy ``bench-x{scale}`` (municipality ``bench``, its own
13 departments) with, like 佐世保市DX戦略 R3–R9 (FY2021–FY2027):

- 12 basic policies (DX重点課題, grouped by two 分野, each with a 分類 and SDG goals) — fixed,
  as in Sasebo, so a page per policy grows with the plan rather than the policy count;
- 32×scale measures (課題, with 到達像 and the FY2025 goal), 72×scale steps (with a status
  per fiscal year: 実施済 / 当年度実施 / 今後予定 / 検討);
- 106×scale projects (≈25 % leading, ≈3 % outside any measure like 推進課題/しかけ, a
  phase per fiscal year R4–R9 ○ 構築 / ⇒ 運用 / … 検討, a few new or ended);
- 150×scale indicators: 44×scale KPIs on measures (up / down / maintain, half with a
  baseline) and one activity indicator per project, each with a YearlyValue for all
  7 fiscal years: planned numbers (「－」 before the start, some 「…」 in later years, a
  few 実施済 texts), actuals FY2021–FY2023 (approved; about half A, a quarter B, the rest
  C or 「－」/「…」) and FY2024 in the middle of its entry round (mixed statuses, an
  EntryRound with a deadline), nothing after;
- a target revision on ≈5 % of the KPIs.

Random but deterministic (seeded by the scale). Rows go in with bulk_create in batches,
without django-simple-history rows (benchmarks need data, not its history).

Idempotent per code: an existing strategy of that code is returned unchanged, unless
``replace=True`` (CLI ``--replace``), which deletes it first.

    .venv/bin/python bench/generate.py --scale 10 [--replace] [--code CODE]
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

if __name__ == "__main__":  # set up Django before the model imports below
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")
    import django

    django.setup()

from django.db import connection, models, transaction
from django.utils import timezone

from kpis.models import (
    EntryRound,
    EntryStatus,
    Indicator,
    IndicatorKind,
    TargetRevision,
    YearlyValue,
)
from kpis.values import value_columns
from plans import achievement
from plans.models import (
    BasicPolicy,
    Category,
    CategoryVocabulary,
    Department,
    Measure,
    Municipality,
    Narrative,
    NarrativeKind,
    Step,
    StepStatus,
    StepYear,
    Strategy,
    default_grade_bands,
)
from projects.models import Lifecycle, Phase, Project, ProjectYear

FIRST, LAST = 2021, 2027  # R3–R9, as the Sasebo data
ACTUALS_UNTIL = 2023  # last closed year; FY2024 is being entered
ENTRY_YEAR = 2024
NARRATIVE_YEAR = 2025
BATCH = 2000
DEPARTMENTS = [
    "行政経営改革部", "観光商工部", "農林水産部", "土木部", "子ども未来部", "教育委員会", "都市整備部",
    "総務部", "保健福祉部", "防災危機管理局", "市民生活部", "港湾部",
]
# (分野, 分類, lead department index) of the 12 focus issues, in Sasebo's order.
POLICIES = [
    ("まちづくり", "観光", 1), ("まちづくり", "農林水産", 2), ("まちづくり", "子ども・子育て", 4),
    ("まちづくり", "教育", 5), ("まちづくり", "都市整備", 6), ("まちづくり", "土木", 3),
    ("まちづくり", "保健福祉", 8), ("まちづくり", "防災危機管理", 9), ("行政経営", "窓口", 10),
    ("行政経営", "多様化", 0), ("行政経営", "高質化", 0), ("行政経営", "職場環境", 7),
]
# FY2024 entry statuses by weight: the round is under way.
ENTRY_MIX = [
    (EntryStatus.APPROVED, 30), (EntryStatus.FIRST_APPROVED, 15), (EntryStatus.SUBMITTED, 20),
    (EntryStatus.RETURNED, 5), (EntryStatus.DRAFT, 10), (EntryStatus.NOT_ENTERED, 20),
]
COMMENTS = ["計画どおり進捗している。", "目標を下回ったため、周知方法を見直す。", "前年度より改善した。", ""]


def generate(scale: int, *, code: str | None = None, replace: bool = False) -> Strategy:
    """The strategy `code` (default ``bench-x{scale}``), created at `scale` × Sasebo."""
    if scale < 1:
        raise ValueError(f"scale は 1 以上にしてください / scale must be at least 1, got {scale}")
    code = code or f"bench-x{scale}"
    existing = Strategy.objects.filter(code=code).first()
    if existing and not replace:
        analyze()  # cheap, and the statistics may predate the data
        return existing
    with transaction.atomic():
        if existing:
            delete_strategy(existing)
        strategy = _Builder(scale, code).build()
    analyze()
    return strategy


def bench_office_user(username: str, *, role: str = "dx_office", email: str = ""):
    """An account of the bench city's DX office (plans.boundary: an account sees its own city only)."""
    from plans.models import User

    city, _ = Municipality.objects.get_or_create(code="bench", defaults={"name": "ベンチ市"})
    user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "municipality": city,
                                                                      "email": email})
    if user.municipality_id != city.pk:
        user.municipality = city
        user.save(update_fields=["municipality"])
    return user


def analyze() -> None:
    """Refresh the planner statistics and visibility maps of the tables just filled, as
    autovacuum does soon after on a server (it is off on the development machines):
    without statistics PostgreSQL plans joins for the empty tables it last saw (a 30 s
    nested loop at 100×), without visibility maps it cannot read covering indexes alone."""
    tables = [m._meta.db_table for m in (
        BasicPolicy, Measure, Step, StepYear, Project, ProjectYear, Indicator, YearlyValue, TargetRevision, Narrative,
        Category, Project.categories.through, BasicPolicy.categories.through, Project.co_departments.through,
    )]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if connection.in_atomic_block:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
            else:  # VACUUM cannot run in a transaction
                cursor.execute("VACUUM ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def delete_strategy(strategy: Strategy) -> None:
    """Delete a (large) strategy quickly.

    The history-tracked models have delete signals, so Django would load and delete
    their rows one by one (minutes at 100×); their rows go with one DELETE each,
    after whatever refers to them.
    """
    for queryset in (
        YearlyValue.objects.filter(indicator__strategy=strategy),
        Indicator.objects.filter(strategy=strategy),
        Project.objects.filter(strategy=strategy),
    ):
        _raw_delete(queryset)
    strategy.delete()


def _raw_delete(queryset) -> None:
    model = queryset.model
    ids = queryset.values("pk")
    for relation in model._meta.related_objects:
        if relation.on_delete is models.DO_NOTHING or relation.many_to_many:
            continue
        related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        else:
            related.delete()
    for field in model._meta.many_to_many:
        field.remote_field.through.objects.filter(**{f"{field.m2m_field_name()}__in": ids}).delete()
    model._base_manager.filter(pk__in=list(queryset.values_list("pk", flat=True)))._raw_delete(queryset.db)


def _bulk(model, rows) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


class _Builder:
    def __init__(self, scale: int, code: str):
        self.scale, self.code = scale, code
        self.rng = random.Random(f"dxplan-bench-{scale}")

    def build(self) -> Strategy:
        city, _ = Municipality.objects.get_or_create(code="bench", defaults={"name": "ベンチ市"})
        self.departments = self._departments(city)
        self.strategy = Strategy.objects.create(
            municipality=city, code=self.code, title=f"ベンチ市DX戦略 ×{self.scale}",
            description="bench/generate.py による合成データ", first_fiscal_year=FIRST, last_fiscal_year=LAST,
            plan_as_of=datetime.date(2023, 4, 1), actuals_as_of=datetime.date(2024, 3, 31),
            label_basic_policy="DX重点課題", label_measure="課題", label_step="ステップ",
            label_project="プロジェクト", grade_bands=default_grade_bands(), order=900 + self.scale,
        )
        self._categories()
        self._tree()
        self._projects()
        self._indicators()
        now = timezone.now()
        EntryRound.objects.create(
            strategy=self.strategy, fiscal_year=ENTRY_YEAR, opens_at=now - datetime.timedelta(days=30),
            deadline=now + datetime.timedelta(days=30),
        )
        return self.strategy

    def _departments(self, city) -> list[Department]:
        result = []
        for order, name in enumerate(DEPARTMENTS, 1):
            result.append(Department.objects.get_or_create(municipality=city, name=name, defaults={"order": order})[0])
        Department.objects.get_or_create(municipality=city, name="DX推進課", defaults={"parent": result[0]})
        return result

    def _categories(self):
        vocabularies = {
            code: CategoryVocabulary.objects.create(strategy=self.strategy, code=code, name=name, order=i)
            for i, (code, name) in enumerate((("field", "分野"), ("category", "分類"), ("sdg", "SDGs")), 1)
        }
        names = {
            "field": ["まちづくり", "行政経営"],
            "category": [kind for _, kind, _ in POLICIES] + ["推進課題", "その他"],
            "sdg": [f"目標{n}" for n in range(1, 18)],
        }
        self.categories = {
            code: {c.name: c for c in _bulk(Category, [
                Category(vocabulary=vocabularies[code], code=name, name=name, order=i)
                for i, name in enumerate(names[code], 1)
            ])}
            for code in names
        }

    def _tree(self):
        rng, s = self.rng, self.strategy
        self.policies = _bulk(BasicPolicy, [
            BasicPolicy(strategy=s, code=f"{'01' if field == 'まちづくり' else '02'}-{i:02d}", order=i, short_name=kind,
                        title=f"{kind}分野のデジタル変革", lead_department=self.departments[lead])
            for i, (field, kind, lead) in enumerate(POLICIES, 1)
        ])
        Through = BasicPolicy.categories.through
        sdgs = list(self.categories["sdg"].values())
        _bulk(Through, [
            Through(basicpolicy=policy, category=category)
            for policy, (field, kind, _) in zip(self.policies, POLICIES)
            for category in [self.categories["field"][field], self.categories["category"][kind],
                             *rng.sample(sdgs, 2)]
        ])
        _bulk(Narrative, [
            Narrative(basic_policy=policy, fiscal_year=NARRATIVE_YEAR, kind=kind, text=f"{policy.short_name}の{label}")
            for policy in self.policies
            for kind, label in ((NarrativeKind.GOAL, "年度目標"), (NarrativeKind.SUMMARY, "事業総括"))
        ])
        count = 32 * self.scale
        self.measures = _bulk(Measure, [
            Measure(basic_policy=self.policies[i % 12], code=str(i // 12 + 1), order=i // 12 + 1,
                    title=f"合成課題 {i + 1}", target_image="データに基づく意思決定ができている。",
                    lead_department=self.policies[i % 12].lead_department)
            for i in range(count)
        ])
        _bulk(Narrative, [
            Narrative(measure=m, fiscal_year=NARRATIVE_YEAR, kind=NarrativeKind.GOAL, text="課題の年度目標")
            for m in self.measures
        ])
        steps = [
            Step(measure=self.measures[i % count], code=f"{i % count + 1}-{i // count + 1}", order=i // count + 1,
                 title=f"合成ステップ {i + 1}")
            for i in range(72 * self.scale)
        ]
        self.steps_by_measure = {}
        for step in _bulk(Step, steps):
            self.steps_by_measure.setdefault(step.measure_id, []).append(step)
        _bulk(StepYear, [row for step in steps for row in self._step_years(step)])

    def _step_years(self, step):
        start = self.rng.choice([2021, 2022, 2022, 2023, 2024, 2025])
        end = min(LAST, start + self.rng.randint(1, 4))
        considering = self.rng.random() < 0.1
        for fiscal_year in range(start, end + 1):
            status = (StepStatus.CONSIDERING if considering else StepStatus.DONE if fiscal_year < NARRATIVE_YEAR
                      else StepStatus.CURRENT if fiscal_year == NARRATIVE_YEAR else StepStatus.PLANNED)
            yield StepYear(step=step, fiscal_year=fiscal_year, status=status)

    def _projects(self):
        rng, count = self.rng, 106 * self.scale
        projects = []
        for i in range(count):
            loose = i % 35 == 34  # ≈3 %: 推進課題/しかけ rows outside the tree
            measure = None if loose else self.measures[i % len(self.measures)]
            steps = self.steps_by_measure.get(measure.pk, []) if measure else []
            start = rng.choice([2022, 2022, 2022, 2023, 2023, 2024, 2025])
            ended = rng.random() < 0.04
            lead = measure.lead_department if measure and rng.random() < 0.7 else rng.choice(self.departments)
            project = Project(
                strategy=self.strategy, basic_policy_id=measure.basic_policy_id if measure else None, measure=measure,
                step=rng.choice(steps) if steps and rng.random() < 0.9 else None,
                code=f"合成{i // 12 + 1}-{i % 12 + 1}", order=i + 1, name=f"合成プロジェクト {i + 1}",
                summary="業務のデジタル化を進めます。", leading=rng.random() < 0.255, is_new=start >= 2024,
                lifecycle=Lifecycle.ENDED if ended else Lifecycle.ACTIVE, lead_department=lead,
            )
            project.start, project.end = start, (rng.randint(start, 2025) if ended else LAST)
            projects.append(project)
        _bulk(Project, projects)
        self.projects = projects
        Through = Project.categories.through
        kinds = self.categories["category"]
        _bulk(Through, [
            Through(project=p, category=kinds[POLICIES[(p.order - 1) % 12][1]] if p.measure_id else kinds["推進課題"])
            for p in projects
        ])
        Co = Project.co_departments.through
        _bulk(Co, [Co(project=p, department=rng.choice(self.departments)) for p in projects if rng.random() < 0.3])
        years = []
        for p in projects:
            for fiscal_year in range(2022, p.end + 1):  # phases are printed for R4–R9
                if fiscal_year < p.start:
                    if fiscal_year == p.start - 1 and rng.random() < 0.5:
                        years.append(ProjectYear(project=p, fiscal_year=fiscal_year, phase=Phase.CONSIDER))
                    continue
                phase = Phase.BUILD if fiscal_year == p.start else Phase.OPERATE
                years.append(ProjectYear(project=p, fiscal_year=fiscal_year, phase=phase,
                                         is_start=fiscal_year == p.start))
        _bulk(ProjectYear, years)

    def _indicators(self):
        rng = self.rng
        indicators = []
        for i in range(44 * self.scale):
            measure = self.measures[i % len(self.measures)]
            direction = rng.choices(["up", "down", "maintain"], weights=[80, 12, 8])[0]
            indicators.append(self._indicator(
                IndicatorKind.KPI, f"KPI{i + 1:05d}", i + 1, measure=measure, direction=direction,
                department=measure.lead_department, start=rng.choice([2021, 2022, 2023, 2023, 2023]),
            ))
        for p in self.projects:
            indicators.append(self._indicator(
                IndicatorKind.ACTIVITY, f"P{p.order:05d}-A1", 100000 + p.order, project=p, direction="up",
                department=p.lead_department, start=max(FIRST, p.start - 1),
            ))
        _bulk(Indicator, indicators)
        values = _bulk(YearlyValue, [v for ind in indicators for v in self._values(ind)])
        revised = [v for v in values if v.fiscal_year == NARRATIVE_YEAR and v.indicator.kind == IndicatorKind.KPI
                   and v.planned_state == achievement.NUMBER and rng.random() < 0.05]
        _bulk(TargetRevision, [
            TargetRevision(yearly_value=v, **value_columns("old", v.planned_number * Decimal("0.9")),
                           **value_columns("new", v.planned), reason="前年度の実績を踏まえて上方修正した。")
            for v in revised
        ])

    def _indicator(self, kind, code, order, *, direction, department, start, measure=None, project=None):
        rng = self.rng
        base = Decimal(rng.choice([3, 5, 10, 20, 50, 80, 100, 250, 1200]))
        step = max(Decimal(1), (base * Decimal("0.1")).quantize(Decimal(1)))
        has_baseline = kind == IndicatorKind.KPI and rng.random() < 0.5
        indicator = Indicator(
            strategy=self.strategy, measure=measure, project=project, kind=kind, code=code, order=order,
            name=f"合成{'KPI' if kind == IndicatorKind.KPI else '活動指標'} {code}", unit=rng.choice(["件", "%", "人", "回"]),
            direction=direction, tolerance=Decimal(3) if direction == "maintain" else None,
            cumulative=kind == IndicatorKind.ACTIVITY and rng.random() < 0.3,
            baseline_value=base if has_baseline else None, baseline_fiscal_year=FIRST if has_baseline else None,
            responsible_department=department,
        )
        # Planned path from the start year: rising, falling (ペーパーレス度-like) or flat.
        sign = {"up": 1, "down": -1, "maintain": 0}[direction]
        indicator.plan = {fy: base + sign * step * (fy - start + 1) for fy in range(start, LAST + 1)}
        indicator.start = start
        indicator.target_value, indicator.target_fiscal_year = indicator.plan[LAST], LAST
        return indicator

    def _values(self, indicator):
        rng = self.rng
        pending_from = LAST - 1 if rng.random() < 0.1 else LAST + 1  # 「…」: later targets not set yet
        for fiscal_year in range(FIRST, LAST + 1):
            if fiscal_year < indicator.start:
                planned, actual, status = "－", "－", EntryStatus.APPROVED
            elif fiscal_year >= pending_from:
                planned, actual, status = "…", None, EntryStatus.NOT_ENTERED
            else:
                planned = indicator.plan[fiscal_year]
                if indicator.kind == IndicatorKind.ACTIVITY and fiscal_year <= ACTUALS_UNTIL and rng.random() < 0.03:
                    planned = "実施済"
                actual, status = self._actual(indicator, planned, fiscal_year)
            value = YearlyValue(
                indicator=indicator, fiscal_year=fiscal_year, **value_columns("planned", planned),
                **value_columns("actual", actual), status=status,
                comment=rng.choice(COMMENTS) if actual is not None and fiscal_year >= ACTUALS_UNTIL else "",
            )
            value.rate = value.achievement_rate()  # kpis.rates.rate_for, as save() would: bulk_create bypasses it
            yield value

    def _actual(self, indicator, planned, fiscal_year):
        rng = self.rng
        if fiscal_year > ENTRY_YEAR:
            return None, EntryStatus.NOT_ENTERED
        if fiscal_year == ENTRY_YEAR:
            status = rng.choices([s for s, _ in ENTRY_MIX], weights=[w for _, w in ENTRY_MIX])[0]
            if status == EntryStatus.NOT_ENTERED:
                return None, status
        else:
            status = EntryStatus.APPROVED
        roll = rng.random()
        if not isinstance(planned, Decimal) or roll < 0.04:
            return "－", status
        if roll < 0.07:
            return "…", status
        # About half reach the plan (A), a quarter are close (B), the rest fall short (C).
        factor = Decimal(rng.choice(["1.3", "1.1", "1.0", "1.0", "0.95", "0.9", "0.85", "0.7", "0.5"]))
        if indicator.direction == "down":
            factor = 2 - factor  # lower is better: doing well means a smaller actual
        return (planned * factor).quantize(Decimal("0.1")), status


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Generate a synthetic plan at N × the Sasebo demo.")
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--code", default=None)
    parser.add_argument("--replace", action="store_true", help="delete the strategy of that code first")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    strategy = generate(args.scale, code=args.code, replace=args.replace)
    counts = {
        "projects": Project.objects.filter(strategy=strategy).count(),
        "indicators": Indicator.objects.filter(strategy=strategy).count(),
        "yearly values": YearlyValue.objects.filter(indicator__strategy=strategy).count(),
    }
    print(f"{strategy.code}: " + ", ".join(f"{n} {name}" for name, n in counts.items())
          + f" ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
