"""A checked preview has a 取消 (cancel) button, is cancelled once left unconfirmed for
PREVIEW_EXPIRES_AFTER_HOURS, and names its strategy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from imports import services
from imports.limits import PREVIEW_EXPIRES_AFTER_HOURS
from imports.models import ImportRun

pytestmark = pytest.mark.django_db


def _previewed(**fields):
    return ImportRun.objects.create(file_name="一覧.xlsx", sha256="0" * 64, status=ImportRun.Status.PREVIEWED,
                                    strategy_code="sasebo-dx",
                                    preview={"strategy_code": "sasebo-dx", "strategy_title": "佐世保市DX戦略",
                                             "strategy_exists": True}, **fields)


def test_the_preview_shows_its_strategy_and_a_cancel_button(client, dave):
    run = _previewed()
    client.force_login(dave)
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "佐世保市DX戦略 (sasebo-dx)" in html
    assert f'action="/imports/{run.pk}/cancel/"' in html and ">取消</button>" in html


def test_cancel_marks_it_cancelled_and_it_cannot_be_confirmed(client, dave):
    run = _previewed()
    client.force_login(dave)
    response = client.post(f"/imports/{run.pk}/cancel/", follow=True)
    html = response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert "「一覧.xlsx」の取込を取り消しました" in html and "確認済（確定待ち）" not in html
    assert ">取消</button>" not in html
    client.post(f"/imports/{run.pk}/confirm/", {})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED  # nothing to confirm any more


def test_cancel_needs_post_and_an_administrator(client, dave, carol):
    run = _previewed()
    client.force_login(carol)
    assert client.post(f"/imports/{run.pk}/cancel/").status_code == 403
    client.force_login(dave)
    assert client.get(f"/imports/{run.pk}/cancel/").status_code == 405
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED


def test_an_abandoned_preview_expires_on_reading(client, dave, django_assert_num_queries):
    old, fresh = _previewed(), _previewed()
    ImportRun.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(hours=PREVIEW_EXPIRES_AFTER_HOURS, minutes=1))
    with django_assert_num_queries(1):  # one UPDATE of the stale previews
        assert services.import_runs_expire() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (ImportRun.Status.CANCELLED, ImportRun.Status.PREVIEWED)
    client.force_login(dave)
    html = client.get(f"/imports/{old.pk}/").content.decode()
    assert f"{PREVIEW_EXPIRES_AFTER_HOURS}時間以内に確定されなかったため取り消しました" in html
