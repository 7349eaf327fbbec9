"""The public portal's pages (no login) and the DX office's publishing page.

Public pages read only a publication's snapshot (public.snapshot): two queries whatever the
plan's size (the published years, the publication). The language is chosen by `?lang=en`
(Japanese by default), not by a cookie, so a reverse proxy may cache each URL as it is
(`Cache-Control`, `ETag`). Anything that is not a published year answers the public 404 page.

The publishing pages (/public/manage/…) act on the publisher's own city's plans only
(plans.boundary): another city's plan or publication answers 404, and public.services
refuses it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from kpis.permissions import can_publish
from plans import boundary, fiscal_years, gates
from plans.downloads import attachment
from plans.models import Strategy
from public import jobs, rendered, selectors, services
from public.models import Publication
from public.page import page_context
from public.snapshot import missing_items, snapshot_build
from reports.models import JobStatus

CACHE_SECONDS = 300
LANGUAGES = rendered.LANGUAGES


def _language(request) -> str:
    lang = request.GET.get("lang", "ja")
    return lang if lang in LANGUAGES else "ja"


def not_found(request, exception=None):
    """The public 404 page: in Japanese (or English with ?lang=en), naming nothing it looked for."""
    with translation.override(_language(request)):
        return render(request, "public/404.html", status=404)


def _year(fiscal_year: int) -> int:
    if not selectors.FIRST_YEAR <= fiscal_year <= selectors.LAST_YEAR:
        raise Http404
    return fiscal_year


def _published(municipality: str, strategy: str, fiscal_year: int) -> tuple[Publication, list[Publication]]:
    """The year's publication (without its document) and every published year, or Http404 (1 query)."""
    years = selectors.published_years(municipality, strategy)
    publication = selectors.published_of_year(years, _year(fiscal_year))
    if publication is None:
        raise Http404
    return publication, years


def _not_modified(request, etag: str) -> bool:
    return etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]


def _cached(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def page(request, municipality: str, strategy: str, fiscal_year: int):
    try:
        publication, years = _published(municipality, strategy, fiscal_year)
    except Http404:
        return not_found(request)
    lang = _language(request)
    etag = rendered.etag(publication, years, "page", lang)
    if _not_modified(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(rendered.page(publication, years, lang), content_type="text/html; charset=utf-8")
    response["Content-Language"] = lang
    return _cached(response, etag)


@require_safe
def latest(request, municipality: str, strategy: str):
    """The strategy's latest published year (a stable link for the city's site)."""
    years = selectors.published_years(municipality, strategy)
    if not years:
        return not_found(request)
    return redirect("public:page", municipality, strategy, years[0].fiscal_year)


@require_safe
def download(request, municipality: str, strategy: str, fiscal_year: int, fmt: str):
    if fmt not in ("csv", "json"):
        return not_found(request)
    try:
        publication, years = _published(municipality, strategy, fiscal_year)
    except Http404:
        return not_found(request)
    etag = rendered.etag(publication, [], fmt)
    if _not_modified(request, etag):
        return _cached(HttpResponse(status=304), etag)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(rendered.open_data(publication, years, fmt), content_type=content_type)
    name = f"{strategy}_{fiscal_year}_{publication.published_at:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = attachment(name)
    return _cached(response, etag)


def catch_all(request, rest=""):
    return not_found(request)


# --- the DX office's publishing page -----------------------------------------------------


def _own_strategies(user):
    """The plans the publisher works on: its own city's (plans.boundary.works_in)."""
    return Strategy.objects.filter(boundary.works_in_q(user, "municipality_id"))


def _strategy_for_publisher(request, code: str) -> Strategy:
    """The publisher's own city's plan `code`; another city's answers 404, as a missing one."""
    if not can_publish(request.user):
        raise PermissionDenied(_("Only the DX office and administrators publish."))
    return gates.strategy_or_404(request.user, code, _own_strategies(request.user))


def _fiscal_year_param(request, strategy) -> int | None:
    raw = request.POST.get("fiscal_year") or request.GET.get("fiscal_year") or ""
    try:
        fiscal_year = int(raw)
    except ValueError:
        return None
    return fiscal_year if strategy.first_fiscal_year <= fiscal_year <= strategy.last_fiscal_year else None


@login_required
@require_GET
def manage_index(request):
    """The strategies of the user's own city, each linking to its publishing page."""
    if not can_publish(request.user):
        raise PermissionDenied(_("Only the DX office and administrators publish."))
    strategies = _own_strategies(request.user).select_related("municipality").order_by("municipality__name", "title")
    return render(request, "public/manage_index.html", {"strategies": strategies})


@login_required
@require_GET
def manage(request, code: str):
    """Publications of a strategy, with the check of what the chosen year lacks."""
    strategy = _strategy_for_publisher(request, code)
    fiscal_year = _fiscal_year_param(request, strategy)
    context = {"strategy": strategy, "publications": selectors.publication_list(strategy),
               "jobs": selectors.recent_jobs(strategy),
               "years": fiscal_years.fiscal_year_choices(strategy.first_fiscal_year, strategy.last_fiscal_year),
               "fiscal_year": fiscal_year}
    if fiscal_year is not None:
        document = snapshot_build(strategy=strategy, fiscal_year=fiscal_year,
                                  published_at=_now(), licence="")
        context["missing"] = missing_items(document)
        context["refusal"] = services.year_refusal(strategy=strategy, fiscal_year=fiscal_year)
        context["already"] = any(p.is_published and p.fiscal_year == fiscal_year for p in context["publications"])
    return render(request, "public/manage.html", context)


@login_required
@require_GET
def preview(request, code: str, fiscal_year: int):
    """Exactly the public page of the year as publishing it now would show it (not cached)."""
    strategy = _strategy_for_publisher(request, code)
    if not strategy.first_fiscal_year <= fiscal_year <= strategy.last_fiscal_year:
        raise Http404
    document = snapshot_build(strategy=strategy, fiscal_year=fiscal_year, published_at=_now(), licence="")
    lang = _language(request)
    with translation.override(lang):
        response = render(request, "public/page.html", {**page_context(document, publication=None, years=[],
                                                                          lang=lang), "preview": True})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def publish(request, code: str):
    """Queue the publication (public.jobs): a large plan's snapshot takes a while; its row on the
    page follows it. A refusal (year, reason) is said at once and queues nothing."""
    strategy = _strategy_for_publisher(request, code)
    fiscal_year = _fiscal_year_param(request, strategy)
    if fiscal_year is None:
        messages.error(request, _("Choose a fiscal year of this plan."))
        return redirect("public:manage", code)
    try:
        job = jobs.publish_request(user=request.user, strategy=strategy, fiscal_year=fiscal_year,
                                   reason=request.POST.get("reason", ""), licence=request.POST.get("licence", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{_manage_url(code)}?fiscal_year={fiscal_year}")
    job.refresh_from_db()  # in-process (no broker) it has already run
    label = fiscal_years.display_label(fiscal_year)
    if job.status == JobStatus.DONE:
        messages.success(request, _("%(year)s was published.") % {"year": label})
        if job.message:
            messages.warning(request, job.shown_message)
    elif job.status == JobStatus.FAILED:
        messages.error(request, job.shown_message)
    else:
        messages.success(request, _("Publishing %(year)s has started; its row below shows its progress.")
                         % {"year": label})
    return redirect(_manage_url(code) + "#jobs")


@login_required
@require_POST
def withdraw(request, code: str, pk: int):
    strategy = _strategy_for_publisher(request, code)
    publication = get_object_or_404(Publication, pk=pk, strategy=strategy)
    try:
        services.publication_withdraw(user=request.user, publication=publication,
                                      reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The publication was withdrawn."))
    return redirect("public:manage", code)


def _manage_url(code: str) -> str:
    return reverse("public:manage", args=[code])


def _now():
    return timezone.now()
