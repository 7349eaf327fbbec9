"""Plain SQL writes for the import, with their django-simple-history rows.

The planner keeps rows as dicts keyed by attname: stored ones read with `Table.rows()`
(QuerySet.values), new ones from `Table.new()` with the model's defaults. A batch is
written with INSERT … RETURNING id (a multi-row VALUES list; on PostgreSQL one array per
column, as Django's bulk_create does) and an UPDATE executed per row; the history
rows are then copied from the stored rows in SQL (INSERT INTO the history table … SELECT
… FROM the table), with the date, user, change reason and type ("+" created, "~" changed)
that simple-history's bulk helpers give. Why not those helpers: bulk_create prepares
every field of every row through the ORM and they build a model instance per history row,
which was most of the import's time (issue 6).

A value in a row may be a model instance not stored yet (a basic policy created in the
same batch): it is written as its primary key, which it has by then.
"""

from __future__ import annotations

import operator

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

# Fields whose values the planner hands over as the drivers take them: str, int, bool,
# Decimal or None (what get_db_prep_save returns for those). Others go through the field.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DecimalField)
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user_id")
DEFAULT_MAX_PARAMS = 32_000  # PostgreSQL's wire protocol allows 65,535
NEW = object()  # the id of a row a preview would create


def key_of(obj):
    """What a reference to `obj` holds: its primary key, or `obj` itself until it is stored."""
    if obj is None:
        return None
    return obj.pk if obj.pk is not None else obj


def differs(current, new) -> bool:
    return new is NEW or isinstance(new, models.Model) or current != new


class Table:
    def __init__(self, model: type[models.Model]):
        meta = model._meta
        self.model, self.pk = model, meta.pk.attname
        self.connection = connections[router.db_for_write(model)]
        quote = self.connection.ops.quote_name
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self._known = frozenset(self.attnames) | {self.pk}
        self._static, self._dynamic = {}, []
        for field in self.fields:
            if field.has_default() and callable(field.default):
                self._dynamic.append(field)
            else:
                self._static[field.attname] = field.get_default()
        self._get = operator.itemgetter(*self.attnames)
        preparers = [_preparer(f, self.connection) for f in self.fields]
        self._prepare = [(i, prepare) for i, prepare in enumerate(preparers) if prepare is not None]
        self._relations = [i for i, f in enumerate(self.fields) if f.is_relation]
        self.sql_table, self.sql_pk = quote(meta.db_table), quote(meta.pk.column)
        self._columns = ", ".join(quote(f.column) for f in self.fields)
        self._row_sql = "(" + ",".join(["%s"] * len(self.fields)) + ")"
        self._unnest = _unnest_sql(self.fields, self.connection)
        self._history = _HistoryCopy(self) if hasattr(model, "history") else None

    # --- rows ----------------------------------------------------------------------------

    def rows(self, **filters) -> list[dict]:
        """Stored rows as dicts of attname → value (the model's converters applied)."""
        return list(self.model._default_manager.filter(**filters).values(self.pk, *self.attnames))

    def new(self, **values) -> dict:
        """A row not stored yet: the model's defaults, then `values` (attnames)."""
        unknown = values.keys() - self._known
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {sorted(unknown)}")
        row = {**self._static, **{f.attname: f.get_default() for f in self._dynamic}, **values}
        row[self.pk] = None
        return row

    def _values(self, row: dict) -> list:
        values = list(self._get(row))
        for index, prepare in self._prepare:
            values[index] = prepare(values[index])
        for index in self._relations:
            if isinstance(values[index], models.Model):
                values[index] = values[index].pk
        return values

    # --- writes --------------------------------------------------------------------------

    def insert(self, rows: list[dict]) -> list:
        """Store new rows; sets each row's primary key and returns the keys in order."""
        if not rows:
            return []
        if not self.connection.features.can_return_rows_from_bulk_insert:
            raise NotImplementedError(f"{self.connection.vendor} cannot return ids from a bulk insert")
        ids = []
        with self.connection.cursor() as cursor:
            for part in self._parts(rows):
                values = [self._values(row) for row in part]
                if self._unnest:  # one array per column, as Django's bulk_create does on PostgreSQL
                    sql, params = f"SELECT * FROM {self._unnest}", [list(column) for column in zip(*values)]
                else:
                    sql, params = f"VALUES {','.join([self._row_sql] * len(part))}", [v for row in values for v in row]
                cursor.execute(f"INSERT INTO {self.sql_table} ({self._columns}) {sql} RETURNING {self.sql_pk}", params)
                returned = [found[0] for found in cursor.fetchall()]
                for row, pk in zip(part, returned):
                    row[self.pk] = pk
                ids += returned
        return ids

    def _parts(self, rows):
        return [rows] if self._unnest else _chunks(rows, _max_params(self.connection) // len(self.fields))

    def insert_plain(self, columns: tuple[str, ...], values: list[tuple]):
        """Rows whose ids nobody needs (project years, m2m links): one statement run per row."""
        if not values:
            return
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(self.model._meta.get_field(c).column) for c in columns)
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.sql_table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                               values)

    def update(self, rows: list[dict], attnames) -> None:
        """Write `attnames` of stored rows (one UPDATE per row, executed as one statement)."""
        if not rows:
            return
        quote = self.connection.ops.quote_name
        fields = [self.model._meta.get_field(name) for name in attnames]
        prepare = [_preparer(f, self.connection) for f in fields]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        params = []
        for row in rows:
            values = [(p(row[f.attname]) if p else row[f.attname]) for f, p in zip(fields, prepare)]
            params.append([v.pk if isinstance(v, models.Model) else v for v in values] + [row[self.pk]])
        with self.connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {self.sql_table} SET {assignments} WHERE {self.sql_pk} = %s", params)

    def record_history(self, ids: list, history_type: str, *, user, reason: str, date=None) -> None:
        """History rows of stored rows `ids`, as simple-history's bulk helpers write them."""
        if self._history is not None and ids and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            self._history.copy(ids, history_type, user=user, reason=reason, date=date)


class _HistoryCopy:
    def __init__(self, table: Table):
        history = table.model.history.model
        connection, quote = table.connection, table.connection.ops.quote_name
        self.table, self.history = table, history
        tracked = [f.column for f in history.tracked_fields]
        known = {*(f.attname for f in history.tracked_fields), "history_id", *_HISTORY_EXTRA}
        other = [f.attname for f in history._meta.concrete_fields if f.attname not in known]
        if other or not isinstance(history._meta.pk, models.AutoField):
            raise NotImplementedError(f"{history.__name__}: history fields {other} are not written by the import")
        self.date_field = history._meta.get_field("history_date")
        self.sql = (
            f"INSERT INTO {quote(history._meta.db_table)} "
            f"({', '.join(quote(c) for c in tracked + list(_HISTORY_EXTRA))}) "
            f"SELECT {', '.join(quote(c) for c in tracked)}, %s, %s, %s, %s FROM {table.sql_table} "
            f"WHERE {table.sql_pk} {{}} ORDER BY {table.sql_pk}"
        )
        self.connection = connection

    def copy(self, ids, history_type, *, user, reason, date):
        # The user simple-history would record: the given one, else its default (the request's).
        user = user or self.history.get_default_history_user(self.table.model())
        stamp = [self.date_field.get_db_prep_save(date or timezone.now(), self.connection), reason, history_type,
                 getattr(user, "pk", None)]
        with self.connection.cursor() as cursor:
            if list(ids) == list(range(ids[0], ids[0] + len(ids))):  # one insert's ids, as a rule
                cursor.execute(self.sql.format("BETWEEN %s AND %s"), [*stamp, ids[0], ids[-1]])
                return
            for part in _chunks(list(ids), _max_params(self.connection) - len(stamp)):
                cursor.execute(self.sql.format(f"IN ({','.join(['%s'] * len(part))})"), stamp + part)


def _preparer(field, connection):
    """None when values pass as they are; else a function giving the value the driver takes."""
    if isinstance(field, _PLAIN) or (field.is_relation and field.many_to_one):
        return None
    last = [object(), None]  # the same `now` is written on every row of a batch: prepare it once

    def prepare(value):
        if value is None:
            return None
        if value is not last[0]:
            last[:] = [value, field.get_db_prep_save(value, connection)]
        return last[1]
    return prepare


def _unnest_sql(fields, connection) -> str:
    """UNNEST((%s)::type[], …) where PostgreSQL can take every column as an array (the
    conditions of Django's own SQLInsertCompiler); "" elsewhere. A multi-row VALUES list
    there is a long statement that psycopg splits anew each time, and the server plans."""
    if connection.vendor != "postgresql" or any(
        hasattr(f, "get_placeholder")
        or (f.target_field if f.is_relation else f).get_internal_type() not in connection.data_types
        for f in fields
    ):
        return ""
    return "UNNEST(" + ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields) + ")"


def _chunks(items: list, size: int):
    """Full chunks of `size`, then the rest in powers of two: statements keep a few shapes,
    so the driver's cache of prepared statements serves them and stays small."""
    start, size = 0, max(1, size)
    while start < len(items):
        left = len(items) - start
        step = size if left >= size else 1 << (left.bit_length() - 1)
        yield items[start:start + step]
        start += step


def _max_params(connection) -> int:
    return connection.features.max_query_params or DEFAULT_MAX_PARAMS
