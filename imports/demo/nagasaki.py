"""長崎市: the DX推進計画 (fixtures/nagasaki_dx/) and 第五次総合計画 policy area H (fixtures/nagasaki_h/).

See fixtures/README-nagasaki-miyakonojo.md for how the CSVs were read.
"""

from collections import Counter
from decimal import Decimal

from imports.demo.common import (
    Tally,
    bulk_sync,
    cell,
    decimal_places,
    department,
    join_notes,
    read_csv,
    touched_by_a_person,
    uncertain,
)
from kpis.models import Indicator, IndicatorKind, YearlyValue, refresh_rates
from kpis.values import value_columns
from plans.models import BasicPolicy, Measure, Municipality, Narrative, NarrativeKind, Strategy, StrategyPhase
from projects.models import Project

PHASES = [("第1期", 2022, 2024), ("第2期", 2025, 2027), ("第3期", 2028, 2030)]
# Not a department: the plan means "every department concerned"; kept visible in the project note.
NOT_A_DEPARTMENT = "各関係部局"

# Uncertain readings from the README, in Japanese, keyed by code.
DX_NOTES = {
    "policy 3": "000の要約では「つくれます」が「つくります」。001の本文どおり記載。",
    "policy 4": "000の要約では「いかに発揮できる」が「いかんなく発揮できる」。001の本文どおり記載。",
    "measure 6-1": "取組内容の「市のサービスを楽しむことができる」は000の要約では「市のサービスを享受できる」。",
    "project 6-2カ": "原文は「ヵ」（抽出時の崩れ）。ア〜オに続くため「カ」とした。",
}
H_NOTES = {
    "H2": "抽出テキストで「H2」の番号が失われており、名称から特定した。",
    "H3-1": "「よりの確で」（より的確で）、「取り組めます」（取り組みます）は原文どおり。",
    "H3-2": "「一定の件費」（人件費）は原文どおり。「うまくいないこと」は「うまくいっていないこと」に補正。名称の「職員（職場）」は全角に統一。",
}
H_LOST_HEADINGS = "見出し行（番号・名称・担当）が抽出テキストで失われており、順序と内容から割り当てた。担当部署の記載なし。"


def load(tally: Tally):
    city = tally.upsert(Municipality, {"code": "nagasaki"}, {"name": "長崎市"})
    departments = {}

    def dept(name):
        if name not in departments:
            departments[name] = department(tally, city, name, order=len(departments) + 1)
        return departments[name]

    _dx(tally, city, dept)
    _h(tally, city, dept)


def _dx(tally, city, dept):
    strategy = tally.upsert(Strategy, {"code": "nagasaki-dx"}, {
        "municipality": city, "title": "長崎市DX推進計画", "first_fiscal_year": 2022, "last_fiscal_year": 2030,
        "label_basic_policy": "基本方針", "label_measure": "基本施策", "label_step": "", "label_project": "取組", "order": 2,
    })
    for order, (name, first, last) in enumerate(PHASES, 1):
        tally.upsert(StrategyPhase, {"strategy": strategy, "name": name},
                     {"first_fiscal_year": first, "last_fiscal_year": last, "order": order})
    policies, measures = {}, {}
    for row in read_csv("nagasaki_dx", "policies.csv"):
        code = row["policy_no"]
        policies[code] = tally.upsert(BasicPolicy, {"strategy": strategy, "code": code}, {
            "title": row["title"], "description": row["description"], "field_examples": row["field_examples"],
            "order": int(code), "note": uncertain(DX_NOTES.get(f"policy {code}")),
        })
    for row in read_csv("nagasaki_dx", "measures.csv"):
        code = row["measure_code"]
        measures[code] = tally.upsert(Measure, {"basic_policy": policies[row["policy_no"]], "code": code}, {
            "title": row["title"], "order": int(code.split("-")[1]), "current_issues": row["current_issues"],
            "actions": row["actions"], "target_state_3y": row["target_state_3y"],
            "note": uncertain(DX_NOTES.get(f"measure {code}")),
        })
    for order, row in enumerate(read_csv("nagasaki_dx", "initiatives.csv"), 1):
        code = f"{row['measure_code']}{row['label']}"
        measure = measures[row["measure_code"]]
        # 「総務部ほか」 is 総務部 (and others); 各関係部局 names no department.
        names = [name.removesuffix("ほか") for name in row["departments"].split("、") if name]
        depts = [dept(name) for name in names if name != NOT_A_DEPARTMENT]
        printed_differs = row["departments"] and row["departments"] != "、".join(d.name for d in depts)
        project = tally.upsert(Project, {"strategy": strategy, "order": order}, {
            "code": code, "name": row["title"], "summary": row["description"],
            "basic_policy": measure.basic_policy, "measure": measure,
            "lead_department": depts[0] if depts else None,
            "note": join_notes(
                f"所管（原文）: {row['departments']}" if printed_differs else "",
                "所管の記載なし。" if not row["departments"] else "",
                f"計画に記載の数値: {row['figures_mentioned']}" if row["figures_mentioned"] else "",
                uncertain(DX_NOTES.get(f"project {code}")),
            ),
        }, m2m={"co_departments": depts[1:]})
        if row["fy2022_activities"]:
            tally.upsert(Narrative, {"project": project, "fiscal_year": 2022, "kind": NarrativeKind.ACTIVITIES},
                         {"text": row["fy2022_activities"]})
    tally.say("長崎市DX推進計画を読み込みました")


def _h(tally, city, dept):
    rows = read_csv("nagasaki_h", "policies.csv")
    area = next(row for row in rows if row["code"] == "H")  # まちづくりの方針 H itself is the strategy
    strategy = tally.upsert(Strategy, {"code": "nagasaki-h"}, {
        "municipality": city, "title": "長崎市第五次総合計画 政策H", "description": area["title"],
        # めざす姿 for FY2025, measured from the FY2020 (R2) baselines.
        "first_fiscal_year": 2020, "last_fiscal_year": 2025,
        "label_basic_policy": "基本施策", "label_measure": "個別施策", "label_step": "", "order": 3,
    })
    policies = {}
    for order, row in enumerate((row for row in rows if row["parent_code"] == "H"), 1):
        code = row["code"]
        policies[code] = tally.upsert(BasicPolicy, {"strategy": strategy, "code": code}, {
            "title": row["title"], "order": order, "target_object": row["target_object"],
            "target_intent": row["target_intent"],
            "lead_department": dept(row["department"]) if row["department"] else None,
            "note": uncertain(H_NOTES.get(code)),
        })
    for row in read_csv("nagasaki_h", "measures.csv"):
        code = row["code"]
        tally.upsert(Measure, {"basic_policy": policies[row["parent_code"]], "code": code}, {
            "title": row["title"], "order": int(code.split("-")[1]),
            "lead_department": dept(row["department"]) if row["department"] else None,
            **{column: row[column] for column in (
                "target_object", "target_intent", "strengths", "weaknesses", "approach", "related_plans")},
            "note": join_notes(uncertain(H_LOST_HEADINGS if code != "H1-1" else None), uncertain(H_NOTES.get(code))),
        })
    values = []
    per_policy = Counter()
    for order, row in enumerate(read_csv("nagasaki_h", "outcome_indicators.csv"), 1):
        policy = policies[row["node_code"]]
        per_policy[row["node_code"]] += 1
        indicator = tally.upsert(
            Indicator, {"basic_policy": policy, "kind": IndicatorKind.OUTCOME, "name": row["name"]}, {
                "strategy": strategy, "code": f"{row['node_code']}-O{per_policy[row['node_code']]}", "order": order,
                "unit": row["unit"], "direction": row["direction"],
                "baseline_value": Decimal(row["baseline_value"]), "baseline_fiscal_year": int(row["baseline_fy"]),
                "baseline_places": decimal_places(row["baseline_value"]),
                "target_value": Decimal(row["target_value"]), "target_fiscal_year": int(row["target_fy"]),
                "target_places": decimal_places(row["target_value"]),
                "responsible_department": policy.lead_department,
            })
        # The target is also the planned value of its year, so the FY2025 actual can be graded
        # there; the yearly value keeps the printed decimals (75.0).
        values.append({"indicator_id": indicator.pk, "fiscal_year": int(row["target_fy"]),
                       **value_columns("planned", cell(row["target_value"])), **value_columns("actual", cell(""))})
    bulk_sync(tally, YearlyValue, ("indicator_id", "fiscal_year"), values,
              YearlyValue.objects.filter(indicator__strategy=strategy).select_related("indicator"), bump_version=True,
              keep=touched_by_a_person)
    refresh_rates(Indicator.objects.filter(strategy=strategy).values("pk"))  # bulk inserts bypass save()
    tally.say("長崎市第五次総合計画 政策Hを読み込みました")
