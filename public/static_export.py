"""The static export: the public site of a strategy's published years as plain files with
relative links (HTML, CSS, CSV, JSON; no JavaScript), which a city can put on its own web
server or CMS, or open from a USB stick with no server and no outside request.

Layout: `<fiscal_year>/index.html` (Japanese), `<fiscal_year>/en.html`,
`<fiscal_year>/open-data.csv`, `<fiscal_year>/open-data.json` per published year, `index.html`
at the top going to the latest year, and `static/` with the style sheets and the icon.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from public import opendata, selectors
from public.page import page_context

STATIC_FILES = ("css/dxplan.css", "css/public.css", "favicon.svg")


def export_site(*, municipality: str, strategy: str, directory: Path, progress=None) -> list[Path]:
    """Write the site of every published year of the strategy into `directory`; the files written.
    `progress(done, total)` is called after each year. Raises LookupError when nothing of it is published."""
    years = selectors.published_years(municipality, strategy)
    if not years:
        raise LookupError(f"{municipality}/{strategy}: nothing is published")
    written = []
    for done, listed in enumerate(years):
        if progress is not None:
            progress(done, len(years))
        publication = selectors.publication_public(years, listed.fiscal_year)
        folder = directory / str(publication.fiscal_year)
        folder.mkdir(parents=True, exist_ok=True)
        for lang, name in (("ja", "index.html"), ("en", "en.html")):
            with translation.override(lang):
                html = render_to_string("public/page.html", page_context(
                    publication.document, publication=publication, years=years, lang=lang, relative=True))
            written.append(_write(folder / name, html.encode("utf-8")))
        written.append(_write(folder / "open-data.csv", opendata.csv_bytes(publication.document)))
        written.append(_write(folder / "open-data.json", opendata.json_bytes(publication.document)))
    latest = years[0].fiscal_year
    written.append(_write(directory / "index.html", (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={latest}/index.html"><title>{latest}</title></head>'
        f'<body><a href="{latest}/index.html">{latest}</a></body></html>').encode("utf-8")))
    for name in STATIC_FILES:
        target = directory / "static" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(finders.find(name), target)
        written.append(target)
    return written


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
