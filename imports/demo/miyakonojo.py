"""都城市DX推進計画 (R4–R7) from fixtures/miyakonojo/: policies and measures only.

governance.csv (推進体制) and survey.csv (市民意識調査) have no place in the plan tree
and are not loaded.
"""

from imports.demo.common import Tally, read_csv, uncertain
from plans.models import BasicPolicy, Measure, Municipality, Strategy

NOTES = {  # uncertain readings from the README, keyed by measure code
    "1-9": "番号の「-」が抽出時に失われており（１９）、連番から1-9と読んだ。",
    "1-10": "番号の「-」が抽出時に失われており（１１０）、連番から1-10と読んだ。",
    "1-11": "番号の「-」が抽出時に失われており（１１１）、連番から1-11と読んだ。",
    "2-10": "番号の「-」が抽出時に失われており（２１０）、連番から2-10と読んだ。",
    "3-8": "基本方針3（地域社会）の下だが名称は「自治体経営」。原文の誤記と思われるが原文どおり記載。",
}


def load(tally: Tally):
    city = tally.upsert(Municipality, {"code": "miyakonojo"}, {"name": "都城市"})
    strategy = tally.upsert(Strategy, {"code": "miyakonojo-dx"}, {
        "municipality": city, "title": "都城市DX推進計画", "first_fiscal_year": 2022, "last_fiscal_year": 2025,
        "label_basic_policy": "基本方針", "label_measure": "施策", "label_step": "", "order": 4,
    })
    policies = {}
    for row in read_csv("miyakonojo", "policies.csv"):
        policies[row["policy_no"]] = tally.upsert(
            BasicPolicy, {"strategy": strategy, "code": row["policy_no"]},
            {"title": row["title"], "description": row["description"], "order": int(row["policy_no"])},
        )
    for row in read_csv("miyakonojo", "measures.csv"):
        code = row["measure_code"]
        tally.upsert(Measure, {"basic_policy": policies[row["policy_no"]], "code": code}, {
            "title": row["title"], "order": int(code.split("-")[1]),
            "note": uncertain(NOTES.get(code)),
        })
    tally.say("都城市DX推進計画を読み込みました")
