"""佐世保市DX戦略 実行計画 (R7 edition) from fixtures/sasebo/ (see its README.md)."""

import datetime
from collections import Counter

from imports.demo.common import (
    Tally,
    bulk_sync,
    cell,
    department,
    join_notes,
    read_csv,
    same_text,
    touched_by_a_person,
    uncertain,
)
from kpis.models import EntryStatus, Indicator, IndicatorKind, YearlyValue, refresh_rates
from kpis.values import value_columns
from plans.models import (
    BasicPolicy,
    Category,
    CategoryVocabulary,
    Measure,
    Municipality,
    Narrative,
    NarrativeKind,
    Step,
    Strategy,
    default_grade_bands,
)
from projects.models import Phase, Project, ProjectYear

FOLDER = "sasebo"
YEARS = range(3, 10)  # R3..R9 columns of the CSVs
PHASE_YEARS = range(4, 10)  # phase_R4..phase_R9
PHASES = {"○": Phase.BUILD, "⇒": Phase.OPERATE, "…": Phase.CONSIDER}
FY_NARRATIVES = 2025  # the goal/summary texts are those of the R7 edition
LEADING_DEPARTMENT_OF_DX = "行政経営改革部"  # DX推進課 hangs under it (not named in the seed)


def fy(reiwa: int) -> int:
    return 2018 + reiwa


def _category_name(row) -> str:
    return "その他" if row["category"] == "しかけ" else row["category"]  # printed 分類 of the しかけ row


# The README's "Rows with uncertain alignment or assignment (22)", in Japanese. Series-wide
# issues go to the indicator or project note, single cells to the YearlyValue note.
POLICY_NOTES = {  # 1, 2
    "農林水産": "「R7年度の目標（総括）」の本文は抽出時に順序が乱れており、第4段落（農業/監視装置/漁業/有害鳥獣）を総括の目標、第1〜3段落を課題別の目標とした。",
    "職場環境": "課題2の目標が総括の目標より前に、課題1の目標が「R7年度の事業総括」の後に印字されており、内容から割り当てた。",
}
KPI_NOTES = {  # 3, 5, 6, 7
    ("多様化", "キャッシュレス決済利用率（財務システム）"): "指標名は窓口・財務システムの順に印字されているが、値は事業 多様化1-1-1・1-2-1 との対応で割り当てた。印字順が正しければ窓口と値が入れ替わる。",
    ("多様化", "キャッシュレス決済利用率（窓口）"): "指標名は窓口・財務システムの順に印字されているが、値は事業 多様化1-1-1・1-2-1 との対応で割り当てた。印字順が正しければ財務システムと値が入れ替わる。",
    ("都市整備", "事業立案に利用可能な３Dデータを活用した事業数"): "予定値5つ（3 3 3 4 5）をR5〜R9に右詰めし、実績1つをR5とした。算出式（2年ごとに増加）では年度を確定できない。",
    ("農林水産", "IoTを活用した鳥獣検知箇所数"): "予定値3つ（3 3 3）をR7〜R9に右詰めした。実績も対応する事業行もない。",
    ("子ども・子育て", "オンライン対応手続き数"): "2つの文章を内容から算出式と評価に分けた。評価中の「99⇒98」はどの値とも一致しない。",
}
KPI_VALUE_NOTES = {  # 4
    ("高質化", "RPA等による削減効果時間", 2024): "実績値が4つあるのはこのKPIのみで、R3〜R6に割り当てた（R6実績は資料中この1件のみ）。",
}
PROJECT_NOTES = {  # by row_no: 8, 10, 11, 12, 13, 17, 21
    14: "ステップ名「政策検討に必要なデータの取得・分析」から1-1としたが、PIDはステップ1-2を示す。",
    59: "ステップ名「包括的支援の実現の担い手である職員負担の軽減」から2-b-1としたが、PIDはステップ2-b-2を示す。",
    88: "ステップ名「内部事務のデジタル化」から2-b-1としたが、PIDはステップ2-a-1を示す。",
    99: "工程の○が1つのみで、実施済の値に合わせR4に置いた（R9に右詰めすると実施済と矛盾する）。",
    100: "工程の○が1つのみで、実施済の値に合わせR4に置いた（R9に右詰めすると実施済と矛盾する）。",
    19: "値なし。工程の印5つ（… … … … ○）をR5〜R9に右詰めした（R4〜R8の可能性あり）。",
    93: "値なし。工程の印4つ（○ ○ ○ ○）をR6〜R9に右詰めした。",
}
ACTIVITY_NOTES = {  # by row_no: 14, 15, 16, 18, 19, 20
    11: "工程がR4〜R9すべて「…」で起点がなく、値4つをR6〜R9に置いた。",
    13: "工程の○はR4開始で値8つのはずが4つ（30 60 90 90）のみ。同じ指標の観光3-a-2-1に合わせR6〜R9の予定とした。",
    14: "値4つと工程の「…」4つを、○がなく起点がないためいずれもR6〜R9に右詰めした。",
    53: "値3つ（1 2 3）に対し工程の○はR6開始。R7〜R9に右詰めした（R6〜R8の可能性あり）。",
    56: "値4つ（1 2 2 2）をR6〜R9に置いたが、R6は「…」（検討）で○はR7。",
    71: "値3つ（26 52 52）に対し工程の○はR6開始。R7〜R9に右詰めした（R6〜R8の可能性あり）。",
}
ACTIVITY_VALUE_NOTES = {  # by (row_no, fiscal_year): 9, 22
    (40, 2023): "「㈱ゼンリンとの協議継続中」の2セルを○の始まるR5の予定・実績に置いた（R4の可能性もある）。",
    (94, 2024): "R6予定の378はR7〜R9（87, 106, 155）を大きく上回り、位置違いの数値の可能性がある。",
}
POLICY_REMARKS = {  # facts of the source worth seeing next to the data (not uncertainties)
    "教育": "出典に「R7年度の目標」とKPIのページがない。",
    "多様化": "事業一覧での表記: 多様なニーズに対応し、必要な人が必要なサービスを受けられる市役所",
}


def load(tally: Tally) -> Strategy:
    issues = read_csv(FOLDER, "focus_issues.csv")
    projects = read_csv(FOLDER, "projects.csv")
    city = tally.upsert(Municipality, {"code": "sasebo"}, {"name": "佐世保市"})
    strategy = tally.upsert(Strategy, {"code": "sasebo-dx"}, {
        "municipality": city, "title": "佐世保市DX戦略", "description": "佐世保市DX戦略 実行計画（令和7年度版）",
        # The data has R3 values although the strategy runs R4–R9, so the period starts in R3.
        "first_fiscal_year": 2021, "last_fiscal_year": 2027,
        "plan_as_of": datetime.date(2023, 4, 1), "actuals_as_of": datetime.date(2024, 3, 31),
        "label_basic_policy": "DX重点課題", "label_measure": "課題", "label_step": "ステップ",
        "label_project": "プロジェクト", "grade_bands": default_grade_bands(), "order": 1,
    })
    # 部局 in order of first appearance in the project table, then the demo's DX office.
    names = list(dict.fromkeys(row["lead_department"] for row in projects))
    departments = {name: department(tally, city, name, order=i) for i, name in enumerate(names, 1)}
    departments["DX推進課"] = department(tally, city, "DX推進課", parent=departments[LEADING_DEPARTMENT_OF_DX])

    categories = _categories(tally, strategy, issues)
    policies, measures, steps = _tree(tally, strategy, issues, categories)
    projects_by_row = _projects(tally, strategy, projects, departments, categories, policies, measures, steps)
    _indicators(tally, strategy, projects, projects_by_row, measures)
    tally.say("佐世保市DX戦略を読み込みました")
    return strategy


def _categories(tally, strategy, issues) -> dict:
    """分野 and 分類 vocabularies; returns {name: Category} (the names don't overlap)."""
    fields = tally.upsert(CategoryVocabulary, {"strategy": strategy, "code": "field"}, {"name": "分野", "order": 1})
    kinds = tally.upsert(CategoryVocabulary, {"strategy": strategy, "code": "category"}, {"name": "分類", "order": 2})
    result = {}
    for i, name in enumerate(dict.fromkeys(row["field"] for row in issues), 1):
        result[name] = tally.upsert(Category, {"vocabulary": fields, "code": name}, {"name": name, "order": i})
    for i, name in enumerate([row["category"] for row in issues] + ["推進課題", "その他"], 1):
        result[name] = tally.upsert(Category, {"vocabulary": kinds, "code": name}, {"name": name, "order": i})
    return result


def _tree(tally, strategy, issues, categories):
    policies, measures, steps = {}, {}, {}
    issues = sorted(issues, key=lambda row: (row["field_no"], row["issue_no"]))
    for order, row in enumerate(issues, 1):
        name = row["category"]
        policy = policies[name] = tally.upsert(
            BasicPolicy,
            {"strategy": strategy, "code": f"{row['field_no']}-{row['issue_no']}"},
            {"short_name": name, "title": row["title"], "order": order,
             "note": join_notes(POLICY_REMARKS.get(name, ""), uncertain(POLICY_NOTES.get(name)))},
            m2m={"categories": [categories[row["field"]], categories[name]]},
        )
        for kind, column in ((NarrativeKind.GOAL, "goal_fy2025"), (NarrativeKind.SUMMARY, "summary_fy2025")):
            if row[column]:  # 教育 has none
                tally.upsert(Narrative, {"basic_policy": policy, "fiscal_year": FY_NARRATIVES, "kind": kind},
                             {"text": row[column]})
    for row in read_csv(FOLDER, "measures.csv"):
        measure = measures[row["category"], row["measure_no"]] = tally.upsert(
            Measure,
            {"basic_policy": policies[row["category"]], "code": row["measure_no"]},
            {"title": row["title"], "order": int(row["measure_no"]), "target_image": row["target_image"],
             "alt_title": row["title_progress_page"]},
        )
        if row["goal_fy2025"]:
            tally.upsert(Narrative, {"measure": measure, "fiscal_year": FY_NARRATIVES, "kind": NarrativeKind.GOAL},
                         {"text": row["goal_fy2025"]})
    for row in read_csv(FOLDER, "steps.csv"):
        # (category, step_code) is not unique (保健福祉 2-b-1 twice), so keep a list per code.
        step = tally.upsert(
            Step, {"measure": measures[row["category"], row["measure_no"]], "order": int(row["seq"])},
            {"code": row["step_code"], "title": row["title"]},
        )
        steps.setdefault((row["category"], row["step_code"]), []).append(step)
    return policies, measures, steps


def _step_of(row, steps):
    if row["step_in_list"] != "1":
        return None
    candidates = steps[row["category"], row["step_code"]]
    return next((s for s in candidates if same_text(s.title, row["step_title"])), candidates[0])


def _projects(tally, strategy, rows, departments, categories, policies, measures, steps) -> dict:
    result, years = {}, []
    for row in rows:
        row_no = int(row["row_no"])
        in_tree = bool(row["measure_no"])  # 推進課題 and しかけ have no policy, measure or step
        unlisted = row["step_code"] and row["step_in_list"] != "1"
        project = result[row_no] = tally.upsert(Project, {"strategy": strategy, "order": row_no}, {
            "code": row["pid"], "name": row["name"], "summary": row["summary"], "leading": row["leading"] == "1",
            "basic_policy": policies[row["category"]] if in_tree else None,
            "measure": measures[row["category"], row["measure_no"]] if in_tree else None,
            "step": _step_of(row, steps) if in_tree else None,
            "lead_department": departments[row["lead_department"]],
            "note": join_notes(
                row["notes"],
                f"ステップ（進捗ページの一覧になし）: {row['step_code']} {row['step_title']}" if unlisted else "",
                uncertain(PROJECT_NOTES.get(row_no)),
            ),
        }, m2m={"categories": [categories[row["field"]], categories[_category_name(row)]]})
        marks = [(fy(n), row[f"phase_R{n}"]) for n in PHASE_YEARS if row[f"phase_R{n}"]]
        first_build = next((year for year, mark in marks if mark == "○"), None)  # the only is_start
        years += [
            {"project_id": project.pk, "fiscal_year": year, "phase": PHASES[mark], "is_start": year == first_build}
            for year, mark in marks
        ]
    bulk_sync(tally, ProjectYear, ("project_id", "fiscal_year"), years,
              ProjectYear.objects.filter(project__strategy=strategy))
    return result


def _series(row, *, comment_year=None, comment="", notes=None) -> dict:
    """{fiscal_year: columns} for the years with a planned or actual cell (plus the comment's year)."""
    series = {}
    for n in YEARS:
        planned, actual = row[f"planned_R{n}"], row[f"actual_R{n}"]
        if planned or actual or fy(n) == comment_year:
            series[fy(n)] = {**value_columns("planned", cell(planned)), **value_columns("actual", cell(actual)),
                             "comment": comment if fy(n) == comment_year else "", "note": (notes or {}).get(fy(n), ""),
                             # Printed actuals are published figures: approved in the entry round.
                             "status": EntryStatus.APPROVED if actual else EntryStatus.NOT_ENTERED}
    return series


def _indicators(tally, strategy, projects, projects_by_row, measures):
    values = []  # (indicator, {fiscal_year: columns}) of all indicators, written in one bulk sync
    for row in projects:
        row_no = int(row["row_no"])
        has_values = any(row[f"{side}_R{n}"] for side in ("planned", "actual") for n in YEARS)
        if not (row["indicator_name"] or has_values):
            continue
        project = projects_by_row[row_no]
        printed = row["indicator_name"].strip()
        indicator = tally.upsert(Indicator, {"project": project, "kind": IndicatorKind.ACTIVITY}, {
            # Codes identify indicators in exports and imports: PIDs repeat, row numbers don't.
            "strategy": strategy, "code": f"P{row_no:03d}-A1", "order": row_no,
            "name": "" if printed in ("", "-") else printed,
            "unit": "%" if row["value_unit"] == "%" else "",
            "responsible_department": project.lead_department,
            "note": join_notes(
                "活動指標名は「-」と印字されている。" if printed == "-" else "",
                "活動指標名の印字なし。" if not printed else "",
                uncertain(ACTIVITY_NOTES.get(row_no)),
            ),
        })
        notes = {year: uncertain(text) for (r, year), text in ACTIVITY_VALUE_NOTES.items() if r == row_no}
        values.append((indicator, _series(row, notes=notes)))

    for row in read_csv(FOLDER, "kpis.csv"):
        key = (row["category"], row["kpi_name"])
        measure = measures[row["category"], row["measure_no"]]
        leads = Counter(p.lead_department for p in projects_by_row.values() if p.measure_id == measure.pk)
        ranked = leads.most_common()  # ties keep project-table order, so the first listed wins
        lead = ranked[0][0] if ranked else None
        tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        derived = (
            "" if not ranked else
            "担当部局は、この課題の全事業の主体部局から導出した。" if len(ranked) == 1 else
            "担当部局は、この課題の事業で" + ("同数のため事業一覧で先に出る" if tie else "最も多い")
            + "主体部局から導出した（" + "、".join(f"{d.name} {n}件" for d, n in ranked) + "）。"
        )
        kpi = tally.upsert(Indicator, {"measure": measure, "kind": IndicatorKind.KPI, "order": int(row["kpi_no"])}, {
            "strategy": strategy, "code": f"{row['category']}-KPI{row['kpi_no']}", "name": row["kpi_name"],
            "unit": row["unit"], "direction": row["direction"],
            "formula": row["formula"], "responsible_department": lead,
            "note": join_notes(row["notes"], derived, uncertain(KPI_NOTES.get(key))),
        })
        # 進捗状況・評価 belongs to the latest reported year; FY2025 (this edition) when nothing is reported yet.
        actual_years = [fy(n) for n in YEARS if row[f"actual_R{n}"]]
        notes = {year: uncertain(text) for (c, name, year), text in KPI_VALUE_NOTES.items() if (c, name) == key}
        values.append((kpi, _series(row, comment_year=max(actual_years, default=FY_NARRATIVES),
                                    comment=row["evaluation"], notes=notes)))

    rows = [{"indicator_id": indicator.pk, "fiscal_year": year, **columns}
            for indicator, series in values for year, columns in series.items()]
    bulk_sync(tally, YearlyValue, ("indicator_id", "fiscal_year"), rows,
              YearlyValue.objects.filter(indicator__strategy=strategy).select_related("indicator"), bump_version=True,
              keep=touched_by_a_person)
    refresh_rates(Indicator.objects.filter(strategy=strategy).values("pk"))  # bulk inserts bypass save()
