"""The template is in Japanese (headings, 計画 keys, drop-downs); the import reads it, and still
reads the export's English keys and codes. Phase cells accept 構築 / 運用 / 検討 as well as marks."""

import io

import openpyxl

from imports import data_export, sasebo_projects
from imports.export_contract import HEADINGS, HEADINGS_JA
from imports.services import plan_import_apply
from imports.template import build_for
from kpis.models import Indicator
from plans.models import Strategy
from projects.models import Phase


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_template_filled_in_with_japanese_words_imports(dave):
    book = openpyxl.load_workbook(io.BytesIO(build_for(Strategy.objects.get(code="sasebo-dx"))))
    row = dict.fromkeys(HEADINGS, None) | {
        "basic_policy_code": "01-01", "measure_code": "1", "indicator_code": "観光-KPI8", "indicator_kind": "KPI",
        "indicator_name": "日本語の選択肢で入れた KPI", "unit": "件", "direction": "低いほどよい",
        "cumulative": "いいえ", "fiscal_year": 2025, "planned": "12", "status": "未入力",
    }
    book["データ"].append([row[h] for h in HEADINGS])
    assert book["データ"]["A1"].value == HEADINGS_JA["basic_policy_code"] == "基本方針コード"
    run = plan_import_apply(data=_save(book), file_name="テンプレート.xlsx", user=dave)
    assert run.strategy_code == "sasebo-dx" and run.counts["indicator"]["created"] == 1
    kpi = Indicator.objects.get(strategy__code="sasebo-dx", code="観光-KPI8")
    assert (kpi.kind, kpi.direction, kpi.cumulative) == ("kpi", "down", False)


def test_a_wrong_choice_is_refused_with_the_japanese_words():
    read = data_export._choice(["up", "down", "maintain"], "direction")
    assert read("維持") == "maintain" and read("up") == "up"
    try:
        read("右肩上がり")
    except Exception as error:  # noqa: BLE001 - the CellError's words are the point
        assert "高いほどよい" in error.ja and "up" in error.en
    else:
        raise AssertionError("an unknown direction was accepted")


def test_phase_cells_accept_the_words():
    sasebo_projects._phase.cache_clear()
    assert sasebo_projects._phase("構築") == Phase.BUILD
    assert sasebo_projects._phase("運用") == Phase.OPERATE
    assert sasebo_projects._phase(" 検討 ") == Phase.CONSIDER
    assert sasebo_projects._phase("⇒") == Phase.OPERATE
