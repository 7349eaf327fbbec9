"""The reports page: start a report, watch its progress, download it, retry a failure.

Administrators and the DX office only (the files hold values not yet approved), of their own
city: the form offers its plans only, and another city's job is neither listed nor served
(404, as a missing one). The file is served through `download`, never from a public media URL.
"""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kpis import permissions
from plans import boundary, fiscal_years
from plans.downloads import attachment
from plans.language import fiscal_year_label
from plans.models import BasicPolicy, Department, Strategy
from reports import jobs, pdf, selectors, services
from reports.models import JobStatus, ReportFormat, ReportJob, ReportKind

JOBS_SHOWN = 30
CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}
PDF_CONTENT_TYPE = "application/pdf"
OTHER_CITY = gettext_lazy("Choose one of the options offered: the plans, basic policies and departments of your "
                          "own municipality.")


class ScopedSelect(forms.Select):
    """A select whose options say which strategy (data-strategy) or municipality
    (data-municipality) they belong to, so static/js/report_form.js can show only the chosen
    strategy's basic policies and departments; `data` maps an option's instance to them."""

    def __init__(self, *args, data=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data = data or (lambda instance: {})

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"].update({f"data-{key}": v for key, v in self.data(instance).items()})
        return option


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.strategy.title}: {obj.code} {obj.short_name or obj.title}"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.municipality.name} {selectors.department_name(obj, ' ')}"


class ReportJobForm(forms.Form):
    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.select_related("municipality").order_by("order", "code"),
        label=gettext_lazy("Strategy"), empty_label=None,
        widget=ScopedSelect(data=lambda s: {"municipality": s.municipality_id}),
    )
    fiscal_year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Fiscal year"))
    kind = forms.ChoiceField(choices=ReportKind.choices, initial=ReportKind.REPORT, label=gettext_lazy("Kind"))
    file_format = forms.ChoiceField(choices=ReportFormat.choices, initial=ReportFormat.XLSX,
                                    label=gettext_lazy("Format"),
                                    help_text=gettext_lazy("CSV is for the data export only."))
    with_pdf = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Also a PDF"),
                                  help_text=gettext_lazy("The annual report printed to PDF (A4, the project "
                                                         "list A3) for the council and the web site."))
    basic_policy = PolicyChoiceField(
        queryset=BasicPolicy.objects.select_related("strategy").order_by("strategy__order", "strategy__code", "order"),
        required=False, label=gettext_lazy("Only this basic policy"), empty_label=gettext_lazy("(all)"),
        widget=ScopedSelect(data=lambda p: {"strategy": p.strategy_id}),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The report prints the values and comments approved by the end of this day "
                               "(empty: today)."),
    )
    draft = forms.BooleanField(
        label=gettext_lazy("Draft for checking"), required=False,
        help_text=gettext_lazy("Print the latest entered values, approved or not, marked 案 on every page."),
    )
    department = DepartmentChoiceField(
        queryset=Department.objects.select_related("municipality", "parent").order_by("municipality", "order", "name"),
        required=False, label=gettext_lazy("Only this department's indicators"), empty_label=gettext_lazy("(all)"),
        widget=ScopedSelect(data=lambda d: {"municipality": d.municipality_id}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The municipality boundary: only the plans, basic policies and departments of the
        # user's own city are offered, and another city's id is refused as a choice not offered.
        own = boundary.works_in_q(user, "municipality_id")
        strategies = self.fields["strategy"].queryset.filter(own)
        self.fields["strategy"].queryset = strategies
        self.fields["basic_policy"].queryset = self.fields["basic_policy"].queryset.filter(
            boundary.works_in_q(user, "strategy__municipality_id"))
        self.fields["department"].queryset = self.fields["department"].queryset.filter(own)
        for name in ("strategy", "basic_policy", "department"):
            self.fields[name].error_messages["invalid_choice"] = OTHER_CITY
        spans = list(strategies.values_list("first_fiscal_year", "last_fiscal_year"))
        if spans:
            first, last = min(s[0] for s in spans), max(s[1] for s in spans)
            self.fields["fiscal_year"].choices = [(fy, fiscal_year_label(fy))
                                                  for fy in fiscal_years.fiscal_years_between(first, last)]
            # The latest fiscal year with approved actuals of the strategy shown first (else
            # this fiscal year); each strategy option carries its own for report_form.js.
            # Read only when the form is drawn: a valid POST never touches the yearly values.
            latest = functools.cache(functools.partial(selectors.latest_approved_fiscal_years, user))
            strategy_field = self.fields["strategy"]
            strategy_field.widget.data = lambda s: {"municipality": s.municipality_id,
                                                    "latest-fiscal-year": latest().get(s.pk, "")}
            if not self.is_bound:
                first_strategy = next(iter(strategy_field.queryset), None)
                current = fiscal_years.current_fiscal_year(timezone.localdate())
                default = latest().get(first_strategy.pk) if first_strategy is not None else None
                self.fields["fiscal_year"].initial = min(max(default or current, first), last)
        unavailable = pdf.unavailable_reason()
        if unavailable:  # shown, off and explained rather than hidden
            self.fields["with_pdf"].disabled = True
            self.fields["with_pdf"].initial = False
            self.fields["with_pdf"].help_text = unavailable


def _require_reports(user) -> None:
    if not permissions.can_use_reports(user):
        raise PermissionDenied(_("Only administrators and the DX office can build reports."))


def _page(request, form, status=200):
    jobs = selectors.report_job_list(request.user)[:JOBS_SHOWN]
    return render(request, "reports/index.html", {"form": form, "jobs": jobs}, status=status)


@login_required
@require_GET
def index(request):
    _require_reports(request.user)
    return _page(request, ReportJobForm(user=request.user))


@login_required
@require_POST
def create(request):
    _require_reports(request.user)
    form = ReportJobForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        job = services.report_job_create(
            user=request.user, strategy=data["strategy"], fiscal_year=data["fiscal_year"], kind=data["kind"],
            file_format=data["file_format"], basic_policy=data["basic_policy"], department=data["department"],
            as_of=data["as_of"], draft=data["draft"],
            with_pdf=data["with_pdf"] and data["kind"] == ReportKind.REPORT,  # the data export has no PDF
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return _page(request, form, status=400)
    job.refresh_from_db()  # in-process (no broker) it has already run; unqueued, it has failed
    if job.status == JobStatus.FAILED:
        messages.error(request, job.shown_message or _("The report could not be built. See the message in the list."))
    elif job.status == JobStatus.DONE:  # in-process: finished before the page could show a bar
        messages.success(request, _("Done: %(job)s, built in %(seconds)s s.") % {
            "job": job, "seconds": f"{job.duration.total_seconds():.1f}" if job.duration else "0.0"})
    else:
        messages.success(request, _("The report was requested: %(job)s.") % {"job": job})
    return redirect("reports:index")


@login_required
@require_GET
def status(request, pk):
    """The job's row of the list, for the page's polling script."""
    _require_reports(request.user)
    job = get_object_or_404(selectors.report_job_list(request.user).filter(pk=pk))
    return render(request, "reports/_job_row.html", {"job": job})


@login_required
@require_POST
def retry(request, pk):
    _require_reports(request.user)
    job = get_object_or_404(selectors.report_job_list(request.user), pk=pk)
    try:
        job = services.report_job_retry(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:index")
    job.refresh_from_db()  # the broker may have refused it after commit
    if job.status == JobStatus.FAILED:
        messages.error(request, job.shown_message)
    else:
        messages.success(request, _("The job was queued again."))
    return redirect("reports:index")


def _finished_job(request, pk) -> ReportJob:
    _require_reports(request.user)
    job = get_object_or_404(selectors.report_job_list(request.user), pk=pk)
    if job.status != JobStatus.DONE:
        raise Http404(_("This job has no file to download."))
    return job


def _attachment(stored, content_type: str, name: str) -> FileResponse:
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
@require_GET
def download(request, pk):
    job = _finished_job(request, pk)
    if not job.file:
        raise Http404(_("This job has no file to download."))
    return _attachment(job.file, CONTENT_TYPES[job.file_format], jobs.file_name(job, display=True))


@login_required
@require_GET
def download_pdf(request, pk):
    job = _finished_job(request, pk)
    if not job.pdf_file:
        raise Http404(_("This job has no PDF to download."))
    return _attachment(job.pdf_file, PDF_CONTENT_TYPE, jobs.file_name(job, display=True, extension="pdf"))
