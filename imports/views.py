"""Upload page for administrators: upload → preview → confirm → result.

The preview and the import run as Celery tasks (in-process without a broker); the job
row (ImportRun) carries progress and problems, and the page refreshes itself while a
job runs. Only those kpis.permissions.can_import admits (administrators) may use these pages; others get 403.
Within the municipality boundary (plans.boundary): an administrator lists and opens the runs
of its own city only (another city's run answers 404), picks its own city's plans, and the
workbook is imported into that city's plans only (imports.services refuses another city's).
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from imports import services, tasks, template
from imports.limits import PREVIEW_EXPIRES_AFTER_HOURS, max_bytes
from imports.models import ImportRun
from kpis import permissions
from kpis.models import EntryStatus
from plans import background, boundary, gates
from plans.downloads import attachment
from plans.models import Category, Department, Strategy

CREATE = "__create__"
LEVEL_LABELS = {
    "municipality": _("Municipality"), "strategy": _("Strategy"), "department": _("Departments"),
    "category_vocabulary": _("Category vocabularies"), "category": _("Categories"), "basic_policy": _("Basic policies"),
    "measure": _("Measures"), "step": _("Steps"), "project": _("Projects"), "project_year": _("Project phases"),
    "indicator": _("Indicators"), "yearly_value": _("Yearly values"), "target_revision": _("Target revisions"),
}
FIELD_LABELS = {"planned": _("Planned"), "actual": _("Actual"), "comment": _("Comment"), "note": _("Note")}
KIND_LABELS = {
    "strategy": _("Strategy"), "municipality": _("Municipality"), "department": _("Department"),
    "category": _("Category"), "basic_policy": _("Basic policy"), "measure": _("Measure"), "step": _("Step"),
}


def administrators_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.can_import(request.user):
            raise PermissionDenied(_("Only administrators can import plans."))
        return view(request, *args, **kwargs)
    return wrapped


def _runs(user):
    """The import runs of the user's own city."""
    return ImportRun.objects.filter(boundary.works_in_q(user, "municipality_id"))


def _own_strategies(user):
    """The plans of the user's own city: the pickers' choices."""
    return Strategy.objects.filter(boundary.works_in_q(user, "municipality_id"))


def _run_strategy(run: ImportRun):
    """The plan the run names, if it is of the run's city (labels and choices of its page)."""
    if run.municipality_id is None:
        return None
    return (Strategy.objects.filter(code=run.strategy_code, municipality_id=run.municipality_id)
            .select_related("municipality").first())


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    strategy_code = forms.SlugField(label=_("Strategy code"), max_length=40, required=False,
                                    widget=forms.TextInput(attrs={"list": "strategy-codes"}),
                                    help_text=_("An existing code imports into that strategy; a new one creates it. "
                                                "Leave blank for dxplan's data export (its 計画 sheet names it)."))
    title = forms.CharField(label=_("Title (new strategy)"), max_length=200, required=False)
    municipality_code = forms.SlugField(label=_("Municipality code (new strategy)"), max_length=40, required=False)
    municipality_name = forms.CharField(label=_("Municipality name (new municipality)"), max_length=100, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // 1048576})
        return upload


class ConfirmForm(forms.Form):
    create_all = forms.BooleanField(label=_("Create every item below that is not mapped"), required=False)

    def __init__(self, *args, run: ImportRun, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = run.preview.get("unknown", [])
        if run.preview.get("conflict_count"):
            # Conflicting rows are never written; the user says so explicitly before the rest is imported.
            self.fields["skip_conflicts"] = forms.BooleanField(
                label=_("Leave the %(n)s rows changed in dxplan after the file was made as they are, "
                        "and import the rest") % {"n": run.preview["conflict_count"]},
                error_messages={"required": _("Tick this box to import the file without the conflicting rows.")})
        strategy = _run_strategy(run)
        for index, item in enumerate(self.unknown):
            choices = [("", _("— choose —")), (CREATE, _("Create it"))] + _targets(item, strategy)
            self.fields[f"decision_{index}"] = forms.ChoiceField(
                label=f"{KIND_LABELS.get(item['kind'], item['kind'])}: {item['printed']}", choices=choices, required=False)

    def clean(self):
        data = super().clean()
        mapping, create = {}, bool(data.get("create_all"))
        for index, item in enumerate(self.unknown):
            decision = data.get(f"decision_{index}") or (CREATE if data.get("create_all") else "")
            if not decision:
                self.add_error(f"decision_{index}", _("Choose whether to create it or which existing item it is."))
            elif decision == CREATE:
                create = True
            else:
                mapping.setdefault(item["kind"], {})[item["printed"]] = decision
        # create_missing creates every unknown that is not mapped: each was decided above.
        data["mapping"], data["create_missing"] = mapping, create
        return data


def _targets(item: dict, strategy) -> list[tuple[str, str]]:
    """Existing items an unknown may be mapped to (departments, categories, basic policies)."""
    if strategy is None:
        return []
    if item["kind"] == "department":
        departments = Department.objects.filter(municipality=strategy.municipality).select_related("parent")
        return [(f"{d.parent.name}/{d.name}" if d.parent_id else d.name, str(d)) for d in departments]
    if item["kind"] == "category":
        vocabulary = item["printed"].split(":", 1)[0].strip()
        categories = Category.objects.filter(vocabulary__strategy=strategy, vocabulary__name=vocabulary)
        return [(c.name, c.name) for c in categories]
    if item["kind"] == "basic_policy":
        return [(p.code, str(p)) for p in strategy.basic_policies.all()]
    return []


def _enqueue(task, run_id: int):
    background.enqueue_on_commit(task, run_id, on_unavailable=lambda message: services.import_run_unqueued(
        run_id=run_id, message=message))


@administrators_only
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = services.import_run_create(
            upload=data["file"], user=request.user, strategy_code=data["strategy_code"],
            new_strategy={k: data[k] for k in ("title", "municipality_code", "municipality_name")},
        )
        _enqueue(tasks.preview_import, run.pk)
        return redirect("imports:detail", pk=run.pk)
    services.import_runs_expire()  # previews left unconfirmed are not listed as waiting for ever
    return render(request, "imports/upload.html", {
        "form": form, "runs": _runs(request.user).select_related("created_by")[:20],
        "strategies": _own_strategies(request.user).order_by("order", "code"),
        "max_mb": max_bytes() // 1048576,
    })


def _levels(run: ImportRun, counts: dict) -> list[dict]:
    strategy = _run_strategy(run)
    names = dict(LEVEL_LABELS)
    if strategy is not None:
        names.update(basic_policy=strategy.label_basic_policy, measure=strategy.label_measure,
                     step=strategy.label_step or names["step"], project=strategy.label_project)
    samples = run.preview.get("samples", {})
    return [{"key": level, "label": names.get(level, level), **row, "samples": samples.get(level, {})}
            for level, row in counts.items()]


def _conflicts(run: ImportRun) -> list[dict]:
    """The preview's conflicts with the labels of their fields and statuses."""
    return [{**item, "status_label": EntryStatus(item["status"]).label if item["status"] in EntryStatus.values else item["status"],
             "differences": [{**d, "label": FIELD_LABELS.get(d["field"], d["field"])} for d in item["differences"]]}
            for item in run.preview.get("conflicts", [])]


def _page(request, run: ImportRun, form, status: int = 200):
    return render(request, "imports/detail.html", {
        "run": run, "form": form, "levels": _levels(run, run.counts), "Status": ImportRun.Status,
        "conflicts": _conflicts(run), "conflict_count": run.preview.get("conflict_count", 0),
        "expires_after": PREVIEW_EXPIRES_AFTER_HOURS,
    }, status=status)


@administrators_only
def detail(request, pk: int):
    services.import_runs_expire()
    run = services.import_run_sweep(run=get_object_or_404(
        _runs(request.user).select_related("created_by", "strategy"), pk=pk))
    form = ConfirmForm(run=run) if run.status == ImportRun.Status.PREVIEWED and not run.blocking_problems else None
    return _page(request, run, form)


@administrators_only
@require_POST
def confirm(request, pk: int):
    run = get_object_or_404(_runs(request.user), pk=pk)
    form = ConfirmForm(request.POST, run=run)
    if run.status != ImportRun.Status.PREVIEWED or run.blocking_problems:
        return redirect("imports:detail", pk=run.pk)
    if not form.is_valid():
        return _page(request, run, form, status=400)
    if services.import_run_confirm(run=run, mapping=form.cleaned_data["mapping"],
                                   create_missing=form.cleaned_data["create_missing"]):
        _enqueue(tasks.apply_import, run.pk)
    return redirect("imports:detail", pk=run.pk)


@administrators_only
@require_POST
def cancel(request, pk: int):
    """The preview's 取消 button: nothing is imported; the run is kept, marked cancelled."""
    run = get_object_or_404(_runs(request.user), pk=pk)
    if services.import_run_cancel(run=run, user=request.user):
        messages.success(request, _("The import of %(file)s was cancelled; nothing was imported.")
                         % {"file": f"「{run.file_name}」"})
    return redirect("imports:detail", pk=run.pk)


@administrators_only
def template_download(request):
    code = request.GET.get("strategy", "")
    # The blank template, or one with the departments of a plan of the user's own city.
    strategy = gates.strategy_or_404(request.user, code, _own_strategies(request.user)) if code else None
    response = HttpResponse(template.build_for(strategy),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment(template.file_name(strategy))
    return response
