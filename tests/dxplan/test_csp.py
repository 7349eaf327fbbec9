"""Every page carries a Content-Security-Policy that allows scripts only from our own files
(issue 14, defect 10); the browser tests check that the pages work under it."""

import re


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_send_a_policy_without_inline_scripts(client, erin):
    client.force_login(erin)
    for url in ("/", "/dashboards/sasebo-dx/", "/accounts/login/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"]
        html = response.content.decode()
        for tag in re.findall(r"<script[^>]*>", html):  # code only from files; inline JSON is data
            assert " src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son(change|click|submit|load)=", html), url
