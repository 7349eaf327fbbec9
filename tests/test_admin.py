"""The admin: every model's pages render at a query count independent of the data size,
only staff get in, and a set target changes only through a recorded revision."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportRun
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    Indicator,
    ReminderLog,
    ReviewEvent,
    RoundText,
    RoundTextEvent,
    TargetRevision,
    ValueState,
    YearlyValue,
)
from kpis.services import yearly_value_revise_plan
from plans.models import DirectoryGroupMapping, Municipality, Role, Step, StepStatus, StepYear, StrategyPhase
from tests.factories import grow

APPS = ("plans", "projects", "kpis")
# A page's queries: session, user, the rows, counts, list-filter choices, autocomplete
# labels, one per inline (13 at most today). What matters most: it does not grow with the data.
MAX_QUERIES = 15


def _our_models():
    return [model for app in APPS for model in apps.get_app_config(app).get_models() if not model.__name__.startswith("Historical")]


def test_every_model_is_registered():
    assert [m for m in _our_models() if not admin.site.is_registered(m)] == []


# Municipalities are the system operator's (plans.admin_scope): dave, Sasebo's administrator, is refused.
OPERATOR_ONLY = {Municipality}


def _in_reach(rf, user, model):
    """The rows `user` may open in the admin (its city's), as the admin's own queryset gives them."""
    request = rf.get("/")
    request.user = user
    return admin.site._registry[model].get_queryset(request)


def _urls(rf, dave):
    urls = []
    for model in _our_models():
        if model in OPERATOR_ONLY:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        # The oldest row of dave's city: rows added by grow() come after it, and may land in its inlines.
        obj = _in_reach(rf, dave, model).order_by("pk").first()
        assert obj is not None, f"no {model.__name__} to open"
        urls += [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_change" % info, args=[obj.pk])]
    return urls


MADE_BY_SERVICES = {TargetRevision, EntryRound, EntryRoundEvent, ReviewEvent, ReminderLog, ImportRun, RoundText,
                    RoundTextEvent}


def _add_rows_the_demo_lacks(sasebo, user):
    if not TargetRevision.objects.filter(yearly_value__indicator__strategy=sasebo).exists():
        value = YearlyValue.objects.filter(indicator__strategy=sasebo, planned_state=ValueState.NUMBER).first()
        yearly_value_revise_plan(yearly_value=value, planned="99", reason="test", user=user)
    if not StrategyPhase.objects.filter(strategy=sasebo).exists():
        StrategyPhase.objects.create(strategy=sasebo, name="第1期", first_fiscal_year=sasebo.first_fiscal_year,
                                     last_fiscal_year=sasebo.first_fiscal_year + 2)
    if not StepYear.objects.filter(step__measure__basic_policy__strategy=sasebo).exists():
        step = Step.objects.filter(measure__basic_policy__strategy=sasebo).first()
        StepYear.objects.create(step=step, fiscal_year=2025, status=StepStatus.CURRENT)
    entry_round = EntryRound.objects.filter(strategy=sasebo).first()
    if not EntryRoundEvent.objects.filter(entry_round__strategy=sasebo).exists():
        EntryRoundEvent.objects.create(entry_round=entry_round, action="closed", user=user)
    if not ReviewEvent.objects.filter(yearly_value__indicator__strategy=sasebo).exists():
        ReviewEvent.objects.create(
            yearly_value=YearlyValue.objects.filter(indicator__strategy=sasebo).first(),
            stage="department", action="submitted", from_status="draft", to_status="submitted", user=user,
        )
    if not RoundTextEvent.objects.filter(round_text__strategy=sasebo).exists():
        RoundTextEvent.objects.create(
            round_text=RoundText.objects.filter(strategy=sasebo).first(),
            stage="department", action="submitted", from_status="draft", to_status="submitted", user=user,
        )
    if not ImportRun.objects.filter(strategy=sasebo).exists():
        ImportRun.objects.create(created_by=user, strategy=sasebo, file_name="plan.xlsx", sha256="0" * 64,
                                 status="applied")
    if not ReminderLog.objects.filter(entry_round__strategy=sasebo).exists():
        ReminderLog.objects.create(entry_round=entry_round, kind="summary", sent_on=datetime.date.today())
    if not DirectoryGroupMapping.objects.filter(municipality=sasebo.municipality).exists():
        DirectoryGroupMapping.objects.create(group="観光課", department=user.department or sasebo.municipality
                                             .departments.first(), role=Role.STAFF)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_pages_cost_the_same_queries_at_two_sizes(client, rf, dave, sasebo):
    client.force_login(dave)
    _add_rows_the_demo_lacks(sasebo, dave)
    urls = _urls(rf, dave)
    for url in urls:  # warm per-process caches (content types) so both passes see the same
        client.get(url)
    small = {url: _count_queries(client, url) for url in urls}
    grow(sasebo, factor=10)
    large = {url: _count_queries(client, url) for url in urls}
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small


def test_add_pages_render(client, dave):
    client.force_login(dave)
    for model in _our_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        # Revisions and the entry round's records are only made by the services.
        refused = model in MADE_BY_SERVICES or model in OPERATOR_ONLY
        assert client.get(url).status_code == (403 if refused else 200), url


def test_non_staff_are_sent_to_the_admin_login(client, alice):
    client.force_login(alice)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def _change_data(value: YearlyValue, **changes) -> dict:
    data = {
        "indicator": value.indicator_id,
        "fiscal_year": value.fiscal_year,
        "planned_value": value.planned.display(),
        "actual_value": value.actual.display(),
        "comment": value.comment,
        "note": value.note,
        "revised_planned": "",
        "revision_reason": "",
        # The read-only revisions inline still posts a management form.
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
    }
    return data | changes


@pytest.fixture
def set_value(sasebo):
    return YearlyValue.objects.filter(indicator__strategy=sasebo, planned_state=ValueState.NUMBER).first()


def test_a_set_target_ignores_plain_edits(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    before = set_value.planned
    response = client.post(url, _change_data(set_value, planned_value="12345", comment="見直し"))
    assert response.status_code == 302
    set_value.refresh_from_db()
    assert set_value.planned == before
    assert set_value.comment == "見直し"
    assert not TargetRevision.objects.filter(yearly_value=set_value).exists()


def test_revising_a_target_needs_a_reason(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    response = client.post(url, _change_data(set_value, revised_planned="12345"))
    assert response.status_code == 200
    assert "revision_reason" in response.context["adminform"].form.errors
    assert not TargetRevision.objects.filter(yearly_value=set_value).exists()


def test_revising_a_target_records_the_revision(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    old = set_value.planned
    response = client.post(url, _change_data(set_value, revised_planned="12,345.5", revision_reason="市場の変化"))
    assert response.status_code == 302
    revision = TargetRevision.objects.get(yearly_value=set_value)
    assert (revision.old, revision.new.display(), revision.reason, revision.revised_by) == (
        old, "12,345.5", "市場の変化", dave,
    )
    set_value.refresh_from_db()
    assert set_value.planned.display() == "12,345.5"


def test_an_unparsable_value_is_a_form_error(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    response = client.post(url, _change_data(set_value, actual_value="1" * 20))
    assert response.status_code == 200
    assert "actual_value" in response.context["adminform"].form.errors


def test_yearly_value_list_shows_rate_and_grade(client, dave, sasebo):
    # ペーパーレス度 (lower is better), R5: planned 85.0, actual 81.7 → 85.0 / 81.7 = 104.0 % → A.
    value = YearlyValue.objects.get(indicator__strategy=sasebo, indicator__name__startswith="ペーパーレス度", fiscal_year=2023)
    client.force_login(dave)
    response = client.get(reverse("admin:kpis_yearlyvalue_changelist"), {"q": "ペーパーレス度", "fiscal_year": 2023})
    html = response.content.decode()
    assert str(value.indicator) in html
    assert "104.0%" in html


# --- the admin writes yearly values through kpis.services -----------------------------------


def test_a_correction_in_the_admin_is_a_new_version_under_its_author(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    version, history = set_value.version, set_value.history.count()
    response = client.post(url, _change_data(set_value, actual_value="－", comment="該当なしに訂正"))
    assert response.status_code == 302
    set_value.refresh_from_db()
    assert (set_value.actual.display(), set_value.comment, set_value.version) == ("－", "該当なしに訂正", version + 1)
    assert (set_value.updated_by, set_value.rate) == (dave, None)
    assert set_value.history.count() == history + 1 and set_value.history.first().history_user == dave


def test_an_unchanged_admin_save_writes_nothing(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    version, history = set_value.version, set_value.history.count()
    assert client.post(url, _change_data(set_value)).status_code == 302
    set_value.refresh_from_db()
    assert (set_value.version, set_value.history.count()) == (version, history)


def test_a_stored_row_keeps_its_indicator_and_fiscal_year(client, dave, set_value):
    client.force_login(dave)
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    before = (set_value.indicator_id, set_value.fiscal_year)
    other = YearlyValue.objects.exclude(indicator=set_value.indicator).first().indicator_id
    response = client.post(url, _change_data(set_value, indicator=other, fiscal_year=2040, comment="移動?"))
    assert response.status_code == 302
    set_value.refresh_from_db()
    assert (set_value.indicator_id, set_value.fiscal_year, set_value.comment) == (*before, "移動?")


def test_a_value_added_in_the_admin_is_set_by_the_service(client, dave, set_value):
    client.force_login(dave)
    indicator = set_value.indicator
    year = indicator.strategy.last_fiscal_year + 1
    YearlyValue.objects.filter(indicator=indicator, fiscal_year=year).delete()
    data = _change_data(set_value, fiscal_year=year, planned_value="40", actual_value="30.0", comment="追加")
    response = client.post(reverse("admin:kpis_yearlyvalue_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    added = YearlyValue.objects.get(indicator=indicator, fiscal_year=year)
    assert (added.planned.display(), added.actual.display(), added.comment) == ("40", "30.0", "追加")
    assert (added.rate, added.updated_by, added.history.first().history_user) == (Decimal("75.0"), dave, dave)
    assert response.url == reverse("admin:kpis_yearlyvalue_changelist")


def test_a_fiscal_year_outside_the_plan_is_a_form_error(client, dave, set_value):
    client.force_login(dave)
    data = _change_data(set_value, fiscal_year=set_value.indicator.strategy.last_fiscal_year + 6)
    response = client.post(reverse("admin:kpis_yearlyvalue_add"), data)
    assert response.status_code == 200
    assert "fiscal_year" in response.context["adminform"].form.errors


@pytest.mark.parametrize("language, message", [
    ("ja", "数値が大きすぎます。整数部は14桁までです。"),
    ("en", "The number is too large: at most 14 digits before the decimal point."),
])
def test_a_value_beyond_the_limits_says_why_in_the_users_language(client, dave, set_value, language, message):
    client.force_login(dave)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    before = set_value.actual
    url = reverse("admin:kpis_yearlyvalue_change", args=[set_value.pk])
    response = client.post(url, _change_data(set_value, actual_value="1" * 15))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["actual_value"] == [message]
    set_value.refresh_from_db()
    assert set_value.actual == before


def _indicator_form(rf, user, indicator, **changes):
    model_admin = admin.site._registry[Indicator]
    request = rf.post("/")
    request.user = user
    form_class = model_admin.get_form(request, indicator, change=True)
    shown = form_class(instance=indicator)
    data = {name: shown[name].value() for name in shown.fields}
    data = {name: "" if value is None else value for name, value in data.items() if value is not False}
    return form_class(data=data | changes, instance=indicator)


def test_the_admin_keeps_the_decimals_of_a_baseline_and_target(rf, nora):
    # 長崎市 H's outcome indicators print their baselines with a decimal (e.g. 75.0): Nagasaki's administrator.
    indicator = Indicator.objects.filter(baseline_value__isnull=False, baseline_places__gt=0).first()
    assert indicator.strategy.municipality.code == "nagasaki"
    unchanged = indicator.baseline.display()
    assert "." in unchanged
    form = _indicator_form(rf, nora, indicator)
    assert form.is_valid(), form.errors
    form.save()
    indicator.refresh_from_db()
    assert indicator.baseline.display() == unchanged  # not 75.000000, not 75

    form = _indicator_form(rf, nora, indicator, baseline_value="75.55", target_value="80")
    assert form.is_valid(), form.errors
    form.save()
    indicator.refresh_from_db()
    assert (indicator.baseline.display(), indicator.target.display()) == ("75.55", "80")
