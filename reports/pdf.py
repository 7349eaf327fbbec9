"""The report's PDF: LibreOffice (headless) prints the workbook, with its page setup, to PDF.

One source of truth: the PDF is the workbook as printed (paper, scale, repeated headings,
row breaks, footers from reports.workbook.printing), so the two files never disagree.
LibreOffice embeds the fonts it prints with (Noto Sans CJK for the Japanese text, Carlito,
metric-compatible with Calibri, for the column width unit). Each conversion runs with a
throwaway user profile (parallel jobs would otherwise share and lock one) in its own
process group, killed whole on the timeout so a hang cannot block the worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

OUTPUT_TAIL = 500  # characters of the renderer's output kept in an error message


class PdfUnavailable(Exception):
    """The renderer is not installed or could not make the PDF; the message says which."""


def renderer_path() -> str | None:
    """The soffice binary the setting names, if it is there."""
    return shutil.which(settings.DXPLAN_PDF_RENDERER)


def unavailable_reason() -> str:
    """Empty when a PDF can be made, else why not (for the page and the service)."""
    if renderer_path():
        return ""
    return _("PDF is unavailable: the renderer %(renderer)s (LibreOffice, Debian package "
             "libreoffice-calc-nogui) is not installed on the server. The Excel report still works.") % {
        "renderer": settings.DXPLAN_PDF_RENDERER}


def workbook_to_pdf(workbook, out) -> None:
    """Convert the .xlsx in the binary file `workbook` (read from its current position) to
    PDF written to the binary file `out`; raises PdfUnavailable with the reason."""
    binary = renderer_path()
    if binary is None:
        raise PdfUnavailable(unavailable_reason())
    with tempfile.TemporaryDirectory(prefix="dxplan-pdf-") as folder:
        folder = Path(folder)
        source = folder / "report.xlsx"
        with open(source, "wb") as target:
            shutil.copyfileobj(workbook, target, 1 << 20)
        command = [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        output = _run(command, settings.DXPLAN_PDF_TIMEOUT, folder)
        result = folder / "report.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise PdfUnavailable(_("The renderer made no PDF: %(output)s") % {
                "output": output[-OUTPUT_TAIL:] or _("(no output)")})
        with open(result, "rb") as pdf:
            shutil.copyfileobj(pdf, out, 1 << 20)


def _run(command: list[str], timeout: int, folder: Path) -> str:
    env = dict(os.environ, HOME=str(folder))  # LibreOffice writes caches under HOME too
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                   cwd=folder, start_new_session=True)
    except OSError as error:
        raise PdfUnavailable(_("The renderer could not be started: %(error)s") % {"error": error}) from None
    try:
        output, _unused = process.communicate(timeout=timeout)
    except BaseException as error:  # the timeout, or the task's soft time limit arriving meanwhile
        os.killpg(process.pid, signal.SIGKILL)  # soffice is a script: its soffice.bin child too
        process.communicate()
        if isinstance(error, subprocess.TimeoutExpired):
            raise PdfUnavailable(_("The renderer did not finish within %(seconds)s seconds and was stopped.") % {
                "seconds": timeout}) from None
        raise
    text = output.decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise PdfUnavailable(_("The renderer failed (exit status %(status)s): %(output)s") % {
            "status": process.returncode, "output": text[-OUTPUT_TAIL:] or _("(no output)")})
    return text
