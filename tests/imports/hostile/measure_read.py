"""Read a workbook as the import does and print its peak RSS: run in a fresh process.

    python tests/imports/hostile/measure_read.py FILE.xlsx

Opens it with imports.workbook (every check and limit) and streams every row of every
sheet; prints one line of JSON: the refusal's code (or "accepted"), the rows read and the
process's peak RSS (VmHWM) in MB.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")

import django  # noqa: E402

django.setup()

from imports.problems import ImportRefused  # noqa: E402
from imports.workbook import Workbook  # noqa: E402


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def main(path: str) -> None:
    outcome, rows = "accepted", 0
    try:
        book = Workbook(Path(path).read_bytes(), file_name=Path(path).name)
        for sheet in book.sheets:
            for _ in sheet.rows():
                rows += 1
        book.close()
    except ImportRefused as refused:
        outcome = refused.problems[0].code
    print(json.dumps({"outcome": outcome, "rows": rows, "peak_rss_mb": round(peak_rss_mb(), 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
