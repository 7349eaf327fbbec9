"""GET /healthz for container health checks.

Answered by the first middleware, before host validation and the SSL redirect,
because the orchestrator probes the container by its internal address over
plain HTTP. It reveals only the state of each part, never an address or an error.

The status code answers "should this container get traffic": 503 only when the
database does not answer, because then no page can work. The broker and the cache
are reported in the body, but a 200 still: with the broker down, pages and writes
work and a background job fails at once with a message; with the cache down, pages
are computed uncached. Restarting the web container would mend neither. The body:

    ok | degraded | unavailable       (first line: degraded when a part is down)
    database: ok | unavailable
    broker: ok | unavailable | in-process      (in-process: no broker configured)
    cache: ok | unavailable | per-process      (per-process: no Redis cache configured)

Each probe is bounded by the connection timeouts in the settings (a few seconds).
"""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

from dxplan.celery import app as celery_app

OK, DOWN = "ok", "unavailable"


def database_state() -> str:
    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return DOWN
    return OK


def broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return "in-process"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
    except Exception:  # noqa: BLE001 - refused, timed out, bad credentials: all mean down
        return DOWN
    return OK


def cache_state() -> str:
    ping = getattr(cache, "ping", None)  # dxplan.cache.DegradingRedisCache; the local cache has none
    if ping is None:
        return "per-process"
    return OK if ping() else DOWN


def report() -> tuple[int, str]:
    states = {"database": database_state(), "broker": broker_state(), "cache": cache_state()}
    if states["database"] == DOWN:
        status, summary = 503, DOWN
    else:
        status, summary = 200, "degraded" if DOWN in states.values() else OK
    return status, summary + "\n" + "".join(f"{part}: {state}\n" for part, state in states.items())


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        status, body = report()
        return HttpResponse(body, status=status, content_type="text/plain")
