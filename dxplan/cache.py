"""Django's Redis cache, degraded to a miss while Redis cannot be reached.

The cache is an optimisation (reports.dashboards.cache keeps plan-wide counts in it), so
an unreachable or failing Redis must not turn a page or a committed write into a 500:
a read answers "not cached", a write is dropped, and the caller computes the value
itself. Chosen over switching to django-redis for its IGNORE_EXCEPTIONS: this keeps
Django's own backend and adds no dependency, and it can tell a caller that a write was
lost (`set` returns False), which the dashboards' invalidation needs.

An outage is logged once (a warning when it starts, an info line when it ends), not
once per call. After a failure the cache is not tried again for RETRY_AFTER seconds, so
a Redis that times out (rather than refusing at once) costs one timeout per interval,
not one per call. `ping()` asks Redis directly, for the health check.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class _Outages:
    """Per server location, shared by every thread's backend instance of this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down_since: dict[str, float] = {}  # location → monotonic time of the last failure

    def skipping(self, location: str) -> bool:
        since = self._down_since.get(location)
        return since is not None and time.monotonic() - since < RETRY_AFTER

    def failed(self, location: str, operation: str, error: Exception) -> None:
        with self._lock:
            first = location not in self._down_since
            self._down_since[location] = time.monotonic()
        if first:
            logger.warning("cache unavailable (%s failed: %s); serving uncached until it answers again",
                           operation, error)

    def answered(self, location: str) -> None:
        if location in self._down_since:
            with self._lock:
                was_down = self._down_since.pop(location, None) is not None
            if was_down:
                logger.info("cache reachable again")


OUTAGES = _Outages()


def _degrading(fallback):
    """Run the operation; on a Redis failure (or while one is recent) return fallback()."""

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            if OUTAGES.skipping(self._location):
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                OUTAGES.failed(self._location, method.__name__, error)
                return fallback(*args, **kwargs)
            OUTAGES.answered(self._location)
            return result

        return wrapped

    return decorator


def _miss(key, default=None, version=None):
    return default


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    @_degrading(_miss)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrading(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrading(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrading(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrading(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: False)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """None as Django's backends return; False when the value did not reach Redis."""
        return super().set(key, value, timeout, version)

    @_degrading(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrading(lambda key, timeout=DEFAULT_TIMEOUT, version=None: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrading(lambda key, version=None: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrading(lambda keys, version=None: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrading(lambda: False)
    def clear(self):
        return super().clear()

    def ping(self) -> bool:
        """Whether Redis answers now (tried even during an outage's quiet interval)."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as error:
            OUTAGES.failed(self._location, "ping", error)
            return False
        OUTAGES.answered(self._location)
        return True
