"""A cache for the dashboards' plan-wide counts that can never serve figures older than
the last committed change.

Counting a whole plan costs time that grows with the plan (about 150 ms of queries at
100× the Sasebo plan), while the figures change only when someone writes. So the counts
are cached under a *data version*: a random token in the shared cache, replaced after
every committed write to a table of the plan apps (kpis, plans, projects). Writes are
seen at the lowest level, a wrapper on every database cursor, so bulk inserts, updates,
raw SQL of the import and deletions all count, not only model saves.

Why this cannot go stale:
- the token is replaced after the commit, so a count made before the commit was stored
  under the old token and is never read again; one made between the commit and the
  replacement is already fresh;
- counts are cached only outside transactions (autocommit reads), so uncommitted rows,
  which a rollback would take back, are never cached;
- a new process replaces the token on its first use, so a cache that outlived its
  database (a test run, a restore) is never read.
The TTL only bounds the memory the cache holds.

One version per plan besides the global one (issue 16): a count of a plan is kept under
both (read in one round trip, get_many). Writes to the value tables made inside
plans.write_scope.writing_strategy(id) (the entry round's services) replace only that
plan's version, so a save in Sasebo leaves Nagasaki's counts cached; every other write
replaces the global version, emptying every plan's counts as before.

When the cache cannot be reached (dxplan.cache answers "not cached" and drops writes),
counts are computed uncached. A write whose new token did not reach the cache leaves the
old token there; the writing process replaces it at its next use that reaches the cache,
and every other process that saw the outage does so too (a failed read resets it). A
process that saw nothing of an outage can serve the older counts until that replacement
or the TTL, whichever comes first.

Used only with a cache shared by every process (Redis: DXPLAN_CACHE_URL, or the Celery
broker's Redis); the embedded default (per-process memory) leaves it off, because a
write by another process (a command, a worker) would not be seen there.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created

from plans.write_scope import written_strategy

VERSION_KEY = "dashboards:version"
TTL = 60 * 60
WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|(TRUNCATE))\s+(?:TABLE\s+)?"?(\w+)',
                   re.IGNORECASE)
WATCHED_PREFIXES = ("kpis_", "plans_", "projects_")
# Tables of those apps that no count reads: a login (last_login) must not empty the cache.
# A change of a user's department needs nothing either: what a user may see is in the key.
UNWATCHED = re.compile(r"^(?:plans_user\w*|plans_importrun|kpis_reminderlog|\w+_historical\w+)$")
# Tables whose writes inside plans.write_scope.writing_strategy replace that plan's version only.
PER_PLAN = frozenset({"kpis_yearlyvalue", "kpis_reviewevent"})
_process_started = False


def enabled() -> bool:
    return settings.DXPLAN_DASHBOARD_CACHE


def _written_table(sql: str) -> str | None:
    """The table a statement writes that the dashboards read ("*" for TRUNCATE), else None."""
    match = WRITE.match(sql)
    if not match:
        return None
    if match.group(1):  # TRUNCATE: many tables
        return "*"
    table = match.group(2).lower()
    return table if table.startswith(WATCHED_PREFIXES) and not UNWATCHED.match(table) else None


def touches_plan(sql: str) -> bool:
    """Whether a statement writes to a table the dashboards read."""
    return _written_table(sql) is not None


def _version_key(strategy_id: int | None) -> str:
    return VERSION_KEY if strategy_id is None else f"{VERSION_KEY}:{strategy_id}"


def new_version(strategy_id: int | None = None) -> None:
    """Replace the global version (None: every plan's counts) or one plan's."""
    global _process_started
    if cache.set(_version_key(strategy_id), uuid.uuid4().hex, None) is False:  # the cache is down (dxplan.cache)
        _process_started = False  # so the next use that reaches it replaces the token first


def _version(strategy_id: int | None = None) -> str | None:
    """The current tokens (global, and the plan's), read in one round trip; None while the
    cache cannot be reached (then nothing is cached)."""
    global _process_started
    if not _process_started:
        _process_started = True
        new_version()
    keys = [_version_key(None)] + ([] if strategy_id is None else [_version_key(strategy_id)])
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        cache.set_many({key: uuid.uuid4().hex for key in missing}, None)
        found = cache.get_many(keys)
        if any(key not in found for key in keys):
            return None
    return ".".join(found[key] for key in keys)


def _after_write(alias: str, strategy_id: int | None = None) -> None:
    """Replace the version once the transaction commits (at once in autocommit)."""
    connection = connections[alias]
    pending = getattr(connection, "run_on_commit", [])
    replace = _replacer(strategy_id)
    if any(entry[1] is replace for entry in pending):
        return
    transaction.on_commit(replace, using=alias)


_replacers: dict = {None: new_version}


def _replacer(strategy_id):
    """One function per plan, so a transaction queues each replacement once."""
    if strategy_id not in _replacers:
        _replacers[strategy_id] = lambda: new_version(strategy_id)
    return _replacers[strategy_id]


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and isinstance(sql, str):
        table = _written_table(sql)
        if table is not None:
            _after_write(context["connection"].alias, written_strategy() if table in PER_PLAN else None)
    return result


def _install_on(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch writes on every connection (called from ReportsConfig.ready)."""
    connection_created.connect(_install_on, dispatch_uid="dashboards-cache-watch")
    for connection in connections.all(initialized_only=True):
        _install_on(None, connection)


def remember(name: str, parts: tuple, compute, *, strategy_id: int | None = None, using: str = "default"):
    """compute(), cached under the current data version for `parts` (which must hold
    everything the result depends on: strategy, year, filters, who may see what) and, with
    `strategy_id`, under that plan's version too (which a save in the plan replaces)."""
    if not enabled() or connections[using].in_atomic_block:
        return compute()
    version = _version(strategy_id)
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"dashboards:{connections[using].settings_dict['NAME']}:{version}:{name}:{digest}"
    found = cache.get(key)
    if found is None:
        found = (compute(),)
        cache.set(key, found, TTL)
    return found[0]
