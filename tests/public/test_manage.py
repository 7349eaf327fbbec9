"""The DX office's publishing page: the check, publish and withdraw buttons, refusals."""

from public.models import Publication, PublicationStatus
from tests.conftest import PASSWORD
from tests.public.conftest import run_queued_jobs


def _login(client, name):
    assert client.login(username=name, password=PASSWORD)


def test_check_lists_missing_items_before_publishing(client, carol):
    _login(client, "carol")
    response = client.get("/public/manage/sasebo-dx/?fiscal_year=2023")
    body = response.content.decode()
    assert response.status_code == 200
    assert "空欄または未承認の文章" in body  # the demo has no goal texts for 令和5年度
    assert "公開する" in body


def test_check_says_an_open_round_cannot_be_published(client, carol):
    _login(client, "carol")
    body = client.get("/public/manage/sasebo-dx/?fiscal_year=2024").content.decode()
    assert "締め切られていません" in body and "公開する" not in body


def test_publish_and_withdraw_through_the_page(client, carol):
    _login(client, "carol")
    response = client.post("/public/manage/sasebo-dx/publish/", {"fiscal_year": "2023"}, follow=True)
    assert "令和5年度 (2023年度)の公開を始めました" in response.content.decode()
    run_queued_jobs()  # as a worker would (the embedded default: after the commit)
    publication = Publication.objects.get()
    response = client.post(f"/public/manage/sasebo-dx/{publication.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "取り下げの理由を入力してください。" in response.content.decode()
    client.post(f"/public/manage/sasebo-dx/{publication.pk}/withdraw/", {"reason": "誤り"})
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN


def test_bad_year_changes_nothing(client, carol):
    _login(client, "carol")
    response = client.post("/public/manage/sasebo-dx/publish/", {"fiscal_year": "R5"}, follow=True)
    assert "この計画の年度を選んでください。" in response.content.decode()
    assert not Publication.objects.exists()


def test_department_staff_may_not_publish(client, alice):
    _login(client, "alice")
    assert client.get("/public/manage/sasebo-dx/").status_code == 403
    assert client.post("/public/manage/sasebo-dx/publish/", {"fiscal_year": "2023"}).status_code == 403
    assert client.get("/public/manage/sasebo-dx/preview/2023/").status_code == 403
    assert not Publication.objects.exists()


def test_preview_shows_the_public_page_unsaved(client, carol):
    _login(client, "carol")
    response = client.get("/public/manage/sasebo-dx/preview/2023/")
    assert response.status_code == 200 and "プレビュー" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not Publication.objects.exists()


def test_nav_links_the_publishing_index_for_the_dx_office_only(client, carol):
    _login(client, "carol")
    body = client.get("/public/manage/").content.decode()
    assert 'href="/public/manage/sasebo-dx/"' in body
    assert 'href="/public/manage/"' in client.get("/?list=1").content.decode()
    client.logout()
    _login(client, "erin")
    assert client.get("/public/manage/").status_code == 403
    assert 'href="/public/manage/"' not in client.get("/?list=1").content.decode()
