"""A strategy just created, with no basic policies, indicators or projects yet, shows empty
dashboards, an empty report and an empty data export instead of failing."""

import pytest
from django.core.management import call_command

from plans.models import Municipality, Strategy


@pytest.fixture
def empty(db):
    return Strategy.objects.create(
        municipality=Municipality.objects.get(code="sasebo"), code="empty-plan", title="空の計画",
        first_fiscal_year=2025, last_fiscal_year=2029,
    )


@pytest.mark.parametrize("username", ["carol", "erin", "alice"])
def test_every_dashboard_page_of_an_empty_plan_renders(client, empty, username, django_user_model):
    client.force_login(django_user_model.objects.get(username=username))
    for path in ("", "?fy=2025", "compare/?fy=2026", "indicators/?fy=2025", "roadmap/", "roadmap/?leading=1"):
        response = client.get(f"/dashboards/{empty.code}/{path}")
        assert response.status_code == 200, path
    overview = client.get(f"/dashboards/{empty.code}/?fy=2025").content.decode()
    assert 'data-total="0" data-hidden="0"' in overview
    api = client.get(f"/api/v1/dashboards/{empty.code}/?fy=2025").json()
    assert api["total"] == 0 and api["basic_policies"] == [] and api["changes"]["worse"] == 0


@pytest.mark.parametrize("kind", ["report", "data"])
def test_the_report_and_export_of_an_empty_plan_build(empty, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    call_command("build_report", "--strategy", empty.code, "--fiscal-year", "2025", "--kind", kind,
                 "--output", str(out), verbosity=0)
    from openpyxl import load_workbook

    book = load_workbook(out)
    expected = ["表紙・概要", "プロジェクト一覧", "グラフデータ"] if kind == "report" else ["計画", "データ", "目標値の修正"]
    assert book.sheetnames == expected  # no sheet per basic policy: there is none
    if kind == "data":
        assert book["データ"].max_row == 1  # the header row alone
