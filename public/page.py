"""The public page's context, from a publication's snapshot alone (no queries)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from plans import fiscal_years
from plans.language import fiscal_year_short_label
from public.chart import chart_geometry
from reports.workbook.labels import PENDING

# The colour class of each grade's bar; the grade's own text always stands beside it.
_GRADE_CLASSES = ("grade-1", "grade-2", "grade-3", "grade-4", "grade-5")


def show(text: str) -> str:
    """A snapshot's text as the page prints it: 「未確定」 in the reader's language."""
    return _("Not confirmed") if text == PENDING else text


def _value(value: dict | None) -> str:
    return "" if value is None else show(value["display"])


def page_context(document: dict, *, publication, years: list, lang: str, relative: bool = False) -> dict:
    """The page's context. `relative`: links for the static export (public.static_export), where
    each published year is a folder `<fiscal_year>/` holding index.html (Japanese), en.html,
    open-data.csv and open-data.json, and the style sheets are in `static/` beside the folders."""
    fy = document["fiscal_year"]
    municipality, strategy = document["municipality"]["code"], document["strategy"]["code"]
    query = "" if lang == "ja" else f"?lang={lang}"
    base = {"municipality": municipality, "strategy": strategy}
    band_grades = [b["grade"] for b in document["bands"]]
    grade_class = {g: _GRADE_CLASSES[min(i, len(_GRADE_CLASSES) - 1)] for i, g in enumerate(band_grades)}
    grades = {}
    for row in document["grades"]:
        total = sum(row["counts"].values()) or 1
        grades[row["code"]] = [
            {"grade": show(g), "count": n, "percent": round(100 * n / total), "css": grade_class.get(g, "grade-none")}
            for g, n in row["counts"].items()
        ]
    policies = []
    for policy in document["policies"]:
        policies.append({
            **policy, "goal": show(policy["goal"]), "summary": show(policy["summary"]),
            "grades": grades.get(policy["code"], []),
            "measures": [{**m, "goal": show(m["goal"])} for m in policy["measures"]],
            "steps": [{**s, "statuses": [show(x) for x in s["statuses"]]} for s in policy["steps"]],
            "indicators": [_indicator(i) for i in policy["indicators"]],
        })
    correction = None
    if publication is not None and publication.replaces is not None:
        old = publication.replaces
        correction = {"published_at": old.published_at, "withdrawn_at": old.withdrawn_at,
                      "reason": old.withdrawn_reason}
    return {
        "doc": document, "labels": document["labels"], "fiscal_year": fy, "lang": lang,
        "municipality_name": document["municipality"]["name"], "strategy_title": document["strategy"]["title"],
        "published_at": datetime.datetime.fromisoformat(document["published_at"]),
        "licence": document["licence"], "policies": policies, "correction": correction,
        "projects": [{**p, "phases": [show(x) for x in p["phases"]],
                      "actual": _value(_of_year(p["values"], fy, "actual")),
                      "planned": _value(_of_year(p["values"], fy, "planned"))} for p in document["projects"]],
        "phase_years": document["phase_years"],
        "year_links": [{"fiscal_year": p.fiscal_year, "current": p.fiscal_year == fy,
                        "url": (f"../{p.fiscal_year}/{_file(lang)}" if relative else
                                reverse("public:page", kwargs={**base, "fiscal_year": p.fiscal_year}) + query)}
                       for p in years],
        "csv_url": "open-data.csv" if relative else reverse("public:download",
                                                             kwargs={**base, "fiscal_year": fy, "fmt": "csv"}),
        "json_url": "open-data.json" if relative else reverse("public:download",
                                                               kwargs={**base, "fiscal_year": fy, "fmt": "json"}),
        "other_language": {"code": "en" if lang == "ja" else "ja", "label": "English" if lang == "ja" else "日本語",
                           "url": _file("en" if lang == "ja" else "ja") if relative else
                           ("?lang=en" if lang == "ja" else "?lang=ja")},
        "static_base": "../static/" if relative else "",
        "era_label": fiscal_years.era_label(fy),
    }


def _file(lang: str) -> str:
    return "index.html" if lang == "ja" else f"{lang}.html"


def _of_year(values: list[dict], fy: int, key: str) -> dict | None:
    return next((v[key] for v in values if v["fiscal_year"] == fy), None)


def _indicator(indicator: dict) -> dict:
    revised = {r["fiscal_year"] for r in indicator["revisions"]}
    chart = chart_geometry(indicator, year_label=fiscal_year_short_label, planned_word=_("Planned"),
                           actual_word=_("Actual"), baseline_word=_("Baseline"), target_word=_("Target"))
    return {
        **indicator, "grade": show(indicator["grade"]), "chart": chart,
        "baseline": _value(indicator["baseline"]), "target": _value(indicator["target"]),
        "rows": [{"fiscal_year": v["fiscal_year"], "planned": _value(v["planned"]), "actual": _value(v["actual"]),
                  "revised": v["fiscal_year"] in revised}
                 for v in indicator["values"]],
        "revisions": [{**r, "old": _value(r["old"]), "new": _value(r["new"])} for r in indicator["revisions"]],
    }
