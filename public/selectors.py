"""Reads of publications: what the public pages and the DX office's page show."""

from __future__ import annotations

from public.models import Publication, PublicationStatus, PublicJob

# The portal's fiscal years: anything outside is not a year (and never reaches the database).
FIRST_YEAR, LAST_YEAR = 1989, 2200


def published_years(municipality: str, strategy: str) -> list[Publication]:
    """The strategy's published publications, newest year first, without their documents (1 query)."""
    return list(
        Publication.objects.filter(strategy__municipality__code=municipality, strategy__code=strategy,
                                   status=PublicationStatus.PUBLISHED)
        .defer("document").order_by("-fiscal_year")
    )


def published_of_year(publications: list[Publication], fiscal_year: int) -> Publication | None:
    """The published publication of `fiscal_year` among `published_years`, without its document
    (no query): enough for the ETag and the rendered-page cache."""
    return next((p for p in publications if p.fiscal_year == fiscal_year), None)


def publication_public(publications: list[Publication], fiscal_year: int) -> Publication | None:
    """The published publication of `fiscal_year` among `published_years`, with its document and the
    publication it corrects (1 query), or None."""
    match = next((p for p in publications if p.fiscal_year == fiscal_year), None)
    if match is None:
        return None
    return Publication.objects.select_related("replaces").defer("replaces__document").get(pk=match.pk)


def publication_list(strategy) -> list[Publication]:
    """Every publication of the strategy, newest first, with who published and withdrew it,
    without the documents (1 query)."""
    return list(
        Publication.objects.filter(strategy=strategy).select_related("published_by", "withdrawn_by")
        .defer("document").order_by("-fiscal_year", "-published_at", "-pk")
    )


def recent_jobs(strategy, limit: int = 8) -> list[PublicJob]:
    """The strategy's latest publishing and export jobs, for the publishing page (1 query)."""
    return list(PublicJob.objects.filter(strategy=strategy).select_related("requested_by", "publication")
                .defer("publication__document")[:limit])
