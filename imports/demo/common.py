"""Shared helpers of the demo loader: CSV reading, idempotent upserts, counting.

Idempotence is the point: an object is saved only when a field really changed, so a
second run writes nothing (no UPDATE, no django-simple-history row).
"""

import csv
import unicodedata
from collections import Counter, defaultdict

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from kpis.values import value_places
from plans import achievement
from plans.models import Department

FIXTURES = settings.BASE_DIR / "fixtures"
UNCERTAIN = "出典の読み取りに不確かさあり: "

# The CSVs spell 「－」 and 「…」 as NA / NA_PENDING so they can't be mistaken for text.
_MARKS = {"NA": achievement.NOT_APPLICABLE_MARK, "NA_PENDING": achievement.NOT_SET_MARK}


def read_csv(folder: str, name: str) -> list[dict]:
    with open(FIXTURES / folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def same_text(a: str, b: str) -> bool:
    """Titles compared as the README does: NFKC, whitespace ignored."""
    return "".join(unicodedata.normalize("NFKC", a).split()) == "".join(unicodedata.normalize("NFKC", b).split())


def uncertain(reason: str | None) -> str:
    """The note for a cell or row the README lists as uncertain ('' when it isn't)."""
    return UNCERTAIN + reason if reason else ""


def join_notes(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def cell(raw: str) -> achievement.Value:
    return achievement.Value.of(_MARKS.get(raw.strip(), raw))


def decimal_places(raw: str) -> int:
    """Decimals a printed number carries ("75.0" -> 1), kept beside the Decimal column."""
    return value_places(cell(raw))


def _differs(obj, name: str, new) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:  # compare ids, so no related object is fetched
        return getattr(obj, field.attname) != (new.pk if new is not None else None)
    return getattr(obj, name) != new


def upsert(model, lookup: dict, values: dict, m2m: dict | None = None):
    """Create or update one object; returns (obj, "created" | "updated" | "unchanged").

    ``m2m`` maps a many-to-many field to the complete list of objects it should hold.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        for name, targets in (m2m or {}).items():
            getattr(obj, name).set(targets)
        return obj, "created"
    changed = [name for name, new in values.items() if _differs(obj, name, new)]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    for name, targets in (m2m or {}).items():
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
            manager.set(targets)
            changed.append(name)
    return obj, "updated" if changed else "unchanged"


class Tally:
    """Counts created / updated / unchanged per model, keyed by the model's label."""

    def __init__(self, stdout=None):
        self.counts = defaultdict(Counter)
        self.stdout = stdout

    def record(self, model, status: str, n: int = 1):
        self.counts[model._meta.label][status] += n

    def upsert(self, model, lookup: dict, values: dict | None = None, m2m: dict | None = None):
        obj, status = upsert(model, lookup, values or {}, m2m)
        self.record(model, status)
        return obj

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def result(self) -> dict:
        return {
            label: {status: counter[status] for status in ("created", "updated", "unchanged")}
            for label, counter in sorted(self.counts.items())
        }


def department(tally: Tally, municipality, name: str, *, parent=None, order: int = 0) -> Department:
    return tally.upsert(
        Department, {"municipality": municipality, "name": name}, {"parent": parent, "order": order}
    )


def touched_by_a_person(value) -> bool:
    """A yearly value someone entered, reviewed or revised (the services set updated_by)."""
    return value.updated_by_id is not None


def bulk_sync(tally: Tally, model, keys: tuple[str, ...], rows: list[dict], existing, *, bump_version=False,
              keep=None):
    """Upsert many rows of one model with one read: new rows in one bulk insert.

    ``rows`` use attnames (``project_id``); ``existing`` is a queryset covering them.
    Updated rows are saved one by one (rare), so history and ``auto_now`` still apply;
    ``bump_version`` increments ``version`` as the yearly-value services do.
    ``keep(obj)`` true means a person has worked on the row: it is left as it is, so
    re-running load_demo (every `make run`) never overwrites what users entered.
    """
    by_key = {tuple(getattr(obj, key) for key in keys): obj for obj in existing}
    new = []
    for row in rows:
        obj = by_key.get(tuple(row[key] for key in keys))
        if obj is None:
            new.append(model(**row))
            continue
        if keep is not None and keep(obj):
            tally.record(model, "unchanged")
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if not changed:
            tally.record(model, "unchanged")
            continue
        for name in changed:
            setattr(obj, name, row[name])
        if bump_version:
            obj.version += 1
        obj.save()
        tally.record(model, "updated")
    if new:
        if hasattr(model, "history"):
            bulk_create_with_history(new, model)
        else:
            model.objects.bulk_create(new)
        tally.record(model, "created", len(new))
