"""Numeric query parameters of the API, read one way everywhere: page size and offset, ids and
fiscal years. A value that is not a whole number in range answers 400 naming the parameter,
never a silent default, and never reaches the database (an id beyond bigint is a 500 there)."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

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
        return parameters


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
