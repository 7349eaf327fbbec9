"""Names of downloaded files: one helper for every download (reports, data exports, the import
template).

A title is the plan's own text, so it may hold anything: a "/" made the browser keep only what
followed it (=HYPERLINK("http://x","y") downloaded as x","y")_…). The name keeps the Japanese
and replaces what a file name cannot hold; Django's content_disposition_header sends it as an
ASCII `filename` and, when it is not ASCII, as RFC 5987 `filename*=UTF-8''…`.
"""

import re

from django.utils.http import content_disposition_header

# Path separators, what Windows refuses in a name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_LENGTH = 150


def safe_file_name(name: str) -> str:
    """`name` with each run of unsafe characters as "_", no leading or trailing dots or spaces,
    at most MAX_LENGTH characters with the extension kept."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension.isalnum():
        stem, extension = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "download"
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_LENGTH - len(suffix)] + suffix


def attachment(name: str) -> str:
    """The Content-Disposition header of a download called `name`."""
    return content_disposition_header(True, safe_file_name(name))
