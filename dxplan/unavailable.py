"""A request whose database answers "connection lost" or "busy" gets a truthful 503, not a 500 page.

Three kinds of database error reach a view, and each is answered for what it is:

- the connection is lost (a restart, a failover, a killed session, a server that cannot be
  reached): the server rolls back the transaction it was in, so nothing of it is stored
  half-way; the user is told to reload (to see what is stored) and try again. Django closes
  the broken connection at the end of the request (close_old_connections), so the next
  request connects afresh;
- the database is busy: a deadlock (SQLSTATE 40P01), a serialization failure (40001) or a
  lock not obtained in time (55P03; SQLite's "database is locked"). The transaction was
  rolled back and the same request will very likely succeed a moment later: 503 "busy,
  please retry" with Retry-After;
- anything else (a query cancelled by statement_timeout, a missing table, a constraint the
  code did not expect) is a fault: left to Django (500, logged as usual).

JSON ({"detail": …}) under /api/, a small HTML page otherwise, in the request's language.
The page extends nothing: the base template asks the database for the user's flags.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
LOST, BUSY = "lost", "busy"
BUSY_SQLSTATES = frozenset({"40P01", "40001", "55P03"})  # deadlock, serialization failure, lock not available
# Connection exceptions (class 08), and the server shutting down or starting (57P01–57P03).
LOST_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


def classify(exception: BaseException) -> str | None:
    """LOST, BUSY, or None (not a database outage: let it propagate)."""
    if isinstance(exception, InterfaceError):
        return LOST  # e.g. "connection already closed"
    if not isinstance(exception, OperationalError):
        return None
    cause = exception.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in BUSY_SQLSTATES:
        return BUSY
    if sqlstate is not None:
        return LOST if sqlstate.startswith(LOST_SQLSTATE_PREFIXES) else None
    module = type(cause).__module__ or ""
    if module.startswith("psycopg"):
        # No SQLSTATE: the client library's own error, i.e. the server is gone or unreachable
        # ("server closed the connection unexpectedly", "connection failed: … refused").
        return LOST
    if module.startswith("sqlite3"):
        text = str(cause).lower()
        return BUSY if any(message in text for message in SQLITE_BUSY_MESSAGES) else None
    return None


def _message(kind: str) -> str:
    if kind == BUSY:
        return _("The database is busy with other changes and could not finish this request; nothing of it was "
                 "stored. Please try again in a few seconds.")
    return _("The connection to the database was lost during this request. "
             "Reload the page to see what is stored, then try again.")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = classify(exception)
        if kind is None:
            return None
        log = logger.warning if kind == BUSY else logger.error
        log("database %s during %s %s", "busy" if kind == BUSY else "unavailable", request.method, request.path,
            exc_info=exception)
        message = _message(kind)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            page = render_to_string("database_unavailable.html", {"message": message, "kind": kind}, request=None)
            response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
