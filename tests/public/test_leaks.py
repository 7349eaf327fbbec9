"""Nothing unpublished is reachable without login: private URLs refuse anonymous requests,
and a crawler over the public pages finds only what the snapshot holds."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kpis.models import EntryStatus, YearlyValue

# Anonymous access on purpose: the login page, the language switch, the health check, the
# API's schema and docs (structure only, no data), static redirects, the public portal.
OPEN = ("accounts/login/", "accounts/logout/", "admin/login/", "admin/logout/", "i18n/", "healthz", "api/schema/", "api/docs/", "favicon.ico",
        "public/", "api/public/")
SAMPLE = {"int": "1", "slug": "sasebo-dx", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def _concrete(route: str) -> str | None:
    route = re.sub(r"\.?<drf_format_suffix:\w+>", "", route)
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    if re.search(r"[()\[\]?*+\\]", route):  # a regex route (the admin's, the API's format suffixes)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
        route = re.sub(r"\\\.|\.\(\?P<format>[^)]*\)/?", "", route)
        if re.search(r"[()\[\]?*+\\]", route):
            return None
    return "/" + route


def private_urls():
    urls = set()
    for route in _walk(get_resolver().url_patterns):
        url = _concrete(route)
        if url is not None and not url.lstrip("/").startswith(OPEN):
            urls.add(url)
    return sorted(urls)


def test_the_url_conf_is_enumerated():
    urls = private_urls()
    assert len(urls) > 40
    assert {"/", "/entry/", "/reports/", "/api/v1/yearly-values/", "/admin/"} <= set(urls)


def private_urls_with_manage():
    return private_urls() + ["/public/manage/sasebo-dx/", "/public/manage/sasebo-dx/preview/2023/"]


@pytest.mark.django_db
def test_anonymous_requests_to_private_urls_are_refused(client):
    leaked = []
    for url in private_urls_with_manage():
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code not in (301, 302, 400, 401, 403, 404, 405):
                leaked.append((method.__name__, url, response.status_code))
            elif response.status_code in (301, 302) and "login/" not in response["Location"]:
                leaked.append((method.__name__, url, response["Location"]))
    assert leaked == [], "\n".join(map(str, leaked))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _crawl(client, start):
    seen, queue, bodies = set(), [start], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        bodies[url] = response.content.decode("utf-8-sig", errors="replace")
        if "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(bodies[url])
            for link in parser.links:
                if link.startswith("?"):
                    link = url.split("?")[0] + link
                if link.startswith("/public/"):
                    queue.append(link)
    return bodies


def test_crawler_finds_only_published_figures(carol, sasebo, client):
    from django.utils import timezone

    from kpis.models import EntryRound
    from public.services import publication_publish

    approved = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, status=EntryStatus.APPROVED,
                                          actual_state="number").first()
    # Not approved when published: its draft number must appear nowhere.
    YearlyValue.objects.filter(pk=approved.pk).update(actual_number=918273645, status=EntryStatus.SUBMITTED)
    # The next year's round is closed but not published: its approved figures must appear nowhere.
    EntryRound.objects.filter(strategy=sasebo, fiscal_year=2024).update(closed_at=timezone.now())
    later = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2024).first()
    YearlyValue.objects.filter(pk=later.pk).update(actual_state="number", actual_number=564738291,
                                                   status=EntryStatus.APPROVED)
    publication = publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)
    # Edited after publishing and approved: appears nowhere until the next publication.
    YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, actual_state="number").exclude(
        pk=approved.pk).update(actual_number=192837465)

    bodies = _crawl(client, "/public/sasebo/sasebo-dx/")
    assert len(bodies) >= 5  # latest → page, English page, CSV, JSON, language links
    for url, body in bodies.items():
        for secret in ("918273645", "564738291", "192837465"):
            assert secret not in body, (secret, url)
    # Every actual in the CSV is one the snapshot holds.
    snapshot = {(i["code"], v["fiscal_year"]): v["actual"]["number"] or ""
                for p in publication.document["policies"] for i in p["indicators"] for v in i["values"]}
    csv_body = next(b for u, b in bodies.items() if u.endswith(".csv"))
    import csv
    import io
    for row in csv.DictReader(io.StringIO(csv_body)):
        if row["indicator_code"]:
            assert row["actual"] == snapshot[(row["indicator_code"], int(row["fiscal_year"]))]
