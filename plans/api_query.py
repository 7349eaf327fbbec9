"""Query parameters of the API, read one way everywhere: page size and offset, ids and fiscal
years, yes/no and choice filters. A value that is not a whole number in range, not true/false/1/0,
or not one of the choices answers 400 naming the parameter, never a silent default, and never
reaches the database (an id beyond bigint is a 500 there). An empty value (?kind=, as the
browsable API's filter form sends it) means "no filter" and the schema says so (allowEmptyValue).
Every filterset of the API derives from StrictFilterSet."""

import base64
import binascii
import json
from functools import reduce
from operator import attrgetter, or_

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import ChoiceField
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from plans.fiscal_years import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

MAX_ID = 2**63 - 1  # a bigint primary key
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """?limit= (1–500, default 100) and ?offset= (0 and up), both checked."""

    default_limit = 100
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        return self._whole_number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._whole_number(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    @staticmethod
    def _whole_number(request, name, minimum, maximum, default):
        text = request.query_params.get(name, "").strip()
        if not text:
            return default
        if text.isascii() and text.isdigit() and minimum <= int(text) <= maximum:
            return int(text)
        raise exceptions.ValidationError({name: [
            _("%(name)s must be a whole number from %(min)s to %(max)s; got %(value)s.")
            % {"name": name, "min": minimum, "max": maximum, "value": text[:40]}
        ]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, self.max_limit), self.offset_query_param: (0, MAX_OFFSET)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
            parameter["allowEmptyValue"] = True  # ?limit= is the default page size, ?offset= the first page
        return parameters


class KeysetPagination(CappedLimitOffsetPagination):
    """Pages that follow on without counting (issue 16): the first page (and any page asked
    with ?offset=, as old scripts do) is a limit/offset page with `count`; its `next` link, and
    every one after it, carries ?cursor= (the sort keys of the page's last row), read with
    WHERE (keys) > (cursor) on the list's own order, so a page costs the same at row 100 and
    row 100,000 and no COUNT(*) is run: `count` is null on those pages and `previous` too
    (a cursor goes forward). The view names its order in `keyset`: the ORM paths, unique
    together, that its queryset is ordered by (ascending)."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.keys = tuple(view.keyset)
        text = request.query_params.get(self.cursor_query_param)
        self.cursor_page = text is not None
        if not self.cursor_page:
            self.page = super().paginate_queryset(queryset, request, view)
            self.has_next = self.offset + self.limit < self.count
            return self.page
        self.request, self.limit, self.offset, self.count = request, self.get_limit(request), 0, None
        after = self._decode(text)
        rows = list(queryset.filter(_after(self.keys, after))[: self.limit + 1])
        self.has_next = len(rows) > self.limit
        self.page = rows[: self.limit]
        return self.page

    def _decode(self, text: str) -> list:
        try:
            keys = json.loads(base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4)))
        except (ValueError, UnicodeError, binascii.Error):
            keys = None
        if not isinstance(keys, list) or len(keys) != len(self.keys) or not all(
                isinstance(k, (int, str)) and not isinstance(k, bool) for k in keys):
            raise exceptions.ValidationError({self.cursor_query_param: [
                _("cursor must be the value of a `next` link this API gave; got %(value)s.") % {"value": text[:40]}
            ]})
        return keys

    def _encode(self, row) -> str:
        keys = [attrgetter(path.replace("__", "."))(row) for path in self.keys]
        return base64.urlsafe_b64encode(json.dumps(keys, ensure_ascii=False).encode()).decode().rstrip("=")

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        url = self.request.build_absolute_uri()
        if not self.cursor_page and self.offset_query_param in self.request.query_params:
            return super().get_next_link()  # an old script's offset pages go on by offset
        url = remove_query_param(url, self.offset_query_param)
        return replace_query_param(url, self.cursor_query_param, self._encode(self.page[-1]))

    def get_previous_link(self):
        return None if self.cursor_page else super().get_previous_link()

    def get_paginated_response(self, data):
        return Response({"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            nullable=True, description="All matching rows, on a first or ?offset= page; null on ?cursor= pages.")
        response["properties"]["next"]["description"] = "The next page (?cursor=), null on the last."
        return response

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": self.cursor_query_param, "required": False, "in": "query",
            "description": "Where the next page starts: take it from `next`; pages with it are not counted.",
            "schema": {"type": "string"},
        }]


def _after(paths, values) -> Q:
    """(paths) > (values) in the ascending order of the paths, as a filter."""
    return reduce(or_, (
        Q(**{f"{path}__gt": value}, **dict(zip(paths[:i], values[:i])))
        for i, (path, value) in enumerate(zip(paths, values))
    ))


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """?<relation>=<id>: a whole number from 1, within bigint."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": MIN_FISCAL_YEAR, "maximum": MAX_FISCAL_YEAR})
class FiscalYearFilter(django_filters.NumberFilter):
    """?fiscal_year=2025: the year in which the fiscal year starts."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "fiscal year, e.g. 2025")
        super().__init__(*args, min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR, **kwargs)


# --- yes/no and choice filters --------------------------------------------------------------

TRUE_SPELLINGS = frozenset({"true", "True", "1"})  # JSON's, Python's str(True), and 1
FALSE_SPELLINGS = frozenset({"false", "False", "0"})


class StrictBooleanField(forms.Field):
    """true/false (also True/False, 1/0); empty is "no filter"; anything else is refused."""

    widget = forms.Select(choices=[("", "---------"), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))])

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if text in TRUE_SPELLINGS or text in FALSE_SPELLINGS:
            return text in TRUE_SPELLINGS
        if text:
            raise forms.ValidationError(
                _("Enter true or false (or 1 or 0); got %(value)s.") % {"value": text[:40]}, code="invalid")
        return None

    def validate(self, value):
        pass  # to_python has refused all that is not a yes, a no or empty


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictChoiceField(ChoiceField):
    default_error_messages = {"invalid_choice": gettext_lazy("%(value)s is not one of the choices.")}

    def validate(self, value):
        try:
            super().validate(value)
        except forms.ValidationError:
            allowed = ", ".join(str(key) for key, _label in self.choices if key not in ("", self.null_value))
            raise forms.ValidationError(
                _("%(value)s is not one of: %(choices)s.") % {"value": str(value)[:40], "choices": allowed},
                code="invalid_choice") from None


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """One of the choices; no "null" pseudo-choice; empty is "no filter"."""

    field_class = StrictChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null_label", None)
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """The base of every filterset of the API: yes/no and choice filters, declared or generated
    from Meta.fields, are the strict ones above."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is django_filters.ChoiceFilter:
            filter_class = StrictChoiceFilter
        return filter_class, params


class AllowEmptyFilterExtension(DjangoFilterExtension):
    """Every filter parameter is documented with allowEmptyValue: an empty value is "no filter"."""

    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
        return parameters
