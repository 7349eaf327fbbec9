"""The round's texts on the entry grid and in the review queue: saving with the version,
refusals and conflicts that keep what was typed, submitting, approving, returning, the
tracker's counts, and query counts that do not grow with the number of texts.

Demo data: Sasebo's round is 令和6年度 (FY2024); alice (staff) and bob (manager) are 観光商工部,
frank staff of 農林水産部, carol the DX office, erin a viewer.
"""

import re

from kpis import text_workflow
from kpis.models import EntryStatus, RoundText, RoundTextKind
from plans.models import BasicPolicy, Department, Role, User

FY = 2024
GRID = "/entry/sasebo-dx/2024/"
QUEUE = "/entry/sasebo-dx/2024/review/"


def _goal(user) -> RoundText:
    return RoundText.objects.filter(strategy__code="sasebo-dx", fiscal_year=FY, kind=RoundTextKind.GOAL,
                                    basic_policy__isnull=False, department_id=user.department_id).order_by("order")[0]


def _post_save(client, text, content, version=None):
    return client.post(f"/entry/texts/{text.pk}/save/", {"content": content, "version": version or text.version})


def test_the_grid_shows_the_departments_texts_beside_its_figures(client, alice):
    client.force_login(alice)
    html = client.get(GRID).content.decode()
    text = _goal(alice)
    assert f'id="text-{text.pk}"' in html and 'name="content"' in html
    assert 'name="actual"' in html  # the figures are still there


def test_saving_a_text_stores_it_as_a_draft(client, alice):
    client.force_login(alice)
    text = _goal(alice)
    response = _post_save(client, text, "回遊性の向上\r\n二行目")
    assert response.status_code == 302 and response.url.endswith(f"#text-{text.pk}")
    text.refresh_from_db()
    assert (text.status, text.text, text.version) == (EntryStatus.DRAFT, "回遊性の向上\n二行目", 2)


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(client, alice, bob):
    text = _goal(alice)
    text_workflow.round_text_save(user=bob, round_text=text, content="bob first", expected_version=text.version)
    client.force_login(alice)
    response = _post_save(client, text, "alice typed this", version=1)
    html = response.content.decode()
    assert response.status_code == 409
    assert "bob first" in html and "alice typed this" in html
    text.refresh_from_db()
    assert text.text == "bob first"


def test_another_department_cannot_save(client, alice, frank):
    text = _goal(alice)
    client.force_login(frank)
    response = _post_save(client, text, "not mine")
    assert response.status_code == 403
    text.refresh_from_db()
    assert text.status == EntryStatus.NOT_ENTERED


def test_a_viewer_does_not_see_a_draft_text(client, alice, erin):
    text = _goal(alice)
    text_workflow.round_text_save(user=alice, round_text=text, content="secret draft", expected_version=text.version)
    client.force_login(erin)
    html = client.get(f"{GRID}?department={alice.department_id}").content.decode()
    assert f'id="text-{text.pk}"' in html and "secret draft" not in html


def test_submit_then_approve_and_return_in_the_queue(client, alice, bob, carol):
    goal, summary = _goal(alice), RoundText.objects.get(basic_policy=_goal(alice).basic_policy, fiscal_year=FY,
                                                         kind=RoundTextKind.SUMMARY)
    client.force_login(alice)
    _post_save(client, goal, "goal")
    _post_save(client, summary, "summary")
    response = client.post(GRID + "texts/submit/", {"text_scope": "drafts"})
    assert response.status_code == 302
    goal.refresh_from_db(), summary.refresh_from_db()
    assert goal.status == summary.status == EntryStatus.SUBMITTED

    client.force_login(bob)
    html = client.get(QUEUE).content.decode()
    assert f'id="review-text-{goal.pk}"' in html and f'id="review-text-{summary.pk}"' in html
    client.post(f"/entry/texts/{summary.pk}/return/", {"comment": "具体的な数値を"})
    client.post(QUEUE.replace("review/", "texts/approve/"), {"texts": [goal.pk]})
    goal.refresh_from_db(), summary.refresh_from_db()
    assert (goal.status, summary.status, summary.return_comment) == (
        EntryStatus.FIRST_APPROVED, EntryStatus.RETURNED, "具体的な数値を")

    client.force_login(alice)
    html = client.get(GRID).content.decode()
    assert "具体的な数値を" in html

    client.force_login(carol)
    client.post(QUEUE.replace("review/", "texts/approve/"), {"texts": [goal.pk]})
    goal.refresh_from_db()
    assert goal.status == EntryStatus.APPROVED


def test_the_tracker_counts_texts_with_the_figures(client, alice):
    client.force_login(alice)
    before = client.get(GRID + "tracker/").content.decode()
    text = _goal(alice)
    text_workflow.round_text_save(user=alice, round_text=text, content="x", expected_version=text.version)
    after = client.get(GRID + "tracker/").content.decode()

    def counts(html):
        line = re.search(rf'data-department="{alice.department_id}">(.*?)</tr>', html, re.S).group(1)
        return dict(re.findall(r'class="num status-count-(\w+)">(\d+)<', line))

    assert int(counts(after)["draft"]) == int(counts(before)["draft"]) + 1
    assert int(counts(after)["not_entered"]) == int(counts(before)["not_entered"]) - 1


def _department_with_texts(sasebo, n):
    department, _ = Department.objects.get_or_create(municipality=sasebo.municipality, name="テキスト課",
                                                     defaults={"order": 98})
    start = BasicPolicy.objects.filter(strategy=sasebo).count()
    for i in range(n):
        policy = BasicPolicy.objects.create(strategy=sasebo, code=f"T-{start + i}", title=f"課題 {i}",
                                            order=500 + start + i, lead_department=department)
        for kind in (RoundTextKind.GOAL, RoundTextKind.SUMMARY):
            RoundText.objects.create(strategy=sasebo, fiscal_year=FY, kind=kind, basic_policy=policy,
                                     department=department, order=policy.order, status=EntryStatus.SUBMITTED,
                                     text=f"text {i}")
    return department


def test_grid_queries_do_not_grow_with_the_texts(client, sasebo, django_assert_num_queries):
    department = _department_with_texts(sasebo, 1)
    tess = User.objects.create_user(username="tess", password="x", role=Role.STAFF, department=department)
    client.force_login(tess)

    def page():
        # session, user, strategy, the user's department, the entry round, rows (none here:
        # the department owns no indicators), the texts with their nodes
        with django_assert_num_queries(7):
            return client.get(GRID).content.decode()

    assert page().count('data-text="') == 2
    _department_with_texts(sasebo, 9)
    assert page().count('data-text="') == 20


def test_queue_queries_do_not_grow_with_the_texts(client, sasebo, django_assert_num_queries):
    department = _department_with_texts(sasebo, 1)
    manager = User.objects.create_user(username="mona", password="x", role=Role.MANAGER, department=department)
    client.force_login(manager)

    def page():
        # session, user, strategy, the entry round, rows (with reviewer comments: none,
        # so no prefetch), the texts with their nodes, the user's department (heading)
        with django_assert_num_queries(7):
            return client.get(QUEUE).content.decode()

    assert page().count('id="review-text-') == 2
    _department_with_texts(sasebo, 9)
    assert page().count('id="review-text-') == 20


def test_the_department_picker_offers_a_department_with_texts_only(client, sasebo, carol):
    department = _department_with_texts(sasebo, 1)
    client.force_login(carol)
    html = client.get(GRID).content.decode()
    assert f'<option value="{department.pk}"' in html
