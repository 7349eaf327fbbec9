"""Dashboard pages: every role may open them, each sees the figures the rules allow, the
queries do not grow with the plan, and nothing is loaded from another host."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from kpis.models import EntryStatus, YearlyValue
from tests.factories import grow

ROLES = ("alice", "bob", "carol", "dave", "erin", "frank")


def html(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_pages_require_login(client, page_urls):
    for url in page_urls.values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize("username", ROLES)
def test_every_page_renders_for_every_role(client, page_urls, username, django_user_model):
    client.force_login(django_user_model.objects.get(username=username))
    for name, url in page_urls.items():
        assert "dxplan" in html(client, url), name


def test_unknown_strategy_and_nodes_of_another_strategy_are_404(client, erin, page_urls):
    client.force_login(erin)
    assert client.get("/dashboards/no-such-plan/").status_code == 404
    for name in ("policy", "measure", "step", "project", "indicator"):
        url = page_urls[name].replace("sasebo-dx", "nagasaki-dx")
        assert client.get(url).status_code == 404, name
    assert client.get("/dashboards/sasebo-dx/departments/999999/").status_code == 404


def test_assets_come_from_this_server_and_plotly_is_served_locally(client, carol, page_urls):
    client.force_login(carol)
    for name, url in page_urls.items():
        page = html(client, url)
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        outside = [a for a in assets if re.match(r"(https?:)?//", a) and not a.startswith("http://testserver/")]
        assert outside == [], (name, outside)
    overview = html(client, page_urls["overview"])
    assert '<script src="/static/vendor/plotly/plotly.min.js">' in overview
    assert '<script src="/static/js/dashboards.js">' in overview
    assert finders.find("vendor/plotly/plotly.min.js"), "plotly.min.js must come from the plotly package"
    assert finders.find("js/dashboards.js") and finders.find("css/dashboards.css")


def test_landing_page_links_each_strategy_to_its_dashboard(client, erin, sasebo):
    client.force_login(erin)
    assert f'href="/dashboards/{sasebo.code}/"' in html(client, "/")


# --- what the overview says ------------------------------------------------------------------


def test_overview_opens_on_the_year_of_the_open_or_latest_closed_round(client, erin, carol, sasebo):
    from kpis import workflow
    from kpis.models import EntryRound

    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/")
    # R6's round is open: the year people work on, though R5 has more actuals in.
    assert re.search(r'data-fiscal-year="2024" aria-current', page)
    # Closed, it is still the latest closed round's year.
    workflow.entry_round_close(user=carol, entry_round=EntryRound.objects.get(strategy=sasebo, fiscal_year=2024))
    assert re.search(r'data-fiscal-year="2024" aria-current', html(client, "/dashboards/sasebo-dx/"))
    # Without any round: the latest year whose actuals are substantially in (R5 with most).
    EntryRound.objects.filter(strategy=sasebo).delete()
    page = html(client, "/dashboards/sasebo-dx/")
    assert re.search(r'data-fiscal-year="2023" aria-current', page)
    assert "令和5年度 (2023年度)" in page


def test_overview_answers_which_focus_issues_are_behind_and_who_owns_them(client, carol, sasebo):
    client.force_login(carol)
    page = html(client, "/dashboards/sasebo-dx/?fy=2023")
    behind_table = page.split('class="list behind-table"')[1].split("</table>")[0]
    # Independently of the dashboards: the Sasebo KPIs and activity indicators below 100 % in R5.
    values = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023).select_related(
        "indicator__measure__basic_policy", "indicator__project__basic_policy", "indicator__responsible_department")
    behind = [v for v in values if v.grade(sasebo.bands()) in ("B", "C")]
    assert behind, "the demo has indicators behind target in R5"
    for value in behind:
        owner = value.indicator.measure or value.indicator.project
        if owner.basic_policy is None:
            continue
        assert f'data-policy="{owner.basic_policy.code}"' in behind_table
        assert value.indicator.responsible_department.name in behind_table
    # The count link leads to exactly those indicators of that policy.
    link = re.search(r'class="behind-link" href="([^"]+)"', behind_table).group(1).replace("&amp;", "&")
    assert "grade=behind" in link and "fy=2023" in link
    listed = html(client, link)
    policy_id = int(re.search(r"policy=(\d+)", link).group(1))
    expected = [v for v in behind if (v.indicator.measure or v.indicator.project).basic_policy_id == policy_id]
    assert len(re.findall(r'<tr data-indicator="', listed)) == len(expected)
    for value in expected:
        assert f'data-indicator="{value.indicator_id}"' in listed


def test_year_with_a_single_actual_says_nothing_is_behind(client, carol):
    client.force_login(carol)
    page = html(client, "/dashboards/sasebo-dx/?fy=R6")
    assert "令和6年度 (2024年度)" in page
    assert 'class="list behind-table"' not in page  # R6's only actual (高質化 KPI2, 207 %) is ahead


def test_bad_filters_are_reported_and_ignored(client, erin):
    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/?fy=1999&kind=nonsense&department=abc")
    errors = re.findall(r'<li class="error">([^<]+)</li>', page)
    assert len(errors) == 3
    assert any("1999" in e for e in errors)
    assert re.search(r'data-fiscal-year="2024" aria-current', page)  # fell back to the default year (open round)


def test_filters_are_in_the_url_and_narrow_the_figures(client, carol, tourism, sasebo):
    client.force_login(carol)
    everything = html(client, "/dashboards/sasebo-dx/?fy=2023")
    narrowed = html(client, f"/dashboards/sasebo-dx/?fy=2023&department={tourism.pk}&kind=kpi")
    total = sasebo.indicators.count()
    tourism_kpis = sasebo.indicators.filter(responsible_department=tourism, kind="kpi").count()
    assert f'data-total="{total}"' in everything
    assert f'data-total="{tourism_kpis}"' in narrowed and 0 < tourism_kpis < total
    # the year links keep the filters, so the narrowed view can be bookmarked per year
    assert f"?fy=2022&amp;department={tourism.pk}&amp;kind=kpi" in narrowed


def figure(page, name):
    """The plotly figure a page hands to dashboards.js."""
    source = re.search(rf'<script id="figure-{name}" type="application/json">(.*?)</script>', page, re.S).group(1)
    return json.loads(source)


def test_chart_axis_shows_wareki_and_western_years_in_japanese_and_fy_in_english(client, erin, page_urls):
    client.force_login(erin)
    english = figure(html(client, page_urls["indicator"], HTTP_ACCEPT_LANGUAGE="en"), "chart")
    assert english["layout"]["xaxis"]["ticktext"][:2] == ["FY2021", "FY2022"]
    japanese = figure(html(client, page_urls["indicator"]), "chart")
    assert japanese["layout"]["xaxis"]["ticktext"][0] == "令和3年度<br>2021年度"


def test_strategy_labels_name_the_levels(client, erin, nina, page_urls):
    client.force_login(erin)
    assert "DX重点課題" in html(client, page_urls["overview"])
    client.force_login(nina)  # Nagasaki's own (erin, of Sasebo, gets 404 there: plans.boundary)
    assert "基本方針" in html(client, "/dashboards/nagasaki-dx/")


# --- visibility ------------------------------------------------------------------------------


@pytest.fixture
def submitted(paperless):
    """The R5 value of ペーパーレス度 (行政経営改革部) sent back to review: not approved yet."""
    value = paperless.values.get(fiscal_year=2023)
    YearlyValue.objects.filter(pk=value.pk).update(status=EntryStatus.SUBMITTED)
    return value


def test_unapproved_actual_is_shown_to_its_department_and_the_dx_office_only(
        client, submitted, paperless, django_user_model):
    actual = submitted.actual.display()  # 81.7
    owner = paperless.responsible_department
    django_user_model.objects.create_user("gina", role="staff", department=owner)
    url = f"/dashboards/sasebo-dx/indicators/{paperless.pk}/?fy=2023"
    for username, sees in (("carol", True), ("dave", True), ("gina", True), ("alice", False), ("bob", False),
                           ("erin", False), ("frank", False)):
        client.force_login(django_user_model.objects.get(username=username))
        row = html(client, url).split('data-fiscal-year="2023"')[1].split("</tr>")[0]
        assert (actual in row) is sees, username
        assert ("not yet approved" in row or "未承認" in row) is (not sees), username


def test_aggregates_count_what_each_role_may_see(client, submitted, paperless, django_user_model):
    def hidden(username):
        client.force_login(django_user_model.objects.get(username=username))
        return int(re.search(r'data-hidden="(\d+)"', html(client, "/dashboards/sasebo-dx/?fy=2023")).group(1))

    # ペーパーレス度 belongs to 行政経営改革部: no named user but carol and dave may see it unapproved
    assert [hidden(u) for u in ("erin", "frank", "alice", "bob")] == [1, 1, 1, 1]
    assert [hidden(u) for u in ("carol", "dave")] == [0, 0]


def test_submission_tracker_shows_statuses_and_the_deadline(client, erin, sasebo):
    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/?fy=2024")
    tracker = page.split('id="tracker"')[1].split("</table>")[0]
    round_ = sasebo.entry_rounds.get(fiscal_year=2024)
    assert round_.deadline.astimezone().strftime("%Y-%m-%d") in tracker
    assert "観光商工部" in tracker and "農林水産部" in tracker


# --- bounded queries ---------------------------------------------------------------------------

# Every page as erin (a viewer without department, so the header adds no query). The URLs
# carry ?fy=, so only the overview and the comparison count the actuals per year (for the
# year bar); without ?fy= every page counts them once to pick the default year.
COMMON = 2 + 5  # session, user; strategy, departments, categories, basic policies, their categories
QUERIES = {
    # + actuals per year, grade counts, medians, leading projects, change counts, largest falls
    #   (+ their indicators and values), project start/end years, entry round; without ?fy= the
    #   open or latest closed entry round (the default year)
    "overview": COMMON + 11,
    # + actuals per year, grade counts and medians for each of the two years
    "compare": COMMON + 5,
    # + count, ids of the page, their indicators and values, measure names, project names
    "indicators": COMMON + 6,
    # + grade counts, medians per measure and of the policy, measures, the policy's own indicators
    #   and values, first indicators behind target (+ their indicators and values), leading
    #   projects, narratives
    "policy": COMMON + 11,
    # + measure, indicators, values, steps, step years, projects, project years, narratives
    "measure": COMMON + 8,
    # + step, step years, indicators, values, projects, project years
    "step": COMMON + 6,
    # + project, its years, co-departments, categories, indicators, values, narratives
    "project": COMMON + 7,
    # + indicator, values, target revisions, review events (the value and indicator history only
    # for those who may read the review trail, which the viewer erin may not)
    "indicator": COMMON + 4,
    # + measure count, measures, steps, step years, projects (with those outside any measure on
    #   the last page), project years
    "roadmap": COMMON + 6,
    # + grade counts, median, count, ids of the page, their indicators and values, measure names,
    #   project names, entry round, projects, project count
    "department": COMMON + 11,
}


def test_without_a_fiscal_year_the_default_is_looked_up_once(client, erin, page_urls, django_assert_num_queries):
    client.force_login(erin)
    url = page_urls["policy"].split("?")[0]
    # + actuals per year, + the open or latest closed entry round
    _count(client, url, django_assert_num_queries, QUERIES["policy"] + 2)


def _count(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_page_queries_are_fixed_whatever_the_plan_size(client, erin, sasebo, page_urls, django_assert_num_queries):
    client.force_login(erin)
    for name, expected in QUERIES.items():
        _count(client, page_urls[name], django_assert_num_queries, expected)
    grow(sasebo, 10)
    assert sasebo.indicators.count() > 1500
    for name, expected in QUERIES.items():
        _count(client, page_urls[name], django_assert_num_queries, expected)


def test_filters_add_a_fixed_number_of_queries(client, erin, sasebo, page_urls, django_assert_num_queries):
    category = sasebo.vocabularies.get(code="field").categories.first()
    url = page_urls["overview"] + f"?fy=2023&category={category.pk}&leading=1"
    client.force_login(erin)
    # No query more: the category's basic policies, measures and projects are subqueries of
    # the counting queries (and the year options count actuals per year either way); with
    # ?fy= the default year's entry round is not looked up (- 1).
    _count(client, url, django_assert_num_queries, QUERIES["overview"] - 1)
    grow(sasebo, 10)
    _count(client, url, django_assert_num_queries, QUERIES["overview"] - 1)


# --- roadmap and indicator page ----------------------------------------------------------------


def test_roadmap_shows_every_step_and_project_with_its_years(client, erin, sasebo):
    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/roadmap/?fy=2023")
    assert page.count('<tr class="project">') == sasebo.projects.count()  # one page at 1×, loose ones last
    assert page.count('<tr class="step">') == sum(m.steps.count() for p in sasebo.basic_policies.all()
                                                  for m in p.measures.all())
    project = sasebo.projects.get(code="観光1-1-6")  # ○ in R4, ⇒ after
    row = page.split(f'/projects/{project.pk}/')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="cell ([^"]*)">([^<]*)</td>', row)
    assert [css.split()[0] if css.strip() else "" for css, _ in cells][:3] == ["", "ph-build", "ph-operate"]
    assert cells[1][1].startswith("○")


def test_roadmap_filters_leading_projects(client, erin, sasebo):
    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/roadmap/?fy=2023&leading=1")
    assert page.count('<tr class="project">') == sasebo.projects.filter(leading=True).count() == 27


def test_indicator_page_draws_planned_and_actual_of_paperless(client, erin, paperless, page_urls):
    client.force_login(erin)
    chart = figure(html(client, page_urls["indicator"]), "chart")
    traces = {trace["meta"]: trace for trace in chart["data"]}
    values = {v.fiscal_year: v for v in paperless.values.all()}
    assert traces["planned"]["y"] == [float(values[fy].planned.number) for fy in range(2021, 2028)]
    assert traces["actual"]["y"][:3] == [float(values[fy].actual.number) for fy in (2021, 2022, 2023)]
    assert traces["actual"]["y"][3:] == [None] * 4
    assert traces["target"]["x"] == [2027] and traces["projection"]["x"] == [2023, 2027]
    assert "expected" not in traces  # Sasebo prints no baseline, so there is no 期待値 line


def test_roadmap_reads_a_ticked_box_and_names_a_leading_value_it_cannot_read(client, erin, sasebo):
    client.force_login(erin)
    page = html(client, "/dashboards/sasebo-dx/roadmap/?fy=2023&leading=on")
    assert page.count('<tr class="project">') == sasebo.projects.filter(leading=True).count() == 27
    page = html(client, "/dashboards/sasebo-dx/roadmap/?fy=2023&leading=xyz")
    assert "xyz" in page and page.count('<tr class="project">') > 27
