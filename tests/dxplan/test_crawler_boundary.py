"""A crawler signed in as one city's account never sees another city's titles, codes or names.

Logged in with Django's test client (no browser), it starts at / (and the REST API's root;
the admin's for an administrator) and follows every same-site link (href in HTML, URLs in
the API's JSON) breadth-first, bounded:
at most MAX_PAGES pages and MAX_PER_PATTERN pages per URL pattern (digits and query values
left out, so the 150 indicator pages of a plan are sampled, not all fetched; fewer in the
admin, whose every model has a list, filters, change, history and delete pages). Every text
response (HTML, JSON, CSV, the schema) is searched for the markers of the other cities: the
titles and codes of their plans, the codes and names of their indicators, the names of their
departments and the titles of their basic policies and measures — each only when it is at
least MIN_MARKER characters long and does not occur in any text of the user's own city
(so 「総務部」 or 「1-1」 never count). Downloads are fetched; binary ones are not searched.

Skipped: signing out and the language switch (they change the session), the static files,
and the public portal (/public/… other than /public/manage/, /api/public/…), which shows
published years to anyone by design.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import models

from kpis.models import Indicator
from plans.models import BasicPolicy, Department, Measure, Narrative, Step, Strategy
from projects.models import Project

MAX_PAGES = 1500
MAX_PER_PATTERN = 3
MAX_PER_ADMIN_PATTERN = 2  # the admin's pages are many (every model's list, filters, change, history, delete)
MIN_MARKER = 4
SKIPPED = ("/accounts/logout/", "/i18n/", "/admin/logout/", "/static/", "/media/", "/favicon.ico", "/api/public/")
TEXT_TYPES = ("text/", "application/json", "application/vnd.oai.openapi", "application/xml", "application/javascript")

# Every text of a city's objects: a marker of another city that also occurs here is no marker.
_CORPUS_MODELS = (
    (Strategy, "municipality_id"), (Department, "municipality_id"), (Indicator, "strategy__municipality_id"),
    (BasicPolicy, "strategy__municipality_id"), (Measure, "basic_policy__strategy__municipality_id"),
    (Step, "measure__basic_policy__strategy__municipality_id"), (Project, "strategy__municipality_id"),
    (Narrative, None),
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.links.append(value)


def _texts(model, path, municipality_id) -> list[str]:
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
    queryset = model.objects.all()
    if path is not None:
        queryset = queryset.filter(**{path: municipality_id})
    else:  # a narrative belongs to a basic policy, a measure or a project
        queryset = queryset.filter(
            models.Q(basic_policy__strategy__municipality_id=municipality_id)
            | models.Q(measure__basic_policy__strategy__municipality_id=municipality_id)
            | models.Q(project__strategy__municipality_id=municipality_id))
    return [text for row in queryset.values_list(*fields) for text in row if text]


def markers_against(municipality_id: int) -> dict[str, str]:
    """marker → what it is, for every city but `municipality_id`. Not markers: what occurs in
    the texts of the city's own objects or in the interface's own words (the translations:
    Sasebo's department 「DX推進課」 is also the role 「DX推進課（二次評価）」 every page names)."""
    own = "\n".join(text for model, path in _CORPUS_MODELS for text in _texts(model, path, municipality_id))
    own += (settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    candidates: dict[str, str] = {}
    others = Strategy.objects.exclude(municipality_id=municipality_id)
    for code, title in others.values_list("code", "title"):
        candidates.setdefault(title, f"plan title ({code})")
        candidates.setdefault(code, "plan code")
    for strategy, code, name in Indicator.objects.filter(strategy__in=others).values_list("strategy__code", "code",
                                                                                           "name"):
        candidates.setdefault(code, f"indicator code ({strategy})")
        candidates.setdefault(name, f"indicator name ({strategy})")
    for name in Department.objects.exclude(municipality_id=municipality_id).values_list("name", flat=True):
        candidates.setdefault(name, "department")
    for strategy, title in BasicPolicy.objects.filter(strategy__in=others).values_list("strategy__code", "title"):
        candidates.setdefault(title, f"basic policy title ({strategy})")
    for strategy, title in Measure.objects.filter(basic_policy__strategy__in=others).values_list(
            "basic_policy__strategy__code", "title"):
        candidates.setdefault(title, f"measure title ({strategy})")
    return {marker: kind for marker, kind in candidates.items()
            if marker and len(marker.strip()) >= MIN_MARKER and marker not in own}


def _pattern(url: str) -> tuple[tuple, int]:
    """(what the URL is an instance of, how many of them are fetched): the path with its
    numbers left out and the names of its query parameters (the admin's: whether it has any)."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    if path.startswith("/admin/"):
        return (path, bool(parts.query)), MAX_PER_ADMIN_PATTERN
    return (path, tuple(sorted({key for key, _value in parse_qsl(parts.query)}))), MAX_PER_PATTERN


def _followed(url: str, admin: bool) -> bool:
    path = urlsplit(url).path
    if any(path.startswith(prefix) for prefix in SKIPPED):
        return False
    if path.startswith("/public/") and not path.startswith("/public/manage/"):
        return False
    return admin or not path.startswith("/admin/")


def _text_of(response) -> str | None:
    content_type = response.get("Content-Type", "")
    if not any(content_type.startswith(kind) for kind in TEXT_TYPES):
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode(response.charset or "utf-8", errors="replace")
    if "json" in content_type:
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def crawl(client, user, starts, *, admin=False):
    """Visit what `user` reaches from `starts`; (leaks as (url, marker, what), visited, status counts)."""
    markers = markers_against(user.municipality_id)
    assert len(markers) >= 10, "too few markers of the other cities to prove anything"
    client.force_login(user)
    client.raise_request_exception = False
    queue, seen, per_pattern = deque(starts), set(starts), Counter()
    leaks, statuses, sections, visited = [], Counter(), Counter(), 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        statuses[response.status_code] += 1
        sections[urlsplit(url).path.split("/")[1] or "/", response.status_code] += 1
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        else:
            text = _text_of(response)
            if text is None:
                continue
            leaks += [(url, marker, kind) for marker, kind in markers.items() if marker in text]
            content_type = response.get("Content-Type", "")
            if "html" in content_type:
                parser = _Links()
                parser.feed(text)
                links = parser.links
            elif "json" in content_type:  # the API's links: list → detail, pages, related objects
                links = re.findall(r'https?://testserver/[^"\s<>]*', text)
            else:
                continue
        for link in links:
            target, _fragment = urldefrag(urljoin("http://testserver" + url, link))
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in seen or not _followed(local, admin):
                continue
            seen.add(local)
            pattern, limit = _pattern(local)
            if per_pattern[pattern] >= limit:
                continue
            per_pattern[pattern] += 1
            queue.append(local)
    print(f"\n{user.username}: pages by section and status {dict(sorted(sections.items()))}")
    return leaks, visited, statuses


def _by_url(leaks) -> list[str]:
    """One line per leaking URL: how many markers, the first three."""
    found: dict[str, list] = {}
    for url, marker, kind in leaks:
        found.setdefault(url, []).append(f"{marker} ({kind})")
    return [f"{url} → {len(items)}: {'; '.join(items[:3])}" for url, items in found.items()]


def _report(name, leaks, visited, statuses):
    print(f"\n{name}: {visited} pages, statuses {dict(sorted(statuses.items()))}, {len(leaks)} markers seen")
    for line in _by_url(leaks):
        print(f"  LEAK {line}")


@pytest.mark.parametrize("username, starts, admin, minimum", [
    ("carol", ["/", "/api/v1/"], False, 80),  # Sasebo's DX office against Nagasaki and Miyakonojo
    ("nina", ["/", "/api/v1/"], False, 40),  # Nagasaki's DX office against Sasebo and Miyakonojo
    ("dave", ["/", "/api/v1/", "/admin/"], True, 80),  # Sasebo's administrator, the admin included
])
def test_a_city_account_never_sees_another_city(db, client, request, username, starts, admin, minimum):
    user = request.getfixturevalue(username)
    leaks, visited, statuses = crawl(client, user, starts, admin=admin)
    _report(username, leaks, visited, statuses)
    assert visited >= minimum, f"the crawler visited only {visited} pages"
    assert statuses[200] >= minimum // 2
    assert not leaks, "another city's markers seen:\n" + "\n".join(_by_url(leaks)[:60])


def test_the_markers_are_the_other_cities_and_none_of_ones_own(carol, nina):
    sasebo_view = markers_against(carol.municipality_id)
    assert "長崎市DX推進計画" in sasebo_view and "nagasaki-h" in sasebo_view and "H1-O1" in sasebo_view
    assert "情報政策推進室" in sasebo_view  # Nagasaki's DX office
    assert not any("佐世保" in marker for marker in sasebo_view)
    assert "DX推進課" not in sasebo_view and "sasebo-dx" not in sasebo_view
    nagasaki_view = markers_against(nina.municipality_id)
    assert "佐世保市DX戦略" in nagasaki_view and "観光-KPI1" in nagasaki_view
    assert "都城市DX推進計画" in nagasaki_view
    assert "DX推進課" not in nagasaki_view  # Sasebo's department, but also the role's name in the interface
    assert all(len(marker) >= MIN_MARKER for marker in nagasaki_view)
