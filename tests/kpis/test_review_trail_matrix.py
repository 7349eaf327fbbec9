"""Who reads a row's review trail (earlier versions, drafts, reviewers' comments): the six
named users × every place that shows or serves it (issue 14, defect 3).

One row of 観光商工部 walks draft → submitted → returned (with a comment) → corrected →
submitted → approved twice. Its final actual and evaluation comment are public; its earlier
draft (actual 98,765, comment DRAFT-NOTE-14) and the return comment RETURN-SECRET-14 are
the trail: only alice and bob (the department), carol (DX office) and dave (admin) may read
it, never erin (viewer) or frank (another department), on any page, API or admin screen.
"""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from kpis import permissions, workflow
from kpis.models import ReviewEvent, YearlyValue
from plans.models import User

FY = 2024
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")
READERS = {"alice", "bob", "carol", "dave"}
DRAFT_ACTUAL, DRAFT_NOTE, RETURN_COMMENT = "98,765", "DRAFT-NOTE-14", "RETURN-SECRET-14"
TRAIL = (DRAFT_ACTUAL, "98765", DRAFT_NOTE, RETURN_COMMENT)
PUBLIC_ACTUAL, PUBLIC_COMMENT = "12,345", "最終評価-14"


@pytest.fixture
def trail_row(alice, bob, carol) -> YearlyValue:
    row = YearlyValue.objects.select_related("indicator").get(
        indicator__strategy__code="sasebo-dx", indicator__code="観光-KPI1", fiscal_year=FY)
    row = workflow.entry_save(user=alice, yearly_value=row, actual="98765", comment=DRAFT_NOTE,
                              expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_return(user=bob, yearly_value=row, comment=RETURN_COMMENT)
    row = YearlyValue.objects.get(pk=row.pk)
    row = workflow.entry_save(user=alice, yearly_value=row, actual="12345", comment=PUBLIC_COMMENT,
                              expected_version=row.version)
    workflow.entry_submit(user=alice, yearly_values=[row])
    workflow.review_approve(user=bob, yearly_values=[row])
    workflow.review_approve(user=carol, yearly_values=[row])
    return YearlyValue.objects.select_related("indicator").get(pk=row.pk, status="approved")


def _places(row):
    """place -> (url, what a trail reader must find there)."""
    indicator, department = row.indicator, row.indicator.responsible_department_id
    return {
        "entry grid": (f"/entry/sasebo-dx/{FY}/?department={department}", (RETURN_COMMENT,)),
        "review queue": (f"/entry/sasebo-dx/{FY}/review/?status=approved", (RETURN_COMMENT,)),
        "indicator history": (f"/entry/indicators/{indicator.pk}/history/", (DRAFT_ACTUAL, DRAFT_NOTE, RETURN_COMMENT)),
        "department history": (f"/entry/sasebo-dx/{FY}/history/?department={department}",
                               (DRAFT_ACTUAL, DRAFT_NOTE, RETURN_COMMENT)),
        "dashboard indicator": (f"/dashboards/sasebo-dx/indicators/{indicator.pk}/?fy={FY}",
                                (DRAFT_ACTUAL, RETURN_COMMENT)),
        "admin review events": ("/admin/kpis/reviewevent/", (RETURN_COMMENT,)),
        "admin value history": (f"/admin/kpis/yearlyvalue/{row.pk}/history/", (RETURN_COMMENT,)),
    }


# Who may open each place at all (others get 403, or the admin's login page).
OPENS = {
    "entry grid": set(USERS),
    "review queue": {"bob", "carol", "dave"},
    "indicator history": READERS,
    "department history": READERS,
    "dashboard indicator": set(USERS),
    "admin review events": {"dave"},
    "admin value history": {"dave"},
}
PLACES = tuple(OPENS)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("place", PLACES)
def test_the_review_trail_of_an_approved_row_is_for_the_department_and_the_dx_office(
    client, trail_row, place, username
):
    client.force_login(User.objects.get(username=username))
    url, expected = _places(trail_row)[place]
    response = client.get(url)
    page = response.content.decode()
    if username not in OPENS[place]:
        assert response.status_code in (302, 403), (place, response.status_code)
    else:
        assert response.status_code == 200, (place, response.status_code)
    for text in TRAIL:
        if username in OPENS[place] and username in READERS and text in expected:
            assert text in page, (place, text)
        elif username not in READERS:
            assert text not in page, (place, text)
    if place == "dashboard indicator":  # the approved result itself is public
        assert PUBLIC_ACTUAL in page and PUBLIC_COMMENT in page


@pytest.mark.parametrize("username", USERS)
def test_the_api_serves_the_approved_result_and_no_trail(trail_row, username):
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    indicator = trail_row.indicator
    bodies = [
        client.get(f"/api/v1/yearly-values/{trail_row.pk}/"),
        client.get("/api/v1/yearly-values/", {"indicator": indicator.pk, "limit": 50}),
        client.get(f"/api/v1/indicators/{indicator.pk}/"),
        client.get(f"/api/v1/dashboards/sasebo-dx/indicators/{indicator.pk}/", {"fy": FY}),
    ]
    for response in bodies:
        assert response.status_code == 200
        text = response.content.decode()
        assert "12345" in text or PUBLIC_ACTUAL in text
        for secret in TRAIL:
            assert secret not in text


def test_django_permissions_let_nobody_else_into_the_admin(client, trail_row, carol, frank):
    """The admin's permissions come from dxplan's roles (plans.admin_scope): the DX office or a
    department given staff status and Django's view permissions still opens no admin page, so
    it can never read the trail there by another rule."""
    view = Permission.objects.filter(codename__in=["view_reviewevent", "view_yearlyvalue"])
    for user in (carol, frank):
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.user_permissions.add(*view)
    places = _places(trail_row)
    for user in (carol, frank):
        client.force_login(user)
        for place in ("admin review events", "admin value history"):
            response = client.get(places[place][0])
            assert response.status_code == 403, (user.username, place)
            assert RETURN_COMMENT not in response.content.decode()


def test_the_sql_form_of_the_trail_rule_agrees_with_the_rule(trail_row, users_all, frank):
    other = YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=FY,
                                       indicator__responsible_department=frank.department).first()
    other = workflow.entry_save(user=frank, yearly_value=other, actual="1", comment="", expected_version=other.version)
    workflow.entry_submit(user=frank, yearly_values=[other])
    events = list(ReviewEvent.objects.select_related("yearly_value__indicator__strategy"))
    assert {e.yearly_value.indicator.responsible_department_id for e in events} >= {
        trail_row.indicator.responsible_department_id, frank.department_id}
    for user in users_all:
        by_rule = {e.pk for e in events if permissions.can_read_review_trail(
            user, department_id=e.yearly_value.indicator.responsible_department_id,
            municipality_id=e.yearly_value.indicator.strategy.municipality_id)}
        by_sql = set(ReviewEvent.objects.filter(permissions.review_trail_q(
            user, "yearly_value__indicator__responsible_department_id",
            "yearly_value__indicator__strategy__municipality_id")).values_list("pk", flat=True))
        assert by_sql == by_rule, user.username


@pytest.fixture
def users_all(alice, bob, carol, dave, erin, frank, nina, nora, paula, oscar):
    return [alice, bob, carol, dave, erin, frank, nina, nora, paula, oscar]
