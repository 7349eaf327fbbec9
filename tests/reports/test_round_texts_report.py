"""The report prints the round's texts, step statuses and project phases as of its date: the
version the last review stage approved, 「未確定」 for one entered but not approved (a returned
text never prints), the latest entered one in the draft for checking, and the plan's own
content for a row nobody has saved yet.

Demo data: Sasebo's round is 令和6年度 (FY2024); alice (staff) and bob (manager) are 観光商工部,
carol the DX office, dave an administrator.
"""

import datetime

import pytest
from django.utils import timezone

from kpis import text_workflow
from kpis.models import RoundText, RoundTextKind
from reports import selectors
from reports.selectors import Scope
from reports.workbook import labels

FY = 2024


def _text(user, kind, owner="basic_policy"):
    return RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=FY, kind=kind,
                                    department_id=user.department_id, **{f"{owner}__isnull": False}).order_by("order")[0]


def _save(user, text, content, **extra):
    text.refresh_from_db()
    return text_workflow.round_text_save(user=user, round_text=text, content=content,
                                         expected_version=text.version, **extra)


def _approve(text, alice, bob, carol):
    text_workflow.round_text_submit(user=alice, round_texts=[text])
    text_workflow.round_text_approve(user=bob, round_texts=[text])
    text_workflow.round_text_approve(user=carol, round_texts=[text])


def _section(sasebo, policy, *, draft=False):
    return next(s for s in selectors.report_sections(Scope(sasebo, FY, draft=draft)) if s.code == policy.code)


@pytest.fixture
def goal(alice):
    return _text(alice, RoundTextKind.GOAL)


def test_the_approved_goal_prints_as_of_its_date_and_a_later_returned_version_does_not(
        sasebo, goal, alice, bob, carol, dave):
    _save(alice, goal, "承認された目標")
    _approve(goal, alice, bob, carol)
    # The approval happened two days ago: move its versions back.
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    goal.history.all().update(history_date=two_days_ago)
    RoundText.objects.filter(pk=goal.pk).update(updated_at=two_days_ago)
    text_workflow.round_text_reopen(user=dave, round_text=goal, reason="数値の誤り")
    _save(alice, goal, "差し戻し後の書きかけ")
    text_workflow.round_text_submit(user=alice, round_texts=[goal])
    text_workflow.round_text_return(user=bob, round_text=goal, comment="もう一度")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    as_of_yesterday = next(s for s in selectors.report_sections(Scope(sasebo, FY, as_of=yesterday))
                           if s.code == goal.basic_policy.code)
    assert as_of_yesterday.goal == "承認された目標"
    today = _section(sasebo, goal.basic_policy)
    assert today.goal == labels.PENDING and "差し戻し後の書きかけ" not in repr(today)
    assert _section(sasebo, goal.basic_policy, draft=True).goal == "差し戻し後の書きかけ"


def test_an_approved_goal_prints(sasebo, goal, alice, bob, carol):
    _save(alice, goal, "承認された目標")
    assert _section(sasebo, goal.basic_policy).goal == labels.PENDING
    _approve(goal, alice, bob, carol)
    assert _section(sasebo, goal.basic_policy).goal == "承認された目標"


def test_a_returned_summary_prints_as_pending(sasebo, alice, bob):
    summary = _text(alice, RoundTextKind.SUMMARY)
    _save(alice, summary, "差し戻される総括")
    text_workflow.round_text_submit(user=alice, round_texts=[summary])
    text_workflow.round_text_return(user=bob, round_text=summary, comment="具体的に")
    section = _section(sasebo, summary.basic_policy)
    assert section.summary == labels.PENDING
    assert "差し戻される総括" not in repr(section)
    assert _section(sasebo, summary.basic_policy, draft=True).summary == "差し戻される総括"


def test_an_approved_step_status_prints_in_its_year(sasebo, alice, bob, carol):
    step = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY, kind=RoundTextKind.STEP_STATUS,
                                    department_id=alice.department_id).select_related("step__measure").first()
    if step is None:
        pytest.skip("観光商工部 owns no step in the demo")
    _save(alice, step, "done")
    column = sasebo.fiscal_years.index(FY)

    def printed():
        section = next(s for s in selectors.report_sections(Scope(sasebo, FY))
                       if s.code == step.step.measure.basic_policy.code)
        return next(r for r in section.steps if r.code == step.step.code and r.title == step.step.title).statuses

    assert printed()[column] == labels.PENDING
    _approve(step, alice, bob, carol)
    assert printed()[column] == "done"


def test_a_project_phase_prints_approved_or_pending(sasebo, alice, bob, carol):
    phase = _text(alice, RoundTextKind.PHASE, owner="project")
    meta = selectors.report_meta(Scope(sasebo, FY), as_of=datetime.date.today())
    column = meta.phase_years.index(FY)

    def printed():
        return next(r for r in selectors.report_project_rows(Scope(sasebo, FY), meta)
                    if r.code == phase.project.code and r.name == phase.project.name).phases[column]

    _save(alice, phase, "consider")
    assert printed() == labels.PENDING
    _approve(phase, alice, bob, carol)
    assert printed() == "…"  # the mark of 検討


def test_a_project_summary_of_the_year_prints_approved_or_pending_in_the_project_list(sasebo, alice, bob, carol):
    # The demo plan has no project summaries; an imported plan with one gets this row from
    # kpis.text_workflow.round_texts_ensure.
    project = _text(alice, RoundTextKind.PHASE, owner="project").project
    assert not selectors.report_meta(Scope(sasebo, FY), as_of=datetime.date.today()).project_summaries
    summary = RoundText.objects.create(strategy=sasebo, fiscal_year=FY, kind=RoundTextKind.SUMMARY, project=project,
                                       department=alice.department)
    meta = selectors.report_meta(Scope(sasebo, FY), as_of=datetime.date.today())
    assert meta.project_summaries

    def printed():
        return {r.year_summary for r in selectors.report_project_rows(Scope(sasebo, FY), meta)
                if r.code == summary.project.code and r.name == summary.project.name}

    _save(alice, summary, "地図アプリの利用者が前年度比で増加した。")
    assert printed() == {labels.PENDING}
    _approve(summary, alice, bob, carol)
    assert printed() == {"地図アプリの利用者が前年度比で増加した。"}


def test_a_row_nobody_saved_prints_the_plans_content(sasebo, alice):
    phase = _text(alice, RoundTextKind.PHASE, owner="project")
    meta = selectors.report_meta(Scope(sasebo, FY), as_of=datetime.date.today())
    row = next(r for r in selectors.report_project_rows(Scope(sasebo, FY), meta)
               if r.code == phase.project.code and r.name == phase.project.name)
    from projects.models import PHASE_MARKS

    assert row.phases[meta.phase_years.index(FY)] == (PHASE_MARKS.get(phase.choice, "") if phase.choice else "")


def test_the_cover_counts_texts_not_yet_approved(sasebo, alice, bob):
    summary = _text(alice, RoundTextKind.SUMMARY)
    before = selectors.report_pending_texts(Scope(sasebo, FY))
    _save(alice, summary, "未承認の総括")
    assert selectors.report_pending_texts(Scope(sasebo, FY)) == before + 1
    assert selectors.report_pending_texts(Scope(sasebo, FY, basic_policy=summary.basic_policy)) >= 1
    from plans.models import Department

    other = Department.objects.exclude(pk=alice.department_id).filter(municipality=sasebo.municipality).first()
    assert selectors.report_pending_texts(Scope(sasebo, FY, department=other)) == 0
    assert selectors.report_pending_texts(Scope(sasebo, FY, draft=True)) == 0


def test_the_cover_prints_the_count_of_texts_not_yet_approved():
    import io

    import openpyxl

    from reports.workbook.report import build_report
    from tests.reports.test_workbook import grades_of, meta, project, section

    out = io.BytesIO()
    report_meta = meta()
    build_report(out, report_meta, [section()], [project()], grades=grades_of([section()], report_meta.bands),
                 pending_texts=3)
    cover = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["表紙・概要"]
    rows = [[c.value for c in row][:2] for row in cover.iter_rows()]
    line = next(row for row in rows if row[0] == labels.PENDING_TEXTS)
    assert line[1].startswith("3件")
