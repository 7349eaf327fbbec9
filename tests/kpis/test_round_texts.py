"""The round's texts and statuses: rows made for the year, the workflow states and refusals,
conflicts, history, segregation of duties, visibility and the normalisation of pasted text.

Demo data: Sasebo's round is 令和6年度 (FY2024); alice (staff) and bob (manager) are 観光商工部,
frank staff of 農林水産部, carol the DX office, dave an administrator, erin a viewer.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kpis import permissions, text_workflow
from kpis.models import EntryRound, EntryStatus, RoundText, RoundTextEvent, RoundTextKind
from kpis.round_text_input import TEXT_MAX_LENGTH, normalise_text

FY = 2024


def _texts(user, kind=RoundTextKind.GOAL, owner="basic_policy"):
    return RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=FY, kind=kind,
                                    department_id=user.department_id, **{f"{owner}__isnull": False}).order_by("order")


def _save(user, text, content, **extra):
    text.refresh_from_db()
    return text_workflow.round_text_save(user=user, round_text=text, content=content,
                                         expected_version=text.version, **extra)


def test_the_round_has_texts_and_statuses_owned_by_the_lead_departments(sasebo, alice):
    rows = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY)
    kinds = set(rows.values_list("kind", flat=True))
    assert kinds == {RoundTextKind.GOAL, RoundTextKind.SUMMARY, RoundTextKind.STEP_STATUS, RoundTextKind.PHASE}
    policy_goal = _texts(alice).first()
    assert policy_goal is not None and policy_goal.status == EntryStatus.NOT_ENTERED
    # A step is owned by its measure's owner; a project by its lead department.
    for text in rows.filter(kind=RoundTextKind.STEP_STATUS).select_related("step__measure")[:20]:
        measure_text = rows.filter(measure=text.step.measure).first()
        if measure_text is not None:
            assert measure_text.department_id == text.department_id
    for text in rows.filter(kind=RoundTextKind.PHASE).select_related("project")[:20]:
        assert text.department_id == text.project.lead_department_id


def test_ensure_is_idempotent(sasebo):
    before = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).count()
    assert text_workflow.round_texts_ensure(strategy=sasebo, fiscal_year=FY) == 0
    assert RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).count() == before


def test_a_text_goes_through_both_stages_and_keeps_its_history(alice, bob, carol):
    text = _texts(alice).first()
    saved = _save(alice, text, "観光客の回遊を\r\n高める。\t  ")
    assert (saved.status, saved.text, saved.entered_by_id) == (EntryStatus.DRAFT, "観光客の回遊を\n高める。", alice.pk)
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    text.refresh_from_db()
    assert text.status == EntryStatus.SUBMITTED
    with pytest.raises(PermissionDenied):  # nothing to edit while in review
        _save(alice, text, "changed")
    with pytest.raises(PermissionDenied):  # the DX office waits for the manager
        text_workflow.round_text_approve(user=carol, round_texts=[text])
    text_workflow.round_text_approve(user=bob, round_texts=[text])
    text.refresh_from_db()
    assert text.status == EntryStatus.FIRST_APPROVED
    text_workflow.round_text_approve(user=carol, round_texts=[text])
    text.refresh_from_db()
    assert text.status == EntryStatus.APPROVED
    history = list(text.history.order_by("history_date").values_list("status", "text", "history_user_id"))
    assert history[-1] == (EntryStatus.APPROVED, "観光客の回遊を\n高める。", carol.pk)
    assert (EntryStatus.DRAFT, "観光客の回遊を\n高める。", alice.pk) in history
    actions = list(RoundTextEvent.objects.filter(round_text=text).values_list("action", flat=True))
    assert actions == ["submitted", "approved", "approved"]


def test_a_returned_text_carries_the_comment_until_it_is_submitted_again(alice, bob):
    text = _texts(alice, RoundTextKind.SUMMARY).first()
    _save(alice, text, "総括")
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    with pytest.raises(ValidationError):
        text_workflow.round_text_return(user=bob, round_text=text, comment="  ")
    text_workflow.round_text_return(user=bob, round_text=text, comment="数値を入れてください")
    text.refresh_from_db()
    assert (text.status, text.return_comment) == (EntryStatus.RETURNED, "数値を入れてください")
    _save(alice, text, "総括（来訪者 120万人）")
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    text.refresh_from_db()
    assert (text.status, text.return_comment) == (EntryStatus.SUBMITTED, "")


def test_a_stale_save_is_refused_with_the_other_users_text(alice, bob):
    text = _texts(alice).first()
    loaded_version = text.version
    _save(bob, text, "bob's words")
    with pytest.raises(text_workflow.RoundTextConflict) as conflict:
        text_workflow.round_text_save(user=alice, round_text=text, content="alice's words",
                                      expected_version=loaded_version)
    assert "bob's words" in str(conflict.value)
    text.refresh_from_db()
    assert text.text == "bob's words"


def test_nobody_approves_a_text_they_entered(alice, bob, carol):
    text = _texts(alice).first()
    _save(bob, text, "managers write too")
    text_workflow.round_text_submit(user=bob, round_texts=[text])
    with pytest.raises(PermissionDenied, match="segregation|職務"):
        text_workflow.round_text_approve(user=bob, round_texts=[text])
    text.refresh_from_db()
    assert text.status == EntryStatus.SUBMITTED


@pytest.mark.parametrize("username", ["frank", "carol", "erin", "dave"])
def test_only_the_owner_department_saves(username, alice, django_user_model):
    text = _texts(alice).first()
    with pytest.raises(PermissionDenied):
        _save(django_user_model.objects.get(username=username), text, "not mine")
    text.refresh_from_db()
    assert text.status == EntryStatus.NOT_ENTERED


def test_nothing_is_entered_outside_the_window(alice, carol, sasebo):
    text = _texts(alice).first()
    entry_round = EntryRound.objects.get(strategy=sasebo, fiscal_year=FY)
    from kpis import workflow

    workflow.entry_round_close(user=carol, entry_round=entry_round)
    with pytest.raises(PermissionDenied):
        _save(alice, text, "too late")


def test_drafts_are_visible_to_the_department_and_the_dx_office_only(alice, frank, carol, erin):
    text = _texts(alice).first()
    _save(alice, text, "draft")
    text.refresh_from_db()
    visible = {u.username: permissions.actual_visible(u, status=text.status, department_id=text.department_id)
               for u in (alice, frank, carol, erin)}
    assert visible == {"alice": True, "frank": False, "carol": True, "erin": False}


def test_a_step_status_and_a_project_phase_take_only_their_choices(sasebo):
    step = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY, kind=RoundTextKind.STEP_STATUS).first()
    staff = step.department.users.filter(role="staff").first() or step.department.users.first()
    if staff is None:
        pytest.skip("the step's department has no demo user")
    with pytest.raises(ValidationError, match="choose|選"):
        _save(staff, step, "finished")
    assert _save(staff, step, "done").choice == "done"


def test_a_project_phase_records_start_or_continuing(alice):
    phase = _texts(alice, RoundTextKind.PHASE, owner="project").first()
    saved = _save(alice, phase, "build", is_start=True)
    assert (saved.choice, saved.is_start, saved.status) == ("build", True, EntryStatus.DRAFT)
    assert "start" in saved.display() or "開始" in saved.display()


def test_an_empty_text_cannot_be_submitted(alice):
    text = _texts(alice, RoundTextKind.SUMMARY).first()
    text.text = ""
    text.save()
    with pytest.raises(ValidationError):
        text_workflow.round_text_submit(user=alice, round_texts=[text])


def test_a_text_over_the_limit_is_refused_naming_the_field(alice):
    text = _texts(alice).first()
    with pytest.raises(ValidationError) as error:
        _save(alice, text, "あ" * (TEXT_MAX_LENGTH + 1))
    message = " ".join(m for ms in error.value.message_dict.values() for m in ms)
    assert str(TEXT_MAX_LENGTH) in message and ("年度の目標" in message or "Goal" in message)
    text.refresh_from_db()
    assert text.status == EntryStatus.NOT_ENTERED


def test_only_administrators_reopen_an_approved_text(alice, bob, carol, dave):
    text = _texts(alice).first()
    _save(alice, text, "goal")
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    text_workflow.round_text_approve(user=bob, round_texts=[text])
    text_workflow.round_text_approve(user=carol, round_texts=[text])
    with pytest.raises(PermissionDenied):
        text_workflow.round_text_reopen(user=carol, round_text=text, reason="typo")
    text_workflow.round_text_reopen(user=dave, round_text=text, reason="typo")
    text.refresh_from_db()
    assert (text.status, text.return_comment) == (EntryStatus.RETURNED, "typo")


@pytest.mark.parametrize("raw, expected", [
    ("a\r\nb\rc", "a\nb\nc"),
    ("a\tb", "a b"),
    ("line one 　 \nline two  ", "line one\nline two"),
    ("\n\n　indented\n\n", "　indented"),
    ("keep\n\nparagraphs", "keep\n\nparagraphs"),
    (None, ""),
])
def test_pasted_text_is_normalised(raw, expected):
    assert normalise_text(raw) == expected
