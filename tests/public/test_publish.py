"""Publishing and withdrawing: who may, which years, corrections, and the frozen snapshot."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kpis.models import EntryRound, EntryStatus, YearlyValue
from plans.models import Role, User
from public.models import Publication, PublicationStatus
from public.services import publication_publish, publication_withdraw, year_refusal
from tests.factories import small_round


def test_dx_office_publishes_a_past_year_without_a_round(published, carol):
    assert published.status == PublicationStatus.PUBLISHED
    assert published.published_by == carol
    assert published.licence == "CC BY 4.0"
    doc = published.document
    assert doc["fiscal_year"] == 2023 and doc["strategy"]["code"] == "sasebo-dx"
    assert doc["labels"]["basic_policy"]  # the plan's own level names
    assert len(doc["policies"]) == 12
    first = doc["policies"][0]["indicators"][0]
    assert first["name"] == "データを活用した事業立案数" and first["path"] == ["01-01", "1"]
    r5 = next(v for v in first["values"] if v["fiscal_year"] == 2023)
    assert r5["actual"]["number"] == "7" and first["grade"] == "A"


@pytest.mark.parametrize("name", ["alice", "bob", "erin", "frank"])
def test_only_dx_office_and_admins_publish(request, sasebo, name):
    with pytest.raises(PermissionDenied):
        publication_publish(user=request.getfixturevalue(name), strategy=sasebo, fiscal_year=2023)
    assert not Publication.objects.exists()


def test_admin_publishes(dave, sasebo):
    assert publication_publish(user=dave, strategy=sasebo, fiscal_year=2023).published_by == dave


def test_an_open_round_is_refused_until_closed(carol, sasebo):
    # The demo's 令和6年度 round is open.
    with pytest.raises(ValidationError, match="締め切られていません"):
        publication_publish(user=carol, strategy=sasebo, fiscal_year=2024)
    EntryRound.objects.filter(strategy=sasebo, fiscal_year=2024).update(closed_at=timezone.now())
    assert publication_publish(user=carol, strategy=sasebo, fiscal_year=2024).fiscal_year == 2024


def test_a_year_not_over_without_a_round_is_refused(sasebo):
    assert "まだ終わっておらず" in year_refusal(strategy=sasebo, fiscal_year=2025, today=datetime.date(2026, 3, 31))
    assert year_refusal(strategy=sasebo, fiscal_year=2025, today=datetime.date(2026, 4, 1)) is None
    assert "この計画の年度ではありません" in year_refusal(strategy=sasebo, fiscal_year=2040)


def test_a_correction_needs_a_reason_and_replaces_the_publication(published, carol, sasebo):
    with pytest.raises(ValidationError, match="訂正の理由を入力してください"):
        publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)
    corrected = publication_publish(user=carol, strategy=sasebo, fiscal_year=2023, reason="数値の誤り")
    published.refresh_from_db()
    assert published.status == PublicationStatus.WITHDRAWN and published.withdrawn_reason == "数値の誤り"
    assert corrected.replaces == published and corrected.is_published


def test_withdraw_needs_a_reason_and_happens_once(published, carol, alice):
    with pytest.raises(ValidationError):
        publication_withdraw(user=carol, publication=published, reason="  ")
    with pytest.raises(PermissionDenied):
        publication_withdraw(user=alice, publication=published, reason="x")
    publication_withdraw(user=carol, publication=published, reason="誤り")
    with pytest.raises(ValidationError, match="すでに取り下げられています"):
        publication_withdraw(user=carol, publication=published, reason="again")
    published.refresh_from_db()
    assert published.withdrawn_reason == "誤り" and published.withdrawn_by == carol


def test_the_snapshot_prints_only_approved_actuals_and_no_later_years(carol, sasebo):
    value = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023,
                                       status=EntryStatus.APPROVED, actual_number=7).first()
    # Re-entered after approval (a draft): the approved version from the history is published.
    YearlyValue.objects.filter(pk=value.pk).update(actual_number=987654321, status=EntryStatus.DRAFT)
    # An approved actual of the next year belongs to the next publication.
    later = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2024).first()
    YearlyValue.objects.filter(pk=later.pk).update(actual_state="number", actual_number=123454321,
                                                   status=EntryStatus.APPROVED)
    text = str(publication_publish(user=carol, strategy=sasebo, fiscal_year=2023).document)
    assert "987654321" not in text and "123454321" not in text


def test_later_edits_do_not_change_a_publication(published, sasebo, client):
    before = client.get("/public/sasebo/sasebo-dx/2023/open-data.csv").content
    YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=2023, actual_state="number").update(
        actual_number=555444333)
    after = client.get("/public/sasebo/sasebo-dx/2023/open-data.csv").content
    assert after == before and b"555444333" not in after


def test_one_published_publication_per_year_in_the_database(published):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(strategy=published.strategy, fiscal_year=2023, document={},
                                   published_at=timezone.now())


def test_small_round_closed_year_publishes(db):
    setup = small_round("pubtest", "公開市", fiscal_year=2024)
    EntryRound.objects.filter(pk=setup.entry_round.pk).update(closed_at=timezone.now())
    # The city's own DX office publishes (Sasebo's may not: plans.boundary).
    dx = User.objects.create_user("pubtest-dx", role=Role.DX_OFFICE, department=setup.department)
    publication = publication_publish(user=dx, strategy=setup.strategy, fiscal_year=2024)
    assert publication.document["policies"][0]["indicators"][0]["name"] == "公開の指標"


def test_too_long_licence_or_reason_changes_nothing(carol, sasebo):
    with pytest.raises(ValidationError, match="ライセンスが長すぎます"):
        publication_publish(user=carol, strategy=sasebo, fiscal_year=2023, licence="x" * 101)
    assert not Publication.objects.exists()
    publication = publication_publish(user=carol, strategy=sasebo, fiscal_year=2023, licence="CC0 1.0")
    assert publication.licence == publication.document["licence"] == "CC0 1.0"
    with pytest.raises(ValidationError, match="理由が長すぎます"):
        publication_withdraw(user=carol, publication=publication, reason="x" * 2001)
    publication.refresh_from_db()
    assert publication.is_published
