"""`manage.py check_boundary`: nothing to report on the demo; each kind of row that cannot be
placed in one municipality is listed, in the reader's language, with exit status 1."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kpis.models import Indicator, RoundText
from plans.models import Department, DirectoryGroupMapping, Role, User
from projects.models import Project


def _check():
    out = StringIO()
    with translation.override("ja"):
        try:
            call_command("check_boundary", stdout=out)
        except CommandError as error:
            return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def test_the_demo_has_no_problems(db):
    code, out, _ = _check()
    assert (code, out.strip()) == (0, "問題はありません。すべてがいずれか一つの自治体に属しています。")


def _nagasaki_department():
    return Department.objects.get(municipality__code="nagasaki", name="商工部")


PROBLEMS = {
    "user without municipality": (
        lambda: User.objects.filter(username="erin").update(municipality=None),
        "自治体に割り当てられていません: user erin"),
    "mapping without municipality": (
        lambda: DirectoryGroupMapping.objects.create(group="cn=viewers", role=Role.VIEWER),
        "自治体に割り当てられていません: directory group cn=viewers"),
    "user's department of another city": (
        lambda: User.objects.filter(username="alice").update(department=_nagasaki_department()),
        "ユーザー「alice」（佐世保市）: 所属が別の自治体（長崎市）のものです。"),
    "indicator's department of another city": (
        lambda: Indicator.objects.filter(pk=Indicator.objects.filter(strategy__code="sasebo-dx").order_by("pk").values(
            "pk")[:1]).update(responsible_department=_nagasaki_department()),
        "担当の所属が別の自治体（長崎市）のものです。"),
    "project's lead department of another city": (
        lambda: Project.objects.filter(pk=Project.objects.filter(strategy__code="sasebo-dx").order_by("pk").values(
            "pk")[:1]).update(lead_department=_nagasaki_department()),
        "主担当の所属が別の自治体（長崎市）のものです。"),
    "round text's department of another city": (
        lambda: RoundText.objects.filter(pk=RoundText.objects.filter(strategy__code="sasebo-dx").order_by("pk").values(
            "pk")[:1]).update(department=_nagasaki_department()),
        "所属が別の自治体（長崎市）のものです。"),
}


@pytest.mark.parametrize("problem", PROBLEMS, ids=list(PROBLEMS))
def test_what_cannot_be_placed_is_listed_with_exit_status_1(db, problem):
    make, expected = PROBLEMS[problem]
    make()
    code, out, error = _check()
    assert code == 1
    assert expected in out, out
    lines = [line for line in out.splitlines() if line.startswith("- ")]
    assert len(lines) == 1, out
    assert error == "自治体の境界に関する問題が 1 件あります。"


def test_the_list_reads_in_english_too(db):
    User.objects.filter(username="erin").update(municipality=None)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("check_boundary", stdout=out)
    assert raised.value.returncode == 1
    assert "- Not placed in a municipality: user erin" in out.getvalue()
