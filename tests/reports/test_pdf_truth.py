"""Issue 10: the printed PDF tells the truth, read back with pdftotext. Small data of the
test's own, moved through the round's real services: a figure approved at both stages is
printed; a figure the manager approved and the DX office then returned is not (「未確定」
instead); a revised target prints its footnote (※, the old value, the reason).

Needs soffice and poppler-utils (pdf_tools.require_renderer)."""

import io

import pytest
from django.db import transaction
from django.utils import timezone

from kpis import workflow
from kpis.models import Indicator, IndicatorKind, YearlyValue
from kpis.values import value_columns
from plans.models import Role, User
from reports import pdf, selectors
from reports.workbook import build_report
from tests.factories import small_round
from tests.reports.pdf_tools import page_count, page_text, require_renderer

pytestmark = pytest.mark.django_db

APPROVED, RETURNED = "1,234", "5,678"  # against a target of 1,300: 94.9 %
REASON = "国の基準変更"


def _users(department):
    def user(name, role, department=department, municipality=None):
        return User.objects.create_user(username=f"pdf-{name}", password="pdf-password-1234", role=role,
                                        department=department, municipality=municipality)
    # The DX office of the round's own city (plans.boundary), in no department.
    return (user("staff", Role.STAFF), user("manager", Role.MANAGER),
            user("dx", Role.DX_OFFICE, None, department.municipality))


def _enter_and_approve_by_manager(value, staff, manager, actual):
    value = workflow.entry_save(user=staff, yearly_value=value, actual=actual, comment="", expected_version=value.version)
    (value,) = workflow.entry_submit(user=staff, yearly_values=[value])
    (value,) = workflow.review_approve(user=manager, yearly_values=[value])
    return value


def _workbook() -> bytes:
    """The report of a small round, built in a transaction that is rolled back."""
    with transaction.atomic():
        built = small_round("pdftruth", "印刷市", fiscal_year=2024)
        staff, manager, dx = _users(built.department)
        approved = built.value
        YearlyValue.objects.filter(pk=approved.pk).update(**value_columns("planned", "1000"))
        approved.refresh_from_db()
        returned_indicator = Indicator.objects.create(
            strategy=built.strategy, basic_policy=built.indicator.basic_policy, kind=IndicatorKind.KPI, code="K2",
            name="差戻し指標", responsible_department=built.department)
        returned = YearlyValue.objects.create(indicator=returned_indicator, fiscal_year=2024)

        approved = _enter_and_approve_by_manager(approved, staff, manager, APPROVED)
        workflow.review_approve(user=dx, yearly_values=[approved])
        workflow.target_revise(user=dx, yearly_value=YearlyValue.objects.get(pk=approved.pk), planned="1300",
                               reason=REASON)
        returned = _enter_and_approve_by_manager(returned, staff, manager, RETURNED)
        workflow.review_return(user=dx, yearly_value=returned, comment="根拠資料を添付してください")

        assert YearlyValue.objects.get(pk=approved.pk).status == "approved"
        assert YearlyValue.objects.get(pk=returned.pk).status == "returned"
        as_of = timezone.localdate()
        scope = selectors.Scope(built.strategy, 2024, as_of=as_of)
        meta = selectors.report_meta(scope, as_of=as_of)
        out = io.BytesIO()
        build_report(out, meta, selectors.report_sections(scope), selectors.report_project_rows(scope, meta),
                     grades=selectors.report_grades(scope))
        transaction.set_rollback(True)
    return out.getvalue()


@pytest.fixture(scope="module")
def printed(tmp_path_factory, django_db_setup, django_db_blocker):
    """The text of the whole PDF, pages joined."""
    require_renderer()
    with django_db_blocker.unblock():
        workbook = _workbook()
    path = tmp_path_factory.mktemp("pdf") / "truth.pdf"
    with open(path, "wb") as out:
        pdf.workbook_to_pdf(io.BytesIO(workbook), out)
    return "\n".join(page_text(path, n) for n in range(1, page_count(path) + 1))


def _actual_line(printed: str, indicator: str) -> str:
    """The 実績 line of an indicator's row on its policy sheet (the line under its 予定 line)."""
    lines = printed.splitlines()
    start = next(n for n, line in enumerate(lines) if indicator in line and "予定" in line)
    return next(line for line in lines[start + 1:start + 4] if "実績" in line)


def test_an_approved_figure_is_printed(printed):
    assert APPROVED in _actual_line(printed, "印刷の指標")
    assert "94.9%" in printed  # its rate against the revised target


def test_a_figure_the_dx_office_returned_after_the_managers_approval_is_not_printed(printed):
    assert RETURNED not in printed and RETURNED.replace(",", "") not in printed
    assert "未確定" in _actual_line(printed, "差戻し指標")


def test_a_revised_target_prints_its_footnote(printed):
    footnotes = [line for line in printed.splitlines() if line.startswith("※") and REASON in line]
    assert len(footnotes) == 1, printed
    assert "印刷の指標" in footnotes[0] and "1,000 から 1,300" in footnotes[0]
    assert "1,300※" in printed  # the revised planned value carries the mark
