"""400 and 404 answers Django gives itself (no route; too many fields, a malformed body): JSON
under /api/ (what API clients parse, and what /api/schema/ documents), Django's page elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found

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
