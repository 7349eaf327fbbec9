"""The public pages and open data as bytes, kept in the cache under their ETag.

A publication never changes, and the ETag names everything a body depends on: the page's
version, the publication, the published years (the page's year links), the language or the
format. So a body kept under its ETag is exactly what building it again would give, and every
reader after the first costs one cache read whatever the plan's size (bench/public_pages.py).
A new publication's pages are built ahead by a task (public.tasks.warm_publication_pages), so
its first reader does not wait either. Without a cache (or with Redis down: dxplan.cache
answers "not cached"), bodies are built per request, from the snapshot alone.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from public import opendata, selectors
from public.models import Publication
from public.page import page_context

LANGUAGES = ("ja", "en")
PAGE_VERSION = "2"  # bump when the page's template changes, so caches drop old copies
KEEP_SECONDS = 7 * 24 * 3600  # kept bodies are exact; the bound only frees memory


def etag(publication: Publication, years: list[Publication], *parts: str) -> str:
    # The publication time too: a test database that rolls back may give a later one the same id.
    key = ":".join([PAGE_VERSION, f"{publication.pk}@{publication.published_at.isoformat()}",
                    *(str(p.pk) for p in years), *parts])
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _kept(tag: str, build) -> bytes:
    key = f"public:body:{tag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, KEEP_SECONDS)
    return body


def page(publication: Publication, years: list[Publication], lang: str) -> bytes:
    """The public page of `publication` (one of `years`, the published ones) in `lang`."""

    def build() -> bytes:
        full = selectors.publication_public(years, publication.fiscal_year)  # 1 query: the document
        with translation.override(lang):
            return render_to_string("public/page.html", page_context(
                full.document, publication=full, years=years, lang=lang)).encode()

    return _kept(etag(publication, years, "page", lang), build)


def open_data(publication: Publication, years: list[Publication], fmt: str) -> bytes:
    """The publication's CSV or JSON."""

    def build() -> bytes:
        document = selectors.publication_public(years, publication.fiscal_year).document
        return opendata.csv_bytes(document) if fmt == "csv" else opendata.json_bytes(document)

    return _kept(etag(publication, [], fmt), build)


def warm(publication_id: int) -> int:
    """Build and keep the pages and open data of a publication that is still published; how many."""
    publication = Publication.objects.select_related("strategy__municipality").defer("document").filter(
        pk=publication_id).first()
    if publication is None:
        return 0
    years = selectors.published_years(publication.strategy.municipality.code, publication.strategy.code)
    current = selectors.published_of_year(years, publication.fiscal_year)
    if current is None or current.pk != publication.pk:
        return 0  # withdrawn or corrected meanwhile
    for lang in LANGUAGES:
        page(current, years, lang)
    for fmt in ("csv", "json"):
        open_data(current, years, fmt)
    return len(LANGUAGES) + 2
