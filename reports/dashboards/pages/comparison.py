"""The comparison of cities: every readable city's indicators that share a code, a name or a
category, with their approved values of one fiscal year (reports.dashboards.comparison).

?fy=2024 (also R6 or 令和6年度), by=auto|code|name|category, all=1 (also the indicators no
other city shares). A value that cannot be read is ignored with a message naming it, as on
the other dashboard pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from plans import fiscal_years
from plans.language import fiscal_year_label
from reports.dashboards import comparison as reads
from reports.dashboards.filters import CheckboxField

BASIS_LABELS = {
    reads.AUTO: gettext_lazy("Code, else name, else category"),
    reads.CODE: gettext_lazy("Indicator code"),
    reads.NAME: gettext_lazy("Indicator name"),
    reads.CATEGORY: gettext_lazy("Category"),
}


class ComparisonForm(forms.Form):
    fy = forms.CharField(label=gettext_lazy("Fiscal year"), required=False, widget=forms.Select)
    by = forms.ChoiceField(label=gettext_lazy("Match by"), required=False,
                           choices=[(basis, label) for basis, label in BASIS_LABELS.items()])
    all = CheckboxField(label=gettext_lazy("Also indicators only one city has"), required=False)

    def __init__(self, data, *, years: list[int], counts: dict[int, int]):
        super().__init__(data)
        self.years = years
        self.fields["fy"].widget.choices = [
            (str(fy), f"{fiscal_year_label(fy)} — " + ngettext(
                "%(count)s approved actual", "%(count)s approved actuals", counts.get(fy, 0)) % {"count": counts.get(fy, 0)})
            for fy in years
        ]

    def clean_fy(self):
        text = (self.cleaned_data.get("fy") or "").strip()
        if not text:
            return None
        try:
            fiscal_year = fiscal_years.parse_fiscal_year(text)
        except fiscal_years.FiscalYearError as error:
            raise forms.ValidationError(error.message(get_language())) from None
        if fiscal_year not in self.years:
            raise forms.ValidationError(_("%(year)s is not a fiscal year of these plans.")
                                        % {"year": fiscal_year_label(fiscal_year)})
        return fiscal_year

    def error_messages(self) -> list[str]:
        return [f"{self.fields[name].label or name}: {' '.join(errors)}" for name, errors in self.errors.items()]


@dataclass
class CityComparison:
    fiscal_year: int | None
    basis: str
    everything: bool
    plans: list[reads.Plan]
    groups: list[reads.Group]
    unshared: int  # groups of one city, not shown unless `everything`
    year_links: list[tuple[int, int, str]] = field(default_factory=list)
    form: ComparisonForm | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def cities(self) -> list[tuple[str, str]]:
        """(municipality code, name) of the cities shown, in order."""
        return list(dict.fromkeys((plan.municipality_code, plan.municipality) for plan in self.plans))

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]


def default_fiscal_year(years: list[int], counts: dict[int, int], today_fiscal_year: int) -> int:
    """The latest fiscal year whose approved actuals are substantially in (at least half as
    many as the fullest year: the demo's R5, not R6 with its first one), else the current
    fiscal year kept inside the plans' years."""
    fullest = max((counts.get(fy, 0) for fy in years), default=0)
    if fullest:
        return max(fy for fy in years if 2 * counts.get(fy, 0) >= fullest)
    return min(max(today_fiscal_year, years[0]), years[-1])


def city_comparison(user, params, *, path: str) -> CityComparison:
    """The page for `user` and request.GET (5 queries, 6 for a wide-area viewer: see
    reports.dashboards.comparison; 1 or 2 when the user may read no plan)."""
    plans = reads.plans_of(user)
    years = sorted({fy for plan in plans for fy in plan.fiscal_years})
    counts = reads.approved_counts(plans) if plans else {}
    form = ComparisonForm(params, years=years, counts=counts)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    basis = data.get("by") or reads.AUTO
    everything = bool(data.get("all"))
    if not plans:
        return CityComparison(None, basis, everything, [], [], 0, form=form, errors=form.error_messages())
    fiscal_year = data.get("fy") or default_fiscal_year(years, counts, fiscal_years.fiscal_year_of(timezone.localdate()))
    if not params.get("fy") or "fy" in form.errors:
        form.data = form.data.copy()
        form.data["fy"] = str(fiscal_year)  # so the year select shows the year in use
    rows = reads.city_rows(plans)
    reads.attach_approved_values(rows, plans, fiscal_year)
    groups = reads.match(rows, basis)
    shown = [group for group in groups if everything or group.shared]

    def year_url(fy):
        query = {"fy": fy}
        if basis != reads.AUTO:
            query["by"] = basis
        if everything:
            query["all"] = 1
        return f"{path}?{urlencode(query)}"

    return CityComparison(
        fiscal_year, basis, everything, plans, shown, len(groups) - sum(1 for g in groups if g.shared),
        year_links=[(fy, counts.get(fy, 0), year_url(fy)) for fy in years], form=form, errors=form.error_messages(),
    )
