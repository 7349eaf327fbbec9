"""The dashboards' count cache (reports.dashboards.cache) never shows figures older than the
last committed write, whichever way the write was made, and never shares figures between
users who may see different actuals.

These tests commit for real (transactional database), because the cache is used only
outside transactions and replaces its data version when a write commits.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from kpis.models import EntryStatus, YearlyValue
from plans.models import User
from reports.dashboards import cache as dashboard_cache

pytestmark = pytest.mark.django_db(transaction=True)
OVERVIEW = "/dashboards/sasebo-dx/?fy=2023"


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import _create_named_users

    call_command("load_demo", verbosity=0)
    _create_named_users()


@pytest.fixture
def cached():
    with override_settings(DXPLAN_DASHBOARD_CACHE=True):
        dashboard_cache.new_version()
        yield


def _get(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())  # new per response


def _figures(page: str) -> tuple:
    """The overview's totals and its grade table, enough to see any count change."""
    total = re.search(r'data-total="(\d+)" data-hidden="(\d+)"', page).groups()
    cells = re.findall(r'<td class="num">(\d+)</td>', page)
    return total, tuple(cells)


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "kpis_yearlyvalue" ("indicator_id") VALUES (%s)', True),
        ('UPDATE "plans_project" SET "leading" = true', True),
        ('DELETE FROM "projects_projectyear" WHERE "id" = 1', True),
        ('insert into kpis_yearlyvalue (id) values (%s)', True),
        ('INSERT INTO "kpis_historicalyearlyvalue" ("id") VALUES (%s)', False),
        ('UPDATE "plans_user" SET "last_login" = %s WHERE "id" = %s', False),
        ('TRUNCATE "auth_group", "kpis_yearlyvalue"', True),
        ('SELECT * FROM "kpis_yearlyvalue"', False),
        ('UPDATE "django_session" SET "expire_date" = now()', False),
    ],
)
def test_writes_to_the_plan_tables_are_recognised(sql, watched):
    assert dashboard_cache.touches_plan(sql) is watched


def test_a_repeated_request_is_served_from_the_cache(demo, cached, client):
    client.force_login(User.objects.get(username="carol"))
    first = _get(client)

    with CaptureQueriesContext(connection) as cold:
        dashboard_cache.new_version()
        assert _get(client) == first
    with CaptureQueriesContext(connection) as warm:
        assert _get(client) == first
    assert len(warm) <= len(cold) - 5  # the counting queries are not run again


def test_every_kind_of_committed_write_shows_at_once(demo, cached, client):
    client.force_login(User.objects.get(username="carol"))
    rows = YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2023, rate__isnull=False)
    before = _figures(_get(client))

    # A model save (the services' way).
    value = rows.select_related("indicator").order_by("pk").first()
    value.actual_number, value.actual_state = None, "empty"
    value.actual_places = 0
    value.save()
    after_save = _figures(_get(client))
    assert after_save != before

    # A bulk update in a transaction, committed.
    with transaction.atomic():
        YearlyValue.objects.filter(pk__in=list(rows.order_by("pk").values_list("pk", flat=True)[:5])).update(rate=None)
    after_update = _figures(_get(client))
    assert after_update != after_save

    # Raw SQL, many rows at once (as a bulk import writes).
    pks = list(rows.order_by("pk").values_list("pk", flat=True)[:5])
    with connection.cursor() as cursor:
        cursor.executemany('UPDATE "kpis_yearlyvalue" SET "rate" = %s WHERE "id" = %s', [(0, pk) for pk in pks])
    after_raw = _figures(_get(client))
    assert after_raw != after_update

    # Deleting values.
    rows.filter(pk__in=pks).delete()
    assert _figures(_get(client)) != after_raw


def test_a_write_rolled_back_changes_nothing_and_transactions_bypass_the_cache(demo, cached, client):
    client.force_login(User.objects.get(username="carol"))
    before = _get(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2023).update(rate=None)
        inside = []
        dashboard_cache.remember("probe", (1,), lambda: inside.append(1))
        dashboard_cache.remember("probe", (1,), lambda: inside.append(1))
        assert inside == [1, 1]  # computed each time: uncommitted rows are never cached
        raise RuntimeError
    assert _get(client) == before


def test_users_who_see_different_actuals_do_not_share_figures(demo, cached, client):
    # Hide some 2022 and 2023 actuals of 観光商工部 from everyone outside it and the DX office.
    YearlyValue.objects.filter(
        indicator__strategy__code="sasebo-dx", fiscal_year__in=[2022, 2023], rate__isnull=False,
        indicator__responsible_department__name="観光商工部",
    ).update(status=EntryStatus.SUBMITTED)
    hidden = {}
    for username in ("carol", "alice", "frank", "erin", "carol", "frank"):
        client.force_login(User.objects.get(username=username))
        page = _get(client)
        with override_settings(DXPLAN_DASHBOARD_CACHE=False):
            assert _get(client) == page, username  # cached figures are this user's own
        total, _cells = _figures(page)
        hidden.setdefault(username, set()).add(int(total[1]))
    assert hidden["carol"] == {0} and hidden["alice"] == {0}  # the DX office; the owning department
    assert hidden["frank"] == hidden["erin"] and min(hidden["frank"]) > 0


def test_a_save_in_one_plan_keeps_the_other_plans_counts(demo, cached):
    from kpis import workflow
    from plans.models import Strategy

    sasebo = Strategy.objects.get(code="sasebo-dx")
    other = Strategy.objects.exclude(pk=sasebo.pk).first()
    computed = []

    def counts():
        for strategy in (sasebo, other):
            dashboard_cache.remember("probe", (strategy.pk,), lambda s=strategy: computed.append(s.code),
                                     strategy_id=strategy.pk)

    counts()
    counts()
    assert computed == [sasebo.code, other.code]  # the second time from the cache

    # A save through the entry round in Sasebo (it commits): Sasebo's counts only are renewed.
    row = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2024, status=EntryStatus.NOT_ENTERED,
                                     indicator__responsible_department__name="観光商工部").order_by("pk").first()
    workflow.entry_save(user=User.objects.get(username="alice"), yearly_value=row, actual="5", comment="",
                        expected_version=row.version)
    counts()
    assert computed == [sasebo.code, other.code, sasebo.code]

    # A write outside the round's services (no plan named) renews every plan's counts.
    YearlyValue.objects.filter(pk=row.pk).update(rate=None)
    counts()
    assert computed == [sasebo.code, other.code, sasebo.code, sasebo.code, other.code]
