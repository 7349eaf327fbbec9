"""The open data of a publication, from its snapshot alone (plain Python): a CSV (UTF-8 with a
BOM, one row per indicator × fiscal year) and a JSON document. The columns are documented in
docs/open-data.md; change both together."""

from __future__ import annotations

import csv
import io
import json

from plans.fiscal_years import era_label
from reports.workbook.labels import PENDING

COLUMNS = (
    "municipality_code", "strategy_code", "publication_fiscal_year", "basic_policy_code", "measure_code",
    "project_code", "indicator_code", "indicator_name", "indicator_scope", "unit", "direction",
    "baseline", "baseline_fiscal_year", "target", "target_fiscal_year",
    "fiscal_year", "fiscal_year_label", "planned", "planned_state", "planned_text",
    "actual", "actual_state", "actual_text", "grade", "revised", "revision_reason",
    "licence", "published_at",
)
# A value's state in the files; 「未確定」 (not approved when published) is a state of its own.
STATES = {"number": "number", "na": "not_applicable", "pending": "not_set", "text": "text", "empty": "empty"}
UNCONFIRMED = "unconfirmed"


def _value_cells(value: dict | None) -> tuple[str, str, str]:
    """(number, state, text) of a snapshot value: the number as entered, without separators."""
    if value is None:
        return "", STATES["empty"], ""
    if value["state"] == "text" and value["text"] == PENDING:
        return "", UNCONFIRMED, ""
    return value["number"] or "", STATES[value["state"]], value["text"]


def rows(document: dict):
    """The CSV's rows as dicts keyed by COLUMNS, in the plan's order: the indicators of basic
    policies and measures, then the projects' activity indicators."""
    common = {"municipality_code": document["municipality"]["code"], "strategy_code": document["strategy"]["code"],
              "publication_fiscal_year": document["fiscal_year"], "licence": document["licence"],
              "published_at": document["published_at"]}
    for policy in document["policies"]:
        for indicator in policy["indicators"]:
            path = indicator["path"] + [""]
            revised = {r["fiscal_year"]: r["reason"] for r in indicator["revisions"]}
            baseline, _s, _t = _value_cells(indicator["baseline"])
            target, _s, _t = _value_cells(indicator["target"])
            for value in indicator["values"]:
                fy = value["fiscal_year"]
                yield _row(common, value, basic_policy_code=path[0], measure_code=path[1], project_code="",
                           indicator_code=indicator["code"], indicator_name=indicator["name"],
                           indicator_scope="measure" if indicator["path"][1:] else "basic_policy",
                           unit=indicator["unit"], direction=indicator["direction"],
                           baseline=baseline, baseline_fiscal_year=indicator["baseline_year"] or "",
                           target=target, target_fiscal_year=indicator["target_year"] or "",
                           grade=indicator["grade"] if fy == indicator["evaluated_year"] else "",
                           revised="1" if fy in revised else "", revision_reason=revised.get(fy, ""))
    for project in document["projects"]:
        if not project["indicator"]:
            continue
        for value in project["values"]:
            yield _row(common, value, basic_policy_code="", measure_code="", project_code=project["code"],
                       indicator_code="", indicator_name=project["indicator"], indicator_scope="project",
                       unit=project["unit"], direction="", baseline="", baseline_fiscal_year="", target="",
                       target_fiscal_year="", grade="", revised="", revision_reason="")


def _row(common: dict, value: dict, **fields) -> dict:
    planned, planned_state, planned_text = _value_cells(value["planned"])
    actual, actual_state, actual_text = _value_cells(value["actual"])
    return {**common, **fields, "fiscal_year": value["fiscal_year"], "fiscal_year_label": era_label(value["fiscal_year"]),
            "planned": planned, "planned_state": planned_state, "planned_text": planned_text,
            "actual": actual, "actual_state": actual_state, "actual_text": actual_text}


def csv_bytes(document: dict) -> bytes:
    """The CSV file: UTF-8 with a BOM (Excel opens it as UTF-8), CRLF line ends, a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(document))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def json_bytes(document: dict) -> bytes:
    """The JSON file: the metadata (licence, publication date, source) and the snapshot itself."""
    metadata = {"licence": document["licence"], "published_at": document["published_at"],
                "municipality": document["municipality"], "strategy": document["strategy"],
                "fiscal_year": document["fiscal_year"], "fiscal_year_label": era_label(document["fiscal_year"])}
    return json.dumps({"metadata": metadata, "data": document}, ensure_ascii=False, indent=1).encode("utf-8")
