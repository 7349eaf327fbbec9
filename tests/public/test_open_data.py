"""Open data: CSV (UTF-8 with BOM, one row per indicator × fiscal year) and JSON, from the snapshot."""

import csv
import io
import json

from public import opendata


def _csv(client):
    response = client.get("/public/sasebo/sasebo-dx/2023/open-data.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return response


def test_csv_has_a_bom_the_columns_and_a_row_per_indicator_and_year(published, client):
    content = _csv(client).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    doc = published.document
    indicators = sum(len(p["indicators"]) for p in doc["policies"])
    activities = sum(1 for p in doc["projects"] if p["indicator"])
    assert len(rows) == (indicators + activities) * len(doc["fiscal_years"])
    assert tuple(rows[0]) == opendata.COLUMNS
    first = next(r for r in rows if r["indicator_code"] == "観光-KPI1" and r["fiscal_year"] == "2023")
    assert first["basic_policy_code"] == "01-01" and first["measure_code"] == "1"
    assert first["planned"] == "5" and first["actual"] == "7" and first["actual_state"] == "number"
    assert first["grade"] == "A" and first["fiscal_year_label"] == "令和5年度"
    assert first["licence"] == "CC BY 4.0" and first["published_at"] == doc["published_at"]
    later = next(r for r in rows if r["indicator_code"] == "観光-KPI1" and r["fiscal_year"] == "2024")
    assert later["actual"] == "" and later["actual_state"] == "empty" and later["grade"] == ""


def test_unconfirmed_actual_is_a_state_without_a_number():
    doc = {"municipality": {"code": "m"}, "strategy": {"code": "s"}, "fiscal_year": 2024, "licence": "CC BY 4.0",
           "published_at": "2025-05-01T00:00:00+09:00", "projects": [], "policies": [{"indicators": [{
               "code": "K1", "path": ["1"], "name": "n", "unit": "件", "direction": "up", "baseline": None,
               "baseline_year": None, "target": None, "target_year": None, "grade": "－", "evaluated_year": None,
               "revisions": [{"fiscal_year": 2024, "reason": "見直し"}],
               "values": [{"fiscal_year": 2024,
                           "planned": {"state": "number", "number": "2500.0", "text": "", "display": "2,500.0"},
                           "actual": {"state": "text", "number": None, "text": "未確定", "display": "未確定"}}]}]}]}
    (row,) = opendata.rows(doc)
    assert (row["actual"], row["actual_state"]) == ("", "unconfirmed")
    assert row["planned"] == "2500.0" and row["revised"] == "1" and row["revision_reason"] == "見直し"
    assert row["indicator_scope"] == "basic_policy"


def test_json_carries_licence_and_date_in_its_metadata(published, client):
    response = client.get("/public/sasebo/sasebo-dx/2023/open-data.json")
    data = json.loads(response.content)
    assert data["metadata"]["licence"] == "CC BY 4.0"
    assert data["metadata"]["published_at"] == published.document["published_at"]
    assert data["data"] == published.document
    assert "attachment" in response["Content-Disposition"]
