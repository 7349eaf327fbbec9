"""Control characters are refused at the edge, for every text a request carries.

A NUL byte in a comment made PostgreSQL refuse the INSERT (500), and a lone surrogate from a
JSON "\\ud800" escape cannot be encoded at all. So one middleware looks at the URL path, the
query string, form fields (names and values, and uploaded file names) and JSON bodies before any
view runs, and answers 400 naming the field: JSON under /api/ (keyed by the field, as DRF's own
errors are), a short page elsewhere. A middleware rather than a validator on each form and
serializer field, because it covers every input — the admin, the login form, filters, dashboard
parameters — with nothing to forget when a field is added.

Tab, line feed and carriage return are let through everywhere: multi-line texts need them, and
in a one-line field they are harmless (Django's CharField strips them at the ends).
"""

import json
import unicodedata

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

ALLOWED = frozenset("\t\n\r")


def first_forbidden(text: str) -> str | None:
    """The first control character (Unicode Cc, or a lone surrogate, Cs) other than tab/LF/CR."""
    for char in text:
        if char not in ALLOWED and unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def _json_texts(value, where=""):
    """(field, text) for every key and string in a parsed JSON document."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            yield name, str(key)
            yield from _json_texts(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{where}[{index}]")


def _query_texts(query_dict):
    for key, values in query_dict.lists():
        yield key, key
        for value in values:
            yield key, value


def _texts(request):
    yield "path", request.path
    yield from _query_texts(request.GET)
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        yield from _query_texts(request.POST)
        for key, upload in request.FILES.items():
            yield key, upload.name or ""
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON: the view's parser answers 400 for that
        yield from _json_texts(document)


def _refusal(request, field: str, char: str):
    message = _("%(field)s contains a control character (U+%(code)04X), which is not allowed.") % {
        "field": _("The address") if field == "path" else field, "code": ord(char),
    }
    if request.path.startswith("/api/"):
        return JsonResponse({field: [message]}, status=400)
    return HttpResponseBadRequest(f"<!doctype html><title>400</title><p>{escape(message)}</p>")


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for field, text in _texts(request):
            if (char := first_forbidden(text)) is not None:
                shown = "".join("?" if first_forbidden(c) else c for c in field)
                return _refusal(request, shown, char)
        return self.get_response(request)
