"""GET /healthz for container health checks.

Answered by the first middleware, before host validation and the SSL redirect,
because the orchestrator probes the container by its internal address over
plain HTTP. It reveals nothing but whether the database answers.
"""

from django.db import connection
from django.http import HttpResponse


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            connection.ensure_connection()
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")
