"""Forms of the entry, review and entry-period pages.

They only read and shape input; the rules (who may, what a value may be, what
needs a reason) live in kpis.permissions, kpis.entry_input and kpis.workflow,
whose messages the views show as they are.
"""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import EntryStatus
from kpis.selectors_entry import WAITING, ReviewFilters
from kpis.values import MAX_TEXT
from plans.language import fiscal_year_choices

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class EntryRowForm(forms.Form):
    """One row of the entry grid. The actual stays text: kpis.entry_input reads it."""

    actual = forms.CharField(required=False, max_length=MAX_TEXT, strip=False)
    comment = forms.CharField(required=False, strip=False)
    version = forms.IntegerField(min_value=1)


class RoundTextForm(forms.Form):
    """One text, step status or project phase of the round; kpis.text_workflow normalises and checks it."""

    content = forms.CharField(required=False, strip=False)
    is_start = forms.BooleanField(required=False)
    version = forms.IntegerField(min_value=1)


def _ids(values) -> list[int]:
    ids = []
    for raw in values:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    return ids


def selected_ids(post, name: str = "rows") -> list[int]:
    """The checked row ids of a grid; anything that is not a whole number is ignored."""
    return _ids(post.getlist(name))


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the department (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the department correct?"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what the department should correct when returning a row.")},
    )


class TargetRevisionForm(forms.Form):
    planned = forms.CharField(
        label=_("New planned value"), max_length=MAX_TEXT, required=False,
        help_text=_("A number, 「－」 (not applicable) or 「…」 (not yet set). Full-width digits are fine."),
    )
    reason = forms.CharField(
        label=_("Reason for the revision"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A reason is required to revise a target.")},
    )


class ReasonForm(forms.Form):
    """Reopening a row or a year: the reason is required and kept."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("A reason is required to reopen.")},
    )


class CloseYearForm(forms.Form):
    reason = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryRoundForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year whose actuals are entered"), coerce=int)
    opens_at = forms.DateTimeField(
        label=_("Opens at"), input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    reminder_days = forms.CharField(
        label=_("Reminder e-mails, days before the deadline"), required=False, initial="7, 3, 1",
        help_text=_("Whole numbers separated by commas, e.g. 7, 3, 1. Leave empty for no reminders."),
    )

    def __init__(self, *args, strategy, fixed_fiscal_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = strategy.first_fiscal_year - 1, strategy.last_fiscal_year + 1
        self.fields["fiscal_year"].choices = fiscal_year_choices(first, last)
        if fixed_fiscal_year is not None:
            self.fields["fiscal_year"].disabled = True
            self.fields["fiscal_year"].initial = fixed_fiscal_year

    def clean_reminder_days(self) -> list[int]:
        text = unicodedata.normalize("NFKC", self.cleaned_data["reminder_days"] or "")
        parts = [p.strip() for p in text.replace("、", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(_("Reminder days are whole numbers from 0 to 90.")) from None


class ReviewFilterForm(forms.Form):
    """The filters of the review queue (GET)."""

    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, initial=WAITING)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    behind = forms.BooleanField(label=_("Behind target (below the top grade)"), required=False)
    worse = forms.BooleanField(label=_("Worse than last fiscal year"), required=False)

    def __init__(self, *args, departments=None, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, str(d)) for d in departments]
        self.fields["status"].choices = [
            (WAITING, _("Waiting for my review")), ("", _("All statuses")), *EntryStatus.choices
        ]
        self.fields["grade"].choices = [("", _("All grades"))] + [(b.grade, b.grade) for b in bands] + [
            ("－", _("－ (not evaluable)"))
        ]

    def filters(self) -> ReviewFilters:
        """The filters asked for; the defaults (rows waiting for me) when none or invalid."""
        if not self.is_bound or not self.is_valid():
            return ReviewFilters()
        data = self.cleaned_data
        return ReviewFilters(
            department_id=data.get("department"), status=data["status"], grade=data["grade"],
            behind=data["behind"], worse=data["worse"],
        )
