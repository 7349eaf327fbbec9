"""The static export: relative links only, no script, no outside request; CSV as downloaded."""

import re
import zipfile

from django.core.management import call_command


def test_export_writes_the_published_years_with_relative_links(published, client, tmp_path):
    call_command("export_public_site", "sasebo", "sasebo-dx", str(tmp_path / "site"))
    site = tmp_path / "site"
    assert (site / "index.html").read_text().count("2023/index.html") == 2
    html = (site / "2023" / "index.html").read_text()
    assert "令和5年度 (2023年度)" in html and "<script" not in html
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links and all(not link.startswith(("/", "http:", "https:", "//")) for link in links), links
    for link in links:
        if not link.startswith("#"):
            assert (site / "2023" / link).resolve().exists(), link
    assert "FY2023" in (site / "2023" / "en.html").read_text()
    downloaded = client.get("/public/sasebo/sasebo-dx/2023/open-data.csv").content
    assert (site / "2023" / "open-data.csv").read_bytes() == downloaded


def test_export_as_zip(published, tmp_path):
    call_command("export_public_site", "sasebo", "sasebo-dx", str(tmp_path / "site.zip"), "--zip")
    names = zipfile.ZipFile(tmp_path / "site.zip").namelist()
    assert "2023/index.html" in names and "static/css/public.css" in names


def test_nothing_published_is_an_error(db, tmp_path):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="nothing is published"):
        call_command("export_public_site", "sasebo", "sasebo-dx", str(tmp_path / "x"))
