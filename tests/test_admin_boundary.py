"""The Django admin within the municipality boundary (plans.admin_scope), table-driven.

Every admin page with a municipality path is a row of MODELS: Sasebo's administrator (dave)
and Nagasaki's (nora) each open it and must see, pick, open, change and delete nothing of the
other city. A new admin page adds itself (MODELS is read from the admin site). The system
operator (oscar) manages municipalities and accounts and sees no figures of cities it is not
granted; granted, only approved ones, read only.
"""

import datetime

import pytest
from django.contrib import admin
from django.db.models import Q
from django.forms import ModelChoiceField
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRun
from kpis.models import (
    EntryRound,
    EntryRoundEvent,
    EntryStatus,
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
from plans.admin_scope import BoundaryMixin
from plans.models import (
    Category,
    CategoryVocabulary,
    Department,
    DirectoryGroupMapping,
    Municipality,
    Role,
    Step,
    StepStatus,
    StepYear,
    Strategy,
    StrategyPhase,
    User,
)
from projects.models import Project, ProjectYear
from public.models import Publication
from reports.models import ReportJob

CITY_NAMES = {"sasebo": "佐世保市", "nagasaki": "長崎市"}


def _city_paths(model_admin):
    path = model_admin.municipality_path
    return (path,) if isinstance(path, str) else tuple(path)


def _of_city_q(model_admin, code) -> Q:
    """The rows of `code`'s city, found by the admin's own path (…municipality_id → …municipality__code)."""
    q = Q(pk__in=[])
    for path in _city_paths(model_admin):
        q |= Q(**{"code" if path == "pk" else f"{path.removesuffix('_id')}__code": code})
    return q


MODELS = sorted(
    (model for model, model_admin in admin.site._registry.items()
     if isinstance(model_admin, BoundaryMixin) and model_admin.municipality_path not in (None, "pk")),
    key=lambda model: model._meta.label,
)
# viewer, its city, the other city
ADMINS = [("dave", "sasebo", "nagasaki"), ("nora", "nagasaki", "sasebo")]


def _fill(strategy: Strategy, user: User):
    """One row of every admin model in `strategy`'s city (the demo lacks some in Nagasaki)."""
    city = strategy.municipality
    department = Department.objects.filter(municipality=city, parent__isnull=True).order_by("pk").first()
    policy = strategy.basic_policies.order_by("pk").first()
    measure = policy.measures.order_by("pk").first()
    StrategyPhase.objects.get_or_create(strategy=strategy, name="境界テスト期",
                                        defaults={"first_fiscal_year": 2024, "last_fiscal_year": 2026})
    vocabulary, _ = CategoryVocabulary.objects.get_or_create(strategy=strategy, code="boundary",
                                                             defaults={"name": f"{city.name}の分類"})
    Category.objects.get_or_create(vocabulary=vocabulary, code="c1", defaults={"name": f"{city.name}分類1"})
    step, _ = Step.objects.get_or_create(measure=measure, code="B-1", defaults={"title": f"{city.name}のステップ"})
    StepYear.objects.get_or_create(step=step, fiscal_year=2025, defaults={"status": StepStatus.CURRENT})
    project = strategy.projects.order_by("pk").first()
    ProjectYear.objects.get_or_create(project=project, fiscal_year=2030, defaults={"phase": "build"})
    DirectoryGroupMapping.objects.create(group=f"cn=boundary-{city.code}", department=department, role=Role.STAFF)
    value = YearlyValue.objects.filter(indicator__strategy__municipality=city, planned_state=ValueState.NUMBER).first()
    if not TargetRevision.objects.filter(yearly_value__indicator__strategy__municipality=city).exists():
        yearly_value_revise_plan(yearly_value=value, planned="999", reason="境界テスト", user=user)
    ReviewEvent.objects.create(yearly_value=value, stage="department", action="submitted", from_status="draft",
                               to_status="submitted", user=user)
    now = timezone.now()
    entry_round = EntryRound.objects.filter(strategy=strategy).first() or EntryRound.objects.create(
        strategy=strategy, fiscal_year=2025, opens_at=now, deadline=now + datetime.timedelta(days=7))
    EntryRoundEvent.objects.create(entry_round=entry_round, action="closed", user=user)
    ReminderLog.objects.create(entry_round=entry_round, kind="department", sent_on=datetime.date.today(),
                               department=department)
    text = RoundText.objects.filter(strategy=strategy).first() or RoundText.objects.create(
        strategy=strategy, fiscal_year=2025, kind="goal", basic_policy=policy, department=department,
        text=f"{city.name}の目標")
    RoundTextEvent.objects.create(round_text=text, stage="department", action="submitted", from_status="draft",
                                  to_status="submitted", user=user)
    ImportRun.objects.create(created_by=user, strategy=strategy, file_name=f"{city.code}.xlsx", sha256="0" * 64,
                             status="applied")
    ReportJob.objects.create(requested_by=user, strategy=strategy, fiscal_year=2024, as_of="2025-11-01")
    Publication.objects.create(strategy=strategy, fiscal_year=2023, document={}, published_at=now, published_by=user)


@pytest.fixture
def two_cities(db, dave, nora):
    _fill(Strategy.objects.get(code="sasebo-dx"), dave)
    _fill(Strategy.objects.get(code="nagasaki-dx"), nora)
    return {"dave": dave, "nora": nora}


def _info(model):
    return model._meta.app_label, model._meta.model_name


def _change_link(model, pk):
    return reverse("admin:%s_%s_change" % _info(model), args=[pk])


def _other_titles(other):
    return [CITY_NAMES[other], *Strategy.objects.filter(municipality__code=other).values_list("title", flat=True)]


@pytest.mark.parametrize("viewer, own, other", ADMINS)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_city_administrator_lists_only_its_own_citys_rows(client, two_cities, model, viewer, own, other):
    model_admin = admin.site._registry[model]
    client.force_login(two_cities[viewer])
    response = client.get(reverse("admin:%s_%s_changelist" % _info(model)))
    assert response.status_code == 200
    html = response.content.decode()
    theirs = list(model.objects.filter(_of_city_q(model_admin, other)).values_list("pk", flat=True))
    ours = list(model.objects.filter(_of_city_q(model_admin, own)).values_list("pk", flat=True))
    assert theirs, f"no {model.__name__} of {other} to hide"
    shown = set(response.context["cl"].result_list.values_list("pk", flat=True))
    assert shown and shown <= set(ours)
    assert [pk for pk in theirs if _change_link(model, pk) in html] == []
    # Not in a column, a list filter (strategies, departments print their city) or a date bar either.
    assert [title for title in _other_titles(other) if title in html] == []


@pytest.mark.parametrize("viewer, own, other", ADMINS)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_another_citys_row_is_not_found_and_stays(client, two_cities, model, viewer, own, other):
    model_admin = admin.site._registry[model]
    client.force_login(two_cities[viewer])
    row = model.objects.filter(_of_city_q(model_admin, other)).order_by("pk").first()
    before = model.objects.filter(pk=row.pk).values().get()
    info = _info(model)
    for url in (reverse("admin:%s_%s_change" % info, args=[row.pk]),
                reverse("admin:%s_%s_delete" % info, args=[row.pk]),
                reverse("admin:%s_%s_history" % info, args=[row.pk])):
        response = client.get(url)
        # Django's admin sends a missing row to the index with "not found"; history pages answer 404;
        # records nobody deletes here refuse the delete page first (403). Never the row.
        assert response.status_code in (302, 403, 404), url
        assert not (response.context and response.context.get("original") is not None), url  # no page of the row
        if response.status_code == 302:
            assert response.url == reverse("admin:index"), url
    response = client.post(reverse("admin:%s_%s_delete" % info, args=[row.pk]), {"post": "yes"})
    assert response.status_code in (302, 403, 404)
    response = client.post(reverse("admin:%s_%s_changelist" % info),
                           {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert model.objects.filter(pk=row.pk).values().get() == before


def _choice_fields(form):
    return [(name, field) for name, field in form.fields.items() if isinstance(field, ModelChoiceField)]


@pytest.mark.parametrize("viewer, own, other", ADMINS)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_form_choices_hold_no_other_citys_rows(client, rf, two_cities, model, viewer, own, other):
    client.force_login(two_cities[viewer])
    request = rf.get("/")
    request.user = two_cities[viewer]
    model_admin = admin.site._registry[model]
    row = model_admin.get_queryset(request).order_by("pk").first()
    pages = [reverse("admin:%s_%s_change" % _info(model), args=[row.pk])]
    if model_admin.has_add_permission(request):
        pages.append(reverse("admin:%s_%s_add" % _info(model)))
    checked = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        forms = [response.context["adminform"].form]
        forms += [form for inline in response.context["inline_admin_formsets"] for form in inline.formset.forms]
        for form in forms:
            for name, field in _choice_fields(form):
                if name == form._meta.model._meta.pk.name:
                    continue  # an inline row's hidden id: the formset reads its rows from the parent
                target_admin = admin.site._registry.get(field.queryset.model)
                assert isinstance(target_admin, BoundaryMixin), f"{model.__name__}.{name}: choices not scoped"
                if target_admin.municipality_path is None:
                    continue
                leaked = field.queryset.filter(_of_city_q(target_admin, other))
                assert not leaked.exists(), f"{url} {name}: {list(leaked[:3])}"
                checked += 1
    if model in (Indicator, Project, Department, User, DirectoryGroupMapping, Strategy):
        assert checked, f"{model.__name__}: no choice field was checked"


AUTOCOMPLETES = [
    (model, name) for model in MODELS for name in admin.site._registry[model].autocomplete_fields
]


@pytest.mark.parametrize("viewer, own, other", ADMINS)
@pytest.mark.parametrize("model, field_name", AUTOCOMPLETES, ids=lambda v: getattr(v, "__name__", v))
def test_autocomplete_offers_no_other_citys_rows(client, two_cities, model, field_name, viewer, own, other):
    client.force_login(two_cities[viewer])
    app_label, model_name = _info(model)
    response = client.get(reverse("admin:autocomplete"), {"app_label": app_label, "model_name": model_name,
                                                          "field_name": field_name, "term": ""})
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    target = model._meta.get_field(field_name).related_model
    target_admin = admin.site._registry[target]
    assert ids, f"{model.__name__}.{field_name}: offers nothing at all"
    assert not ids & set(target.objects.filter(_of_city_q(target_admin, other)).values_list("pk", flat=True))
    # … and a search for another city's name finds nothing of it.
    response = client.get(reverse("admin:autocomplete"), {"app_label": app_label, "model_name": model_name,
                                                          "field_name": field_name, "term": CITY_NAMES[other]})
    found = {int(result["id"]) for result in response.json()["results"]}
    assert not found & set(target.objects.filter(_of_city_q(target_admin, other)).values_list("pk", flat=True))


# --- saving never places an object in another city ---------------------------------------------


def test_an_indicator_cannot_be_given_another_citys_department(client, dave):
    indicator = Indicator.objects.filter(strategy__code="sasebo-dx", responsible_department__isnull=False).first()
    nagasaki = Department.objects.filter(municipality__code="nagasaki").first()
    client.force_login(dave)
    url = reverse("admin:kpis_indicator_change", args=[indicator.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items() if value is not False}
    data |= {"responsible_department": nagasaki.pk, "values-TOTAL_FORMS": "0", "values-INITIAL_FORMS": "0",
             "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "responsible_department" in response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.responsible_department.municipality.code == "sasebo"


def _new_user(client, **fields):
    data = {"username": "boundary-new", "usable_password": "true", "password1": "a-long-password-4321",
            "password2": "a-long-password-4321", "role": Role.STAFF} | fields
    return client.post(reverse("admin:plans_user_add"), data)


@pytest.mark.parametrize("fields, error", [
    ({"department": "nagasaki-department"}, "department"),
    ({"municipality": "nagasaki", "role": Role.VIEWER}, "municipality"),
    ({"role": Role.OPERATOR}, "role"),
    ({"role": Role.WIDE_AREA}, "role"),
])
def test_a_city_administrator_cannot_place_an_account_elsewhere(client, dave, fields, error):
    values = {"nagasaki-department": Department.objects.filter(municipality__code="nagasaki").first().pk,
              "nagasaki": Municipality.objects.get(code="nagasaki").pk}
    fields = {name: values.get(value, value) for name, value in fields.items()}
    client.force_login(dave)
    response = _new_user(client, **{"municipality": dave.municipality_id, "department": ""} | fields)
    assert response.status_code == 200
    assert error in response.context["adminform"].form.errors
    assert not User.objects.filter(username="boundary-new").exists()


def test_a_city_administrator_adds_an_account_of_its_city_that_is_no_superuser(client, dave):
    client.force_login(dave)
    page = client.get(reverse("admin:plans_user_add"))
    form = page.context["adminform"].form
    assert "granted_municipalities" not in form.fields and "is_superuser" not in form.fields
    assert {value for value, _ in form.fields["role"].choices} == set(Role.values) - {"wide_area", "operator"}
    response = _new_user(client, municipality=dave.municipality_id, role=Role.ADMIN)
    assert response.status_code == 302
    user = User.objects.get(username="boundary-new")
    assert (user.municipality_id, user.role, user.is_superuser, user.is_staff) == (
        dave.municipality_id, Role.ADMIN, False, True)


def test_a_city_administrator_manages_only_its_citys_accounts(client, dave):
    client.force_login(dave)
    listed = {user.username for user in client.get(reverse("admin:plans_user_changelist")).context["cl"].result_list}
    assert {"alice", "carol", "dave", "demo-admin"} <= listed
    assert not listed & {"nora", "nina", "ned", "paula", "oscar", "demo-operator", "demo-pref"}
    for username in ("oscar", "paula", "nora"):
        other = User.objects.get(username=username)
        response = client.post(reverse("admin:plans_user_change", args=[other.pk]),
                               {"username": username, "role": Role.VIEWER, "is_active": ""})
        assert response.status_code in (302, 404)
        assert User.objects.get(pk=other.pk).is_active and User.objects.get(pk=other.pk).role == other.role
        assert client.get(f"/admin/plans/user/{other.pk}/password/").status_code in (302, 404)


def test_a_city_administrator_has_no_municipality_groups_or_tokens_admin(client, dave):
    client.force_login(dave)
    for url in ("/admin/plans/municipality/", "/admin/auth/group/", "/admin/authtoken/tokenproxy/"):
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/").content.decode()
    assert "/admin/plans/municipality/" not in index and "/admin/plans/user/" in index


def test_a_mapping_needs_a_municipality_for_a_city_role(client, oscar):
    client.force_login(oscar)
    response = client.post("/admin/plans/directorygroupmapping/add/",
                           {"group": "cn=viewers", "role": Role.VIEWER, "priority": "10"})
    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    nagasaki = Municipality.objects.get(code="nagasaki")
    response = client.post("/admin/plans/directorygroupmapping/add/",
                           {"group": "cn=viewers", "role": Role.VIEWER, "priority": "10", "municipality": nagasaki.pk})
    assert response.status_code == 302
    assert DirectoryGroupMapping.objects.get(group="cn=viewers").municipality == nagasaki


def test_a_mappings_municipality_is_its_departments(client, dave):
    client.force_login(dave)
    department = Department.objects.get(municipality__code="sasebo", name="DX推進課")
    nagasaki = Municipality.objects.get(code="nagasaki")
    response = client.post("/admin/plans/directorygroupmapping/add/",
                           {"group": "cn=dx", "role": Role.DX_OFFICE, "priority": "5", "department": department.pk,
                            "municipality": nagasaki.pk})
    assert response.status_code == 200  # Nagasaki is no choice of Sasebo's administrator
    assert not DirectoryGroupMapping.objects.exists()
    response = client.post("/admin/plans/directorygroupmapping/add/",
                           {"group": "cn=dx", "role": Role.DX_OFFICE, "priority": "5", "department": department.pk})
    assert response.status_code == 302
    assert DirectoryGroupMapping.objects.get().municipality.code == "sasebo"


# --- the system operator -------------------------------------------------------------------------

FIGURES = [YearlyValue, TargetRevision, ReviewEvent, RoundText, RoundTextEvent]


def _listed(client, model):
    response = client.get(reverse("admin:%s_%s_changelist" % _info(model)))
    assert response.status_code == 200, model
    return response.context["cl"]


def test_the_operator_manages_municipalities_and_accounts(client, oscar):
    client.force_login(oscar)
    assert {m.code for m in _listed(client, Municipality).result_list} >= {"sasebo", "nagasaki", "miyakonojo"}
    users = {user.username for user in _listed(client, User).queryset}
    assert {"dave", "nora", "paula", "oscar"} <= users
    page = client.get(reverse("admin:plans_user_change", args=[User.objects.get(username="paula").pk]))
    assert "granted_municipalities" in page.context["adminform"].form.fields
    assert "operator" in {value for value, _ in page.context["adminform"].form.fields["role"].choices}


@pytest.mark.parametrize("model", FIGURES + [Indicator, Strategy], ids=lambda model: model.__name__)
def test_the_operator_sees_no_figures_of_cities_it_is_not_granted(client, two_cities, oscar, model):
    client.force_login(oscar)
    assert _listed(client, model).result_count == 0


def test_granted_a_city_the_operator_reads_its_approved_values_only_and_changes_nothing(client, oscar):
    nagasaki = Municipality.objects.get(code="nagasaki")
    oscar.granted_municipalities.set([nagasaki])
    values = YearlyValue.objects.filter(indicator__strategy__municipality=nagasaki)
    approved = values.first()
    YearlyValue.objects.filter(pk=approved.pk).update(status=EntryStatus.APPROVED)
    client.force_login(oscar)
    shown = set(_listed(client, YearlyValue).result_list.values_list("pk", flat=True))
    assert shown == {approved.pk}
    assert _listed(client, Strategy).result_count == Strategy.objects.filter(municipality=nagasaki).count()
    assert _listed(client, Indicator).result_count > 0
    response = client.post(reverse("admin:kpis_yearlyvalue_change", args=[approved.pk]), {"comment": "運用者"})
    assert response.status_code == 403
    assert YearlyValue.objects.get(pk=approved.pk).comment != "運用者"
    assert client.get(reverse("admin:reports_reportjob_changelist")).status_code == 403


def test_the_operator_creates_a_citys_administrator_and_grants_a_viewer_cities(client, oscar):
    client.force_login(oscar)
    miyakonojo = Municipality.objects.get(code="miyakonojo")
    response = _new_user(client, username="miyakonojo-admin", municipality=miyakonojo.pk, department="",
                         role=Role.ADMIN)
    assert response.status_code == 302
    created = User.objects.get(username="miyakonojo-admin")
    assert (created.municipality, created.role, created.is_staff, created.is_superuser) == (
        miyakonojo, Role.ADMIN, True, False)
    response = _new_user(client, username="kyushu-viewer", municipality="", department="", role=Role.WIDE_AREA,
                         granted_municipalities=[miyakonojo.pk])
    assert response.status_code == 302
    viewer = User.objects.get(username="kyushu-viewer")
    assert (viewer.municipality, list(viewer.granted_municipalities.all())) == (None, [miyakonojo])
