"""Dashboard filters from the URL query string, so every view can be bookmarked and shared.

?fy=2024 (also R6 or 令和6年度), fy2 (the year to compare with), department, category,
kind, grade (a band, 「－」 or "behind"), leading=1, policy, phase, change, page. A value
that cannot be read is ignored with a message naming the filter; the page still renders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kpis.models import IndicatorKind
from plans import fiscal_years
from plans.achievement import NOT_EVALUABLE
from plans.api_query import StrictBooleanField
from plans.language import fiscal_year_label
from projects.models import Phase
from reports.dashboards.summary import BEHIND

CHANGES = ("worse", "better", "newly_behind")


@dataclass(frozen=True)
class Filters:
    fiscal_year: int
    compare_year: int | None = None
    department: int | None = None
    category: int | None = None
    kind: str = ""
    grade: str = ""
    leading: bool = False
    policy: int | None = None
    phase: str = ""
    change: str = ""
    page: int = 1

    _PARAMS = {
        "fiscal_year": "fy", "compare_year": "fy2", "department": "department", "category": "category",
        "kind": "kind", "grade": "grade", "leading": "leading", "policy": "policy", "phase": "phase",
        "change": "change", "page": "page",
    }

    def query(self, **changes) -> str:
        """The query string of these filters with `changes`; the page resets unless given."""
        changes.setdefault("page", 1)
        params = {}
        for name, value in asdict(replace(self, **changes)).items():
            if value in (None, "", False) or (name == "page" and value == 1):
                continue
            params[self._PARAMS[name]] = 1 if value is True else value
        return "?" + urlencode(params)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the fiscal years narrows the indicators."""
        return bool(self.department or self.category or self.kind or self.leading or self.policy or self.grade)


class CheckboxInput(forms.CheckboxInput):
    """Hands the field the text as sent (Django's reads any text but "false" as ticked)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value is True or value in ("true", "True", "1", "on"))

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class CheckboxField(StrictBooleanField):
    """The API's yes/no (true/false, 1/0; plans.api_query) and the page's ticked box ("on");
    anything else is refused like any other filter that cannot be read."""

    widget = CheckboxInput

    def to_python(self, value):
        return True if value == "on" else super().to_python(value)


def _optional(choices):
    return [("", "—")] + list(choices)


class FilterForm(forms.Form):
    fy = forms.CharField(label=gettext_lazy("Fiscal year"), required=False, widget=forms.Select)
    fy2 = forms.CharField(label=gettext_lazy("Compare with"), required=False, widget=forms.Select)
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), coerce=int, empty_value=None, required=False)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int, empty_value=None, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), required=False)
    leading = CheckboxField(label=gettext_lazy("Leading projects only"), required=False)
    policy = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    phase = forms.ChoiceField(label=gettext_lazy("Phase"), required=False)
    change = forms.ChoiceField(label=gettext_lazy("Change from the year before"), required=False, choices=_optional((c, c) for c in CHANGES))
    page = forms.IntegerField(label=gettext_lazy("Page"), min_value=1, required=False)

    def __init__(self, data, *, strategy, departments, categories, policies, bands, year_counts):
        super().__init__(data)
        self.strategy = strategy
        years = [(str(fy), _year_option(fy, None if year_counts is None else year_counts.get(fy, 0)))
                 for fy in strategy.fiscal_years]
        self.fields["fy"].widget.choices = years
        self.fields["fy2"].widget.choices = _optional(years)
        self.fields["department"].choices = _optional((d.id, d.label) for d in departments.values())
        self.fields["category"].choices = _optional(
            (c.pk, f"{c.vocabulary.name}: {c.name}") for c in categories
        )
        self.fields["kind"].choices = _optional(IndicatorKind.choices)
        self.fields["grade"].choices = _optional(
            [(band.grade, band.grade) for band in bands]
            + [(NOT_EVALUABLE, _("－ (not evaluable)")), (BEHIND, _("Behind target (below %(grade)s)") % {
                "grade": bands[0].grade})]
        )
        self.fields["policy"].label = strategy.label_basic_policy
        self.fields["policy"].choices = _optional((p.pk, f"{p.code} {p.short_name or p.title}") for p in policies)
        self.fields["phase"].choices = _optional(Phase.choices)

    def _clean_year(self, name):
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            fiscal_year = fiscal_years.parse_fiscal_year(text)
        except fiscal_years.FiscalYearError as error:
            raise forms.ValidationError(error.message(get_language())) from None
        s = self.strategy
        if not s.first_fiscal_year <= fiscal_year <= s.last_fiscal_year:
            raise forms.ValidationError(
                _("%(year)s is not a fiscal year of this plan (%(first)s – %(last)s).") % {
                    "year": fiscal_year_label(fiscal_year),
                    "first": fiscal_year_label(s.first_fiscal_year),
                    "last": fiscal_year_label(s.last_fiscal_year),
                }
            )
        return fiscal_year

    def clean_fy(self):
        return self._clean_year("fy")

    def clean_fy2(self):
        return self._clean_year("fy2")

    def error_messages(self) -> list[str]:
        return [f"{self.fields[name].label or name}: {' '.join(errors)}" for name, errors in self.errors.items()]


def _year_option(fiscal_year: int, actuals: int | None) -> str:
    label = fiscal_year_label(fiscal_year)
    if actuals is None:
        return label
    return f"{label} — " + _("%(count)s actuals") % {"count": actuals}


def default_fiscal_year(strategy, year_counts: dict[int, int], today_fiscal_year: int,
                        round_fiscal_year: int | None = None) -> int:
    """The fiscal year of the open entry round, else of the latest closed one (the year people
    work on or just closed: Sasebo's open R6, not R5 with more figures). Without a round in the
    plan's period, the latest fiscal year whose actuals are substantially in: at least half as
    many numeric actuals as the fullest year. Without any actual, the current fiscal year kept
    inside the plan."""
    if round_fiscal_year is not None and strategy.first_fiscal_year <= round_fiscal_year <= strategy.last_fiscal_year:
        return round_fiscal_year
    if year_counts:
        fullest = max(year_counts.values())
        candidates = [fy for fy, n in year_counts.items() if 2 * n >= fullest
                      and strategy.first_fiscal_year <= fy <= strategy.last_fiscal_year]
        if candidates:
            return max(candidates)
    return min(max(today_fiscal_year, strategy.first_fiscal_year), strategy.last_fiscal_year)


def parse(params, *, strategy, departments, categories, policies, bands, year_counts, today_fiscal_year,
          show_counts=True, round_fiscal_year=lambda: None):
    """(Filters, bound form, error messages) from request.GET.

    `year_counts` is a function (a query): called for the default year when ?fy= is
    missing or wrong, and for the year options when `show_counts`; `round_fiscal_year` too
    (a query), only for the default year.
    """
    counts = year_counts() if show_counts else None

    chosen = []  # the default, computed once (its lookups are queries)

    def default():
        if not chosen:
            chosen.append(default_fiscal_year(strategy, counts if counts is not None else year_counts(),
                                              today_fiscal_year, round_fiscal_year()))
        return chosen[0]

    params = params.copy()
    if not params.get("fy"):
        params["fy"] = str(default())  # so the year select shows the year in use
    form = FilterForm(params, strategy=strategy, departments=departments, categories=categories,
                      policies=policies, bands=bands, year_counts=counts)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    fiscal_year = data.get("fy") or default()
    filters = Filters(
        fiscal_year=fiscal_year, compare_year=data.get("fy2"), department=data.get("department"),
        category=data.get("category"), kind=data.get("kind") or "", grade=data.get("grade") or "",
        leading=bool(data.get("leading")), policy=data.get("policy"), phase=data.get("phase") or "",
        change=data.get("change") or "", page=data.get("page") or 1,
    )
    return filters, form, form.error_messages()
