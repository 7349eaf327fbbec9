"""Reading a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts), and the skip rule of
tests that need LibreOffice: skipped with the reason on a machine without it, a failure
when DXPLAN_REQUIRE_REAL_PARTS is set (CI installs it)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

TOOLS = ("pdftotext", "pdfinfo", "pdffonts")


def require_renderer() -> None:
    missing = [name for name in (settings.DXPLAN_PDF_RENDERER, *TOOLS) if shutil.which(name) is None]
    if missing:
        reason = (f"{', '.join(missing)} not found: install Debian's libreoffice-calc-nogui, fonts-noto-cjk, "
                  f"fonts-crosextra-carlito and poppler-utils")
        if os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"):
            pytest.fail(f"DXPLAN_REQUIRE_REAL_PARTS is set but {reason}")
        pytest.skip(reason)


def _run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(path)), re.M).group(1))


def page_text(path: Path, page: int) -> str:
    return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-")


def document_text(path: Path) -> str:
    """The whole document's text without any white space: a wrapped cell reads as one string."""
    return re.sub(r"\s+", "", _run("pdftotext", "-raw", str(path), "-"))


def page_size(path: Path, page: int) -> tuple[float, float]:
    """(width, height) in points."""
    info = _run("pdfinfo", "-f", str(page), "-l", str(page), str(path))
    width, height = re.search(rf"^Page\s+{page} size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return float(width), float(height)


def fonts(path: Path) -> list[tuple[str, str]]:
    """(name, embedded yes/no) of every font."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    found = []
    for line in lines:
        # name, type (may hold spaces), encoding, emb, sub, uni, object id, generation
        parts = line.split()
        found.append((parts[0], parts[-5]))
    return found


_CJK_WORD = re.compile(r"<word xMin=\"([\d.]+)\" yMin=\"[\d.]+\" xMax=\"([\d.]+)\" yMax=\"[\d.]+\">"
                       r"([\u3040-\u30ff\u4e00-\u9fff]+)</word>")


def cjk_font_sizes(path: Path, page: int) -> list[float]:
    """Printed size of each word of kana and kanji only: those glyphs are one em wide."""
    xml = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    return [(float(x_max) - float(x_min)) / len(word) for x_min, x_max, word in _CJK_WORD.findall(xml)]
