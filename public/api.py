"""The public read-only API (/api/public/v1/): anonymous, rate-limited, the same data as the
open-data downloads (public.opendata), read from the publications' snapshots only."""

from __future__ import annotations

import json

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from plans.fiscal_years import era_label
from public import opendata, selectors


class _PublicAPIView(APIView):
    authentication_classes = []  # anonymous: no session, no CSRF, no token
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_api"


class PublicationYearsView(_PublicAPIView):
    @extend_schema(
        operation_id="public_publication_years", tags=["public"],
        summary="Published fiscal years of a strategy",
        responses=inline_serializer("PublishedYear", many=True, fields={
            "fiscal_year": serializers.IntegerField(), "fiscal_year_label": serializers.CharField(),
            "published_at": serializers.DateTimeField(), "licence": serializers.CharField(),
            "url": serializers.CharField(),
        }),
    )
    def get(self, request, municipality: str, strategy: str):
        years = selectors.published_years(municipality, strategy)
        if not years:
            raise Http404
        return Response([
            {"fiscal_year": p.fiscal_year, "fiscal_year_label": era_label(p.fiscal_year),
             "published_at": p.published_at, "licence": p.licence,
             "url": reverse("public-api:publication", args=[municipality, strategy, p.fiscal_year])}
            for p in years
        ])


class PublicationView(_PublicAPIView):
    @extend_schema(
        operation_id="public_publication", tags=["public"],
        summary="A published fiscal year: metadata (licence, publication date) and the snapshot",
        description="The same document as the publication's open-data JSON (docs/open-data.md).",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, municipality: str, strategy: str, fiscal_year: int):
        if not selectors.FIRST_YEAR <= fiscal_year <= selectors.LAST_YEAR:
            raise Http404
        publication = selectors.publication_public(selectors.published_years(municipality, strategy), fiscal_year)
        if publication is None:
            raise Http404
        return Response(json.loads(opendata.json_bytes(publication.document)))
