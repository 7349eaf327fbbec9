"""Defect 5 of issue 14: the probe's 15 MB workbook with a 157 MB shared-strings part is
refused, and reading the largest files the limits accept stays under limits.PEAK_RSS_MB.

Each measurement reads the file in a fresh process (measure_read.py) and takes its VmHWM,
so the figure is the reading's own. The figures are printed (pytest -s shows them)."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from imports import limits
from imports.problems import ImportRefused
from imports.workbook import Workbook
from tests.imports.hostile import hostile_builders as build

MEASURE = Path(__file__).with_name("measure_read.py")


def _measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, str(MEASURE), str(path)], capture_output=True, text=True, timeout=600,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    strings = zipfile.ZipFile(path).getinfo(build.STRINGS).file_size if build.STRINGS in zipfile.ZipFile(
        path).namelist() else 0
    print(f"\n{path.name}: {path.stat().st_size / limits.MB:.1f} MB file, shared strings "
          f"{strings / limits.MB:.1f} MB uncompressed → {result}")
    return result


def test_the_probes_shared_strings_bomb_is_refused_with_the_part_named(tmp_path):
    path = build.shared_strings_bomb(tmp_path / "bomb.xlsx")
    part = zipfile.ZipFile(path).getinfo(build.STRINGS)
    assert path.stat().st_size < limits.max_bytes() and part.file_size > 150 * limits.MB  # the probe's shape
    assert part.file_size < limits.current().max_inflation * part.compress_size  # no zip bomb by ratio
    with pytest.raises(ImportRefused) as refused:
        Workbook(path.read_bytes(), file_name=path.name)
    problem = refused.value.problems[0]
    assert problem.code == "part_too_large"
    assert "共有文字列の部分（xl/sharedStrings.xml）" in problem.ja and "上限 64 MB" in problem.ja
    assert _measure(path)["outcome"] == "part_too_large"


def _at_the_limits(tmp_path: Path) -> dict[str, Path]:
    bounds = limits.current()
    count = bounds.max_shared_strings
    return {
        # the most strings: a million of 20 characters (all the characters allowed)
        "most strings": build.write_with_strings(
            tmp_path / "most-strings.xlsx",
            build.varied_texts(count, bounds.max_shared_string_chars // count, build.HEX)),
        # the largest part, in the widest characters (4 bytes in UTF-8 and in memory)
        "widest text": build.write_with_strings(
            tmp_path / "widest-text.xlsx",
            build.varied_texts(bounds.max_shared_strings_part // 4_020, 1_000, build.EMOJI)),
    }


def test_reading_the_largest_accepted_files_stays_under_the_stated_peak(tmp_path):
    for name, path in _at_the_limits(tmp_path).items():
        result = _measure(path)
        assert result["outcome"] == "accepted", name
        assert result["rows"] > 20, name  # the plan's rows were read after the strings
        assert result["peak_rss_mb"] < limits.PEAK_RSS_MB, (name, result)


def test_one_string_more_is_refused(tmp_path, settings):
    settings.DXPLAN_IMPORT_LIMITS = {"max_shared_strings": 999}
    path = build.write_with_strings(tmp_path / "s.xlsx", build.varied_texts(1_000, 5, build.HEX))
    with pytest.raises(ImportRefused) as refused:
        Workbook(path.read_bytes())
    assert refused.value.problems[0].code == "too_many_shared_strings"
    settings.DXPLAN_IMPORT_LIMITS = {"max_shared_strings": 1_000}
    Workbook(path.read_bytes()).close()
