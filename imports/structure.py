"""Finding (or, once confirmed, creating) what rows refer to: departments, categories,
basic policies, measures and steps.

The whole structure of the strategy and its municipality is loaded once (a handful of
queries; it is small beside the projects and values). A name that matches nothing is
never guessed: it is listed as unknown and is created only with create_missing, or
resolved through the mapping the user chose (printed name → existing name or code).
Comparison is exact after NFKC and without whitespace (values.key_text). Basic policies
are found through an index (a city list has hundreds of them, each row names one);
measures and steps through their parent's few children.
"""

from __future__ import annotations

from collections import defaultdict

from imports.records import CategoryRef, NodeRef, StepRef, Where
from imports.values import key_text
from plans.models import BasicPolicy, Category, CategoryVocabulary, Department, Measure, Step

UNKNOWN_KINDS = ("department", "category", "basic_policy", "measure", "step")
ROWS_SHOWN = 5


class Unknown:
    __slots__ = ("kind", "printed", "rows", "count")  # one per unknown name: thousands in a large file

    def __init__(self, kind: str, printed: str):
        self.kind, self.printed, self.rows, self.count = kind, printed, [], 0

    def seen(self, where: Where):
        self.count += 1
        if len(self.rows) < ROWS_SHOWN:
            self.rows.append(f"{where.sheet}!{where.row}")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "printed": self.printed, "rows": self.rows, "count": self.count}


class Structure:
    """Resolves references; `save(obj)` stores a created object (a no-op in a preview),
    `defer(obj)` hands over a created basic policy, measure or step to be stored with the batch."""

    def __init__(self, *, strategy, municipality, mapping: dict, create_missing: bool, tally, save, defer):
        self.strategy, self.municipality = strategy, municipality
        self.mapping = {kind: {key_text(k): v for k, v in (mapping or {}).get(kind, {}).items()} for kind in UNKNOWN_KINDS}
        self.create_missing, self.tally, self.save, self.defer = create_missing, tally, save, defer
        self.unknown: dict[tuple[str, str], Unknown] = {}
        self.bad_mappings: list[tuple[str, str, str]] = []
        self._cache: dict[tuple, object] = {}
        self._load()

    # --- loading -------------------------------------------------------------------------

    def _load(self):
        self.departments: dict[str, Department] = {}
        if self.municipality.pk:
            for department in Department.objects.filter(municipality=self.municipality).select_related("parent"):
                self._index_department(department)
        self.vocabularies, self.categories = {}, {}
        self.policies: list[BasicPolicy] = []
        self._policy_index: dict | None = None  # ("code" | "title", key) → first policy with it
        self._last_policy_order = 0
        self.measures = defaultdict(list)  # policy key → [Measure]
        self.steps = defaultdict(list)  # measure key → [Step]
        if not self.strategy.pk:
            return
        for vocabulary in CategoryVocabulary.objects.filter(strategy=self.strategy):
            self.vocabularies[vocabulary.code] = vocabulary
        for category in Category.objects.filter(vocabulary__strategy=self.strategy).select_related("vocabulary"):
            self.categories[(category.vocabulary.code, key_text(category.name))] = category
        self.policies = list(BasicPolicy.objects.filter(strategy=self.strategy).order_by("order"))
        by_id = {policy.pk: policy for policy in self.policies}
        for measure in Measure.objects.filter(basic_policy__strategy=self.strategy).order_by("order"):
            measure.basic_policy = by_id[measure.basic_policy_id]
            self.measures[id(measure.basic_policy)].append(measure)
        measures = {m.pk: m for ms in self.measures.values() for m in ms}
        for step in Step.objects.filter(measure__basic_policy__strategy=self.strategy).order_by("order"):
            step.measure = measures[step.measure_id]
            self.steps[id(step.measure)].append(step)

    def _index_department(self, department: Department):
        self.departments.setdefault(key_text(department.name), department)
        if department.parent_id:
            for joined in (f"{department.parent.name}/{department.name}", f"{department.parent.name}{department.name}"):
                self.departments.setdefault(key_text(joined), department)

    # --- shared --------------------------------------------------------------------------

    def _missing(self, kind: str, printed: str, where: Where) -> bool:
        """Record an unknown reference; True when it may be created."""
        key = (kind, key_text(printed))
        if key not in self.unknown:
            self.unknown[key] = Unknown(kind, printed)
        self.unknown[key].seen(where)
        return self.create_missing

    def _mapped(self, kind: str, printed: str):
        return self.mapping[kind].get(key_text(printed))

    def _bad_mapping(self, kind, printed, target):
        if (kind, printed, target) not in self.bad_mappings:
            self.bad_mappings.append((kind, printed, str(target)))

    # --- departments ---------------------------------------------------------------------

    def department(self, printed: str | None, where: Where):
        """Department, None for a blank cell; KEEP is the caller's business (printed None)."""
        if not printed:
            return None
        key = ("department", key_text(printed))
        if key in self._cache:
            found = self._cache[key]
            if found is None:
                self._missing("department", printed, where)
            else:
                self.tally("department", "unchanged", found)
            return found
        target = self._mapped("department", printed)
        if target:
            found = self.departments.get(key_text(str(target)))
            if found is None:
                self._bad_mapping("department", printed, target)
        else:
            found = self.departments.get(key_text(printed))
            if found is None and self._missing("department", printed, where):
                found = self._create_department(printed)
        if found is not None:
            self.tally("department", "unchanged", found)
        self._cache[key] = found
        return found

    def _create_department(self, printed: str) -> Department:
        parent_name, slash, name = printed.strip().rpartition("/")
        parent = None
        if slash:
            parent = self.departments.get(key_text(parent_name)) or self._create_department(parent_name)
        department = Department(municipality=self.municipality, parent=parent, name=name.strip(),
                                order=len({id(d) for d in self.departments.values()}) + 1)
        self.save(department)
        self._index_department(department)
        self.tally("department", "created", department)
        return department

    # --- categories ----------------------------------------------------------------------

    def category(self, ref: CategoryRef, where: Where):
        key = (ref.vocabulary_code, key_text(ref.name))
        if key in self.categories:
            self.tally("category", "unchanged", self.categories[key])
            return self.categories[key]
        target = self._mapped("category", ref.printed)
        if target:
            found = self.categories.get((ref.vocabulary_code, key_text(str(target))))
            if found is None:
                self._bad_mapping("category", ref.printed, target)
            return found
        if not self._missing("category", ref.printed, where):
            return None
        vocabulary = self.vocabularies.get(ref.vocabulary_code)
        if vocabulary is None:
            vocabulary = CategoryVocabulary(strategy=self.strategy, code=ref.vocabulary_code, name=ref.vocabulary_name,
                                            order=len(self.vocabularies) + 1)
            self.save(vocabulary)
            self.vocabularies[ref.vocabulary_code] = vocabulary
            self.tally("category_vocabulary", "created", vocabulary)
        order = 1 + sum(1 for (code, _) in self.categories if code == ref.vocabulary_code)
        category = Category(vocabulary=vocabulary, code=ref.name[:40], name=ref.name, order=order)
        self.save(category)
        self.categories[key] = category
        self.tally("category", "created", category)
        return category

    # --- basic policies, measures, steps -------------------------------------------------

    def policy(self, ref: NodeRef, where: Where, *, short_name: str = "", categories=()):
        index = self._policies_by_key()
        found = index.get(("code", ref.code) if ref.code else ("title", key_text(ref.title)))
        if found is None:
            target = self._mapped("basic_policy", ref.printed)
            if target:
                found = index.get(("code", str(target)))
                if found is None:
                    self._bad_mapping("basic_policy", ref.printed, target)
                return found
            if not self._missing("basic_policy", ref.printed, where):
                return None
            order = self._last_policy_order + 1
            code = ref.code or self._free_code(lambda c: ("code", c) in index, order)
            found = BasicPolicy(strategy=self.strategy, code=code, title=ref.title or ref.code, order=order,
                                short_name=short_name[:60])
            self.defer(found, m2m={"categories": [c for c in categories if c is not None]})
            self._add_policy(found)
            self.tally("basic_policy", "created", found)
        else:
            self._retitle("basic_policy", found, ref)
        return found

    def _policies_by_key(self) -> dict:
        if self._policy_index is None:
            self._policy_index, self._last_policy_order = {}, 0
            for policy in self.policies:
                self._index_policy(policy)
        return self._policy_index

    def _index_policy(self, policy):
        # First match wins, as a scan of the list in order would find it.
        for key in (("code", policy.code), ("title", key_text(policy.title)), ("title", key_text(policy.short_name))):
            self._policy_index.setdefault(key, policy)
        self._last_policy_order = max(self._last_policy_order, policy.order)

    def _add_policy(self, policy):
        self.policies.append(policy)
        self._index_policy(policy)

    def measure(self, policy, ref: NodeRef, where: Where):
        siblings = self.measures[id(policy)]
        found = self._find_node(siblings, ref, extra=("alt_title",))
        printed = f"{policy.code} / {ref.printed}"
        if found is None:
            target = self._mapped("measure", printed)
            if target:
                found = next((m for m in siblings if m.code == str(target)), None)
                if found is None:
                    self._bad_mapping("measure", printed, target)
                return found
            if not self._missing("measure", printed, where):
                return None
            order = max((m.order for m in siblings), default=0) + 1
            codes = {m.code for m in siblings}
            found = Measure(basic_policy=policy, code=ref.code or self._free_code(codes.__contains__, order),
                            title=ref.title or ref.code, order=order)
            self.defer(found)
            siblings.append(found)
            self.tally("measure", "created", found)
        else:
            self._retitle("measure", found, ref)
        return found

    def step(self, measure, ref: StepRef, where: Where):
        siblings = self.steps[id(measure)]
        if ref.order is not None:
            found = next((s for s in siblings if s.order == ref.order), None)
        else:
            # Step codes repeat (Sasebo's 保健福祉 2-b-1): code and title together identify one.
            found = next((s for s in siblings if s.code == ref.code and key_text(s.title) == key_text(ref.title)), None)
            if found is None and not ref.title:
                same_code = [s for s in siblings if s.code == ref.code]
                found = same_code[0] if len(same_code) == 1 else None
        if found is None:
            if not self._missing("step", f"{measure.basic_policy.code} / {measure.code} / {ref.printed}", where):
                return None
            order = ref.order if ref.order is not None else max((s.order for s in siblings), default=0) + 1
            found = Step(measure=measure, code=ref.code, title=ref.title or ref.code, order=order)
            self.defer(found)
            siblings.append(found)
            self.tally("step", "created", found)
        elif ref.order is not None and (found.code, found.title) != (ref.code, ref.title or ref.code):
            found.code, found.title = ref.code, ref.title or ref.code
            self.save(found, fields=["code", "title"])
            self.tally("step", "updated", found)
        else:
            self.tally("step", "unchanged", found)
        return found

    def _find_node(self, nodes, ref: NodeRef, *, extra=()):
        if ref.code:
            return next((n for n in nodes if n.code == ref.code), None)
        title = key_text(ref.title)
        return next((n for n in nodes if title in {key_text(n.title), *(key_text(getattr(n, f)) for f in extra)}), None)

    def _retitle(self, level: str, node, ref: NodeRef):
        """A node found by its code takes the title the workbook gives (counted once per node)."""
        if ref.code and ref.title and node.title != ref.title:
            node.title = ref.title
            if level == "basic_policy":
                self._policy_index = None  # its old title no longer finds it: index again when next asked
            self.save(node, fields=["title"])
            self.tally(level, "updated", node)
        else:
            self.tally(level, "unchanged", node)

    @staticmethod
    def _free_code(taken, order: int) -> str:
        code = f"{order:02d}"
        while taken(code):
            order += 1
            code = f"{order:02d}"
        return code
