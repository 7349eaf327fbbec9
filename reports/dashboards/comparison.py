"""Reads behind the comparison of cities (/dashboards/compare/), and how indicators of
different plans are matched.

A wide-area viewer (a prefecture, 広域連合) compares the approved figures of the cities
granted to it; any other user sees the cities it may read (a city's account: its own city
only). The plans come from plans.gates.readable_strategies, so the boundary decides which
cities appear; the values are read with `status = approved` in the query, so a draft, a
submitted, first-approved or returned row never leaves the database, whoever looks (the DX
office of a city included: the page is about approved figures; for other rows the page shows
未確定, never the figure).

Plans name their indicators differently, so an indicator is matched with those of other
cities by one of three keys (`BASES`):
- "code": the same indicator code (when a prefecture hands out a code list);
- "name": the same name once normalised (`normalised`: NFKC, case, spaces and punctuation);
- "category": the same category name (plans.Category) on the indicator's basic policy, its
  measure or its project; of several, the one most cities share, then the narrowest (fewest
  indicators: Sasebo's 分類 「観光」 before its 分野 「まちづくり」).
"auto" takes, per indicator, the first of code, name, category that another city shares.
A group is "shared" when two or more cities have an indicator in it.

Queries: 4 whatever the number of indicators and cities (plans, indicators, categories,
approved values per fiscal year, approved values of the year), plus the granted cities of a
wide-area viewer (plans.boundary, once per request). Matching is plain Python on the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce

from kpis.models import EntryStatus, Indicator, YearlyValue
from kpis.values import column_names
from plans import achievement
from plans.gates import readable_strategies
from plans.models import BasicPolicy, Measure
from projects.models import Project
from reports.dashboards.selectors import ValueRow
from reports.dashboards.summary import Grader

AUTO, CODE, NAME, CATEGORY = "auto", "code", "name", "category"
BASES = (AUTO, CODE, NAME, CATEGORY)

_VALUE_COLUMNS = ("indicator_id", "fiscal_year", "status", *column_names("planned"), *column_names("actual"), "rate")
_IGNORED = re.compile(r"[\s・･、,，。.．「」『』()\[\]【】〔〕/／:：]+")


def normalised(text: str) -> str:
    """The key two spellings of one name share: NFKC (全角 → 半角), case folded, spaces and
    punctuation dropped (「オンライン申請率（％）」 and 「オンライン 申請率(%)」 match)."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


@dataclass(slots=True)
class Plan:
    """A readable plan with its city and its own names of the levels (label_*)."""

    id: int
    code: str
    title: str
    municipality_id: int
    municipality_code: str
    municipality: str
    label_basic_policy: str
    label_measure: str
    label_project: str
    fiscal_years: list[int]
    grader: Grader


@dataclass(slots=True)
class CityRow:
    """One indicator of one city in a group, with its approved value of the fiscal year."""

    plan: Plan
    id: int
    code: str
    name: str
    unit: str
    kind: str
    order: tuple
    places: list[tuple[str, str]]  # (the plan's label of the level, the node's code)
    categories: list[tuple[str, str]]  # (normalised name, name), vocabulary order
    value: ValueRow | None = None  # approved rows only

    @property
    def label(self) -> str:
        return self.name or self.code or f"#{self.id}"

    @property
    def grade(self) -> str:
        return self.plan.grader(self.value.rate if self.value else None)

    @property
    def tone(self) -> str:
        return self.plan.grader.tone(self.grade)


@dataclass(slots=True)
class Group:
    basis: str  # CODE, NAME or CATEGORY: what the rows share
    key: str
    title: str
    rows: list[CityRow] = field(default_factory=list)

    @property
    def cities(self) -> int:
        return len({row.plan.municipality_id for row in self.rows})

    @property
    def shared(self) -> bool:
        return self.cities > 1


def plans_of(user) -> list[Plan]:
    """The plans the user may read, city by city (1 query; the boundary's granted cities are
    asked once per request)."""
    strategies = (readable_strategies(user).select_related("municipality")
                  .order_by("municipality__code", "order", "code"))
    return [
        Plan(s.pk, s.code, s.title, s.municipality_id, s.municipality.code, s.municipality.name,
             s.label_basic_policy, s.label_measure, s.label_project, s.fiscal_years, Grader(s.bands()))
        for s in strategies
    ]


def city_rows(plans: list[Plan]) -> list[CityRow]:
    """The indicators of `plans`, in plan order, with where each sits in its plan and the
    categories it is classified under (2 queries: indicators, categories)."""
    by_id = {plan.id: (position, plan) for position, plan in enumerate(plans)}
    ids = list(by_id)
    indicators = (
        Indicator.objects.filter(strategy_id__in=ids)
        .annotate(
            policy_code=Coalesce("basic_policy__code", "measure__basic_policy__code", "project__basic_policy__code"),
            policy_key=Coalesce("basic_policy_id", "measure__basic_policy_id", "project__basic_policy_id"),
            measure_code=Coalesce("measure__code", "project__measure__code"),
            measure_key=Coalesce("measure_id", "project__measure_id"),
        )
        .order_by("strategy_id", "order", "pk")
        .values_list("id", "strategy_id", "code", "name", "unit", "kind", "order",
                     "policy_code", "policy_key", "measure_code", "measure_key", "project_id", "project__code")
    )
    categories = _categories(ids)
    rows = []
    for (pk, strategy_id, code, name, unit, kind, order, policy_code, policy_id, measure_code, measure_id,
         project_id, project_code) in indicators:
        position, plan = by_id[strategy_id]
        places = [(label, node) for label, node in (
            (plan.label_basic_policy, policy_code), (plan.label_measure, measure_code),
            (plan.label_project, project_code)) if node]
        found = (categories.get(("policy", policy_id), []) + categories.get(("measure", measure_id), [])
                 + categories.get(("project", project_id), []))
        found = sorted(dict.fromkeys(found), key=lambda c: c[0])
        rows.append(CityRow(plan, pk, code, name, unit, kind, (position, order, pk), places,
                            list(dict.fromkeys((key, title) for _order, key, title in found))))
    return rows


def _categories(strategy_ids) -> dict[tuple[str, int], list[tuple]]:
    """((node kind, id) → [(order, normalised name, name)]) of the basic policies, measures and
    projects of the plans (1 query: a union of the three classifications)."""
    def through(model, owner, strategy_path, kind):
        return (model.categories.through.objects.filter(**{f"{owner}__{strategy_path}__in": strategy_ids})
                .annotate(node=Value(kind), node_id=F(f"{owner}_id"), vocabulary_order=F("category__vocabulary__order"),
                          vocabulary_id=F("category__vocabulary_id"), category_order=F("category__order"),
                          category_name=F("category__name"))
                .values_list("node", "node_id", "vocabulary_order", "vocabulary_id", "category_order", "category_name"))

    union = through(BasicPolicy, "basicpolicy", "strategy_id", "policy").union(
        through(Measure, "measure", "basic_policy__strategy_id", "measure"),
        through(Project, "project", "strategy_id", "project"),
        all=True,
    )
    result: dict = {}
    for kind, node_id, vocabulary_order, vocabulary_id, category_order, name in union:
        key = normalised(name)
        if key:
            result.setdefault((kind, node_id), []).append(((vocabulary_order, vocabulary_id, category_order), key, name))
    return result


def _approved(plans: list[Plan]):
    """Approved rows only: every value this page reads passes here."""
    return YearlyValue.objects.filter(indicator__strategy_id__in=[plan.id for plan in plans],
                                      status=EntryStatus.APPROVED)


def approved_counts(plans: list[Plan]) -> dict[int, int]:
    """fiscal year → approved numeric actuals over `plans` (1 query), for the year choice."""
    rows = (_approved(plans).filter(actual_state=achievement.NUMBER).values("fiscal_year")
            .annotate(n=Count("*")).order_by().values_list("fiscal_year", "n"))
    return dict(rows)


def attach_approved_values(rows: list[CityRow], plans: list[Plan], fiscal_year: int) -> None:
    """Set `value` on each row: its approved value of `fiscal_year`, else None (1 query)."""
    by_indicator = {row.id: row for row in rows}
    for indicator_id, year, *columns in _approved(plans).filter(fiscal_year=fiscal_year).values_list(*_VALUE_COLUMNS):
        row = by_indicator.get(indicator_id)
        if row is not None:
            row.value = ValueRow(year, *columns)


def match(rows: list[CityRow], basis: str) -> list[Group]:
    """The rows grouped by what they share across cities (`basis`, see the module), shared
    groups first (most cities first), then by title; rows in plan order. Plain Python."""
    cities: dict[tuple[str, str], set] = {}
    sizes: Counter = Counter()

    for row in rows:
        keys = [(CODE, normalised(row.code)), (NAME, normalised(row.name))]
        keys += [(CATEGORY, key) for key, _title in row.categories]
        for key in keys:
            if key[1]:
                cities.setdefault(key, set()).add(row.plan.municipality_id)
                sizes[key] += 1

    def shared(key) -> int:
        found = len(cities.get(key, ()))
        return found if found > 1 else 0

    groups: dict[tuple[str, str], Group] = {}
    for row in rows:
        key, title = _key(row, basis, shared, sizes)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key[0], key[1], title)
        group.rows.append(row)
    result = list(groups.values())
    for group in result:
        group.rows.sort(key=lambda r: r.order)
    result.sort(key=lambda g: (-g.cities, g.title, g.basis, g.key))
    return result


def _key(row: CityRow, basis: str, shared, sizes) -> tuple[tuple[str, str], str]:
    """The group of one row: ((basis, key), title)."""
    code, name = (CODE, normalised(row.code)), (NAME, normalised(row.name))
    categories = [((CATEGORY, key), title) for key, title in row.categories]
    # Of several categories: the one most cities share, then the narrowest, then vocabulary order.
    categories.sort(key=lambda c: (-shared(c[0]), sizes[c[0]]))
    if basis == AUTO:
        if code[1] and shared(code):
            return code, row.code
        if name[1] and shared(name):
            return name, row.name
        if categories and shared(categories[0][0]):
            return categories[0]
        if name[1]:
            return name, row.name
    elif basis == CODE and code[1]:
        return code, row.code
    elif basis == NAME and name[1]:
        return name, row.name
    elif basis == CATEGORY and categories:
        return categories[0]
    # Nothing to match by on this basis: a group of its own.
    return (NAME if basis == AUTO else basis, f"#{row.id}"), row.label
