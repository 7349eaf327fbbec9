"""Error answers Django gives itself (no route, too many fields, a malformed body, a
PermissionDenied raised by a view, an unhandled exception): JSON under /api/ (what API clients
parse, and what /api/schema/ documents), the site's pages elsewhere (templates/400.html,
403.html, 404.html, 500.html: in the site's layout and the user's language; 403 shows the
reason the view gave; 500 is rendered without a request context, so without database access)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import permission_denied as django_permission_denied
from django.views.defaults import server_error as django_server_error

from public.views import not_found as public_not_found


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("No such path: %(path)s") % {"path": request.path}}, status=404)
    if request.path.startswith("/public/"):
        return public_not_found(request, exception)
    return page_not_found(request, exception)


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request could not be read: %(reason)s") % {"reason": exception}},
                            status=400)
    return django_bad_request(request, exception)


def permission_denied(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception) or _("You do not have permission to perform this action.")},
                            status=403)
    return django_permission_denied(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error. Try again in a while.")}, status=500)
    return django_server_error(request)
