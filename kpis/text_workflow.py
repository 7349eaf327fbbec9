"""The round's texts and statuses: save, submit, approve, return, reopen, and the rows of a year.

The same states, rules and messages as the yearly values (kpis.workflow): every function
locks the rows it changes, asks kpis.permissions before writing, and a save carries the
version the user started from (RoundTextConflict when someone saved in between). Texts are
normalised by kpis.round_text_input before they are compared or stored.
"""

from collections import Counter

from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kpis import permissions
from kpis.models import EntryRound, EntryStatus, ReviewAction, ReviewStage, RoundText, RoundTextEvent
from kpis.models.round_texts import RoundTextKind
from kpis.round_text_input import TEXT_MAX_LENGTH, normalise_text, too_long
from kpis.workflow import _clean_comment, _status_after_submit
from plans.models import NarrativeKind, StepStatus
from projects.models import Phase


class RoundTextConflict(Exception):
    """Someone saved the text after this user loaded it; `current` is what they saved."""

    def __init__(self, current: RoundText):
        self.current = current
        who = (current.updated_by.get_full_name() or current.updated_by.username) if current.updated_by else "?"
        super().__init__(
            _("%(who)s saved this text after you opened it: “%(text)s”. "
              "Your change was not saved; reload the row and enter it again.")
            % {"who": who, "text": current.display() or "—"}
        )


def label(text: RoundText) -> str:
    """The row as messages name it: its node and kind (needs the owner loaded)."""
    return f"{text.owner} {text.get_kind_display()}".strip()


def _locked(pks) -> list[RoundText]:
    return list(
        RoundText.objects.select_for_update(of=("self",))
        .select_related("strategy", "department", "updated_by", *permissions_owner_joins())
        .filter(pk__in=list(pks)).order_by("pk")
    )


def permissions_owner_joins() -> tuple[str, ...]:
    """The joins that name a row (label): its node."""
    return ("basic_policy", "measure", "step", "project")


def _rounds(texts) -> dict:
    keys = {(t.strategy_id, t.fiscal_year) for t in texts}
    rounds = EntryRound.objects.filter(strategy_id__in={k[0] for k in keys}, fiscal_year__in={k[1] for k in keys})
    return {(r.strategy_id, r.fiscal_year): r for r in rounds}


def entry_round_of(text: RoundText) -> EntryRound | None:
    return EntryRound.objects.filter(strategy_id=text.strategy_id, fiscal_year=text.fiscal_year).first()


def _entry_refusal(user, text: RoundText, entry_round) -> str | None:
    return permissions.text_entry_refusal(user, department_id=text.department_id,
                                          municipality_id=text.strategy.municipality_id, status=text.status,
                                          status_label=text.get_status_display(), entry_round=entry_round)


def _refuse(problems, *, denied: bool):
    lines = [f"{label(text)}: {reason}" for text, reason in problems]
    error = PermissionDenied(" / ".join(lines)) if denied else ValidationError(" / ".join(lines))
    error.rows = lines
    raise error


def _record(text: RoundText, *, user, stage, action, to_status, comment=""):
    RoundTextEvent.objects.create(round_text=text, stage=stage, action=action, from_status=text.status,
                                  to_status=to_status, comment=comment, user=user)
    text.status = to_status


def _bump(text: RoundText, user, reason: str = ""):
    text.version += 1
    text.updated_by = user
    text._history_user = user
    if reason:
        text._change_reason = reason
    text.save()


def clean_content(text: RoundText, *, content: str, is_start: bool) -> dict:
    """The columns a save writes, from what the user typed or chose; refuses a text over the
    limit (naming the field) and a status or phase that is not one of the row's choices."""
    if text.is_text:
        cleaned = normalise_text(content)
        if too_long(cleaned):
            raise ValidationError({"text": _("%(field)s is too long (%(n)s characters; at most %(max)s).")
                                   % {"field": text.get_kind_display(), "n": len(cleaned), "max": TEXT_MAX_LENGTH}})
        return {"text": cleaned}
    choice = (content or "").strip()
    if choice and choice not in dict(text.choices()):
        raise ValidationError({"choice": _("%(field)s: choose one of the listed values.")
                               % {"field": text.get_kind_display()}})
    return {"choice": choice, "is_start": bool(is_start) and text.kind == RoundTextKind.PHASE and bool(choice)}


@transaction.atomic
def round_text_save(*, user, round_text: RoundText, content: str, expected_version: int,
                    is_start: bool = False) -> RoundText:
    """Save a draft of one text, step status or project phase."""
    (text,) = _locked([round_text.pk])
    refusal = _entry_refusal(user, text, entry_round_of(text))
    if refusal:
        raise PermissionDenied(refusal)
    if text.version != expected_version:
        raise RoundTextConflict(text)
    columns = clean_content(text, content=content, is_start=is_start)
    if all(getattr(text, name) == new for name, new in columns.items()) and text.status != EntryStatus.NOT_ENTERED:
        return text  # nothing changed: no new version, no history row
    for name, new in columns.items():
        setattr(text, name, new)
    text.status = EntryStatus.DRAFT
    text.entered_by = user
    _bump(text, user)
    return text


@transaction.atomic
def round_text_submit(*, user, round_texts) -> list[RoundText]:
    """Submit the department's texts and statuses for review; all or none."""
    texts = _locked(t.pk for t in round_texts)
    rounds = _rounds(texts)
    denied = [(t, r) for t in texts if (r := _entry_refusal(user, t, rounds.get((t.strategy_id, t.fiscal_year))))]
    if denied:
        _refuse(denied, denied=True)
    empty = [(t, _("write the text or choose the status before submitting.")) for t in texts if t.is_empty]
    if empty:
        _refuse(empty, denied=False)
    for text in texts:
        _record(text, user=user, stage=ReviewStage.DEPARTMENT, action=ReviewAction.SUBMITTED,
                to_status=_status_after_submit(text.strategy))
        text.submitted_by = user
        text.return_comment = ""
        _bump(text, user)
    return texts


@transaction.atomic
def round_text_approve(*, user, round_texts, comment: str = "") -> list[RoundText]:
    """Approve texts in the user's review stage (segregation of duties applies); all or none."""
    comment = _clean_comment(comment)
    texts = _locked(t.pk for t in round_texts)
    rounds = _rounds(texts)
    denied = [(t, r) for t in texts if (r := permissions.text_approval_refusal(
        user, t, entry_round=rounds.get((t.strategy_id, t.fiscal_year))))]
    if denied:
        _refuse(denied, denied=True)
    for text in texts:
        stage = permissions.stage_for(user, status=text.status, department_id=text.department_id,
                                      strategy=text.strategy)
        to_status = (EntryStatus.FIRST_APPROVED if stage == ReviewStage.MANAGER and text.strategy.dx_review
                     else EntryStatus.APPROVED)
        _record(text, user=user, stage=stage, action=ReviewAction.APPROVED, to_status=to_status, comment=comment)
        _bump(text, user)
    return texts


@transaction.atomic
def round_text_return(*, user, round_text: RoundText, comment: str) -> RoundText:
    """Send a text back to its department with a comment saying what to correct."""
    comment = _clean_comment(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what the department should correct when returning a row.")})
    (text,) = _locked([round_text.pk])
    refusal = permissions.text_review_refusal(user, text, entry_round=entry_round_of(text))
    if refusal:
        raise PermissionDenied(refusal)
    stage = permissions.stage_for(user, status=text.status, department_id=text.department_id, strategy=text.strategy)
    _record(text, user=user, stage=stage, action=ReviewAction.RETURNED, to_status=EntryStatus.RETURNED,
            comment=comment)
    text.return_comment = comment
    _bump(text, user, reason=comment)
    return text


@transaction.atomic
def round_text_reopen(*, user, round_text: RoundText, reason: str) -> RoundText:
    """An administrator sends an approved text back to its department, with the reason."""
    if not permissions.can_reopen(user):
        raise PermissionDenied(_("Only administrators can reopen an approved row."))
    reason = _clean_comment(reason)
    if not reason:
        raise ValidationError({"reason": _("A reason is required to reopen.")})
    (text,) = _locked([round_text.pk])
    if not permissions.can_reopen(user, text.strategy):
        raise PermissionDenied(permissions.strategy_refusal(user, text.strategy)
                               or _("Only administrators can reopen an approved row."))
    entry_round = entry_round_of(text)
    if entry_round is not None and entry_round.is_closed:
        raise ValidationError(_("The fiscal year is closed; reopen the year first."))
    if text.status != EntryStatus.APPROVED:
        raise ValidationError(_("Only approved rows can be reopened; this row is %(status)s.")
                              % {"status": text.get_status_display()})
    _record(text, user=user, stage=ReviewStage.ADMIN, action=ReviewAction.REOPENED, to_status=EntryStatus.RETURNED,
            comment=reason)
    text.return_comment = reason
    _bump(text, user, reason=reason)
    return text


# --- the rows of a fiscal year --------------------------------------------------------------


def _most_common(departments) -> int | None:
    ranked = Counter(d for d in departments if d is not None).most_common(1)
    return ranked[0][0] if ranked else None


def _row_models(apps):
    """The models round_texts_ensure reads and writes: the current ones, or the historical ones of
    a migration (kpis 0009): it uses only plain fields, querysets and bulk_create, so both work."""
    get = (apps or global_apps).get_model
    return (get("kpis", "RoundText"), get("kpis", "Indicator"), get("plans", "BasicPolicy"),
            get("plans", "Measure"), get("plans", "Step"), get("plans", "Narrative"), get("plans", "StepYear"),
            get("projects", "Project"), get("projects", "ProjectYear"))


@transaction.atomic
def round_texts_ensure(*, strategy, fiscal_year: int, apps=None) -> int:
    """Create the 未入力 texts and statuses the owners must fill for the year; returns how many.

    A basic policy gets its goal and summary; a measure its goal (進捗状況) where the plan has
    a text for it in some year; a step its status; a project its phase where the plan has
    phases and its summary where the plan has one. The owner is the node's lead department,
    else (a plan that names none, like Sasebo's DX重点課題) the department responsible for most
    of its indicators, else the lead of most of its projects; a step is owned by its
    measure's owner. A node with no owner gets no row (the plan's data prints as before).
    Each new row starts from the plan's own content of that year, if any, for the owner to
    confirm. Existing rows are left as they are (at most 10 queries). `apps` is a migration's
    app registry (its historical models), else the current models are used.
    """
    (RoundText, Indicator, BasicPolicy, Measure, Step, Narrative, StepYear,
     Project, ProjectYear) = _row_models(apps)
    existing = set(RoundText.objects.filter(strategy=strategy, fiscal_year=fiscal_year).values_list(
        "basic_policy_id", "measure_id", "step_id", "project_id", "kind"))
    indicator_owners = {}
    for policy_id, measure_id, department_id in Indicator.objects.filter(strategy=strategy, project__isnull=True).values_list(
        "basic_policy_id", "measure_id", "responsible_department_id"
    ):
        indicator_owners.setdefault(("p", policy_id) if policy_id else ("m", measure_id), []).append(department_id)
    projects = list(Project.objects.filter(strategy=strategy).values_list(
        "pk", "order", "basic_policy_id", "measure_id", "lead_department_id", named=True))
    narratives = {}
    for n in Narrative.objects.filter(basic_policy__strategy=strategy).values_list(
            "basic_policy_id", "fiscal_year", "kind", "text"):
        narratives[("basic_policy", n[0], n[1], n[2])] = n[3]
    for n in Narrative.objects.filter(measure__basic_policy__strategy=strategy).values_list(
            "measure_id", "fiscal_year", "kind", "text"):
        narratives[("measure", n[0], n[1], n[2])] = n[3]
    for n in Narrative.objects.filter(project__strategy=strategy).values_list("project_id", "fiscal_year", "kind", "text"):
        narratives[("project", n[0], n[1], n[2])] = n[3]
    has_narrative = {(owner, pk, kind) for owner, pk, _fy, kind in narratives}
    step_years = {(s, fy): status for s, fy, status in StepYear.objects.filter(
        step__measure__basic_policy__strategy=strategy).values_list("step_id", "fiscal_year", "status")}
    project_years = {(p, fy): (phase, start) for p, fy, phase, start in ProjectYear.objects.filter(
        project__strategy=strategy).values_list("project_id", "fiscal_year", "phase", "is_start")}
    phased = {p for p, _fy in project_years}

    new = []

    def add(owner: str, node_id: int, kind, department_id, order: int, **content):
        key = tuple(node_id if name == owner else None for name in ("basic_policy", "measure", "step", "project"))
        if department_id is None or (*key, kind) in existing:
            return
        new.append(RoundText(strategy=strategy, fiscal_year=fiscal_year, kind=kind, department_id=department_id,
                             order=order, **{f"{owner}_id": node_id}, **content))

    policies = list(BasicPolicy.objects.filter(strategy=strategy).values_list("pk", "order", "lead_department_id"))
    measures = list(Measure.objects.filter(basic_policy__strategy=strategy).values_list(
        "pk", "basic_policy__order", "order", "basic_policy_id", "lead_department_id"))
    measure_owner = {}
    for pk, policy_order, order, policy_id, lead in measures:
        measure_owner[pk] = lead or _most_common(indicator_owners.get(("m", pk), [])) or _most_common(
            p.lead_department_id for p in projects if p.measure_id == pk)
    for pk, order, lead in policies:
        under = [d for m in measures if m[3] == pk for d in indicator_owners.get(("m", m[0]), [])]
        owner = lead or _most_common(indicator_owners.get(("p", pk), []) + under) or _most_common(
            p.lead_department_id for p in projects if p.basic_policy_id == pk)
        for kind in (NarrativeKind.GOAL, NarrativeKind.SUMMARY):
            add("basic_policy", pk, kind, owner, order * 10_000,
                text=narratives.get(("basic_policy", pk, fiscal_year, kind), ""))
    for pk, policy_order, order, _policy_id, _lead in measures:
        if ("measure", pk, NarrativeKind.GOAL) in has_narrative:
            add("measure", pk, RoundTextKind.GOAL, measure_owner[pk], policy_order * 10_000 + order * 100,
                text=narratives.get(("measure", pk, fiscal_year, NarrativeKind.GOAL), ""))
    for pk, measure_id, policy_order, measure_order, order in Step.objects.filter(
        measure__basic_policy__strategy=strategy
    ).values_list("pk", "measure_id", "measure__basic_policy__order", "measure__order", "order"):
        status = step_years.get((pk, fiscal_year), "")
        add("step", pk, RoundTextKind.STEP_STATUS, measure_owner.get(measure_id),
            policy_order * 10_000 + measure_order * 100 + order, choice=status if status in StepStatus.values else "")
    for p in projects:
        base = 100_000_000 + p.order * 10
        if p.pk in phased:
            phase, start = project_years.get((p.pk, fiscal_year), ("", False))
            add("project", p.pk, RoundTextKind.PHASE, p.lead_department_id, base,
                choice=phase if phase in Phase.values else "", is_start=start)
        if ("project", p.pk, NarrativeKind.SUMMARY) in has_narrative:
            add("project", p.pk, RoundTextKind.SUMMARY, p.lead_department_id, base + 1,
                text=narratives.get(("project", p.pk, fiscal_year, NarrativeKind.SUMMARY), ""))
    RoundText.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
