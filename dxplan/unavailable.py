"""A request whose database connection fails answers 503 with a message, not a 500 page.

When the connection drops in the middle of a request (a restart, a failover, a killed
session), the server rolls back the transaction it was in, so nothing of it is stored
half-way; the user is told to reload (to see what is stored) and try again. Django closes the broken connection
at the end of the request (close_old_connections), so the next request connects afresh.
Other errors are left to Django (500, logged as usual).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable during %s %s", request.method, request.path, exc_info=exception)
        message = _("The connection to the database was lost during this request. "
                    "Reload the page to see what is stored, then try again.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
