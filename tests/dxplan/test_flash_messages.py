"""Flash messages are styled: the kind as an icon and a word, then the text; errors are alerts.
A submitted row says once, above the grid, that it is locked."""

import re

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.utils import translation

from imports.models import ImportRun
from kpis.models import EntryStatus, YearlyValue


def test_a_success_message_has_an_icon_a_word_and_the_text(client, dave):
    run = ImportRun.objects.create(created_by=dave, file_name="一覧.xlsx", sha256="0" * 64,
                                   status=ImportRun.Status.PREVIEWED)
    client.force_login(dave)
    html = client.post(f"/imports/{run.pk}/cancel/", follow=True).content.decode()
    flash = re.search(r'<div class="flash flash-success" role="status">(.*?)</div>', html, re.S).group(1)
    assert '<span class="flash-icon" aria-hidden="true">✓</span>' in flash
    assert '<span class="flash-kind">完了</span>' in flash and "取り消しました" in flash
    assert '<ul class="messages">' not in html


def test_each_kind_has_its_own_icon_and_word():
    with translation.override("ja"):
        for level, css, icon, word, role in [
            (constants.WARNING, "flash-warning", "!", "注意", "status"),
            (constants.ERROR, "flash-error", "×", "エラー", "alert"),
            (constants.INFO, "flash-info", "i", "お知らせ", "status"),
        ]:
            html = render_to_string("_flash.html", {"message": Message(level, "本文")})
            assert f'class="flash {css}" role="{role}"' in html
            assert f'aria-hidden="true">{icon}</span>' in html and f">{word}</span>" in html and "本文" in html


def test_a_locked_row_is_said_once_above_the_grid(client, alice):
    rows = list(YearlyValue.objects.filter(indicator__strategy__code="sasebo-dx", fiscal_year=2024,
                                           indicator__responsible_department=alice.department)[:3])
    YearlyValue.objects.filter(pk__in=[r.pk for r in rows]).update(status=EntryStatus.SUBMITTED)
    client.force_login(alice)
    html = client.get("/entry/sasebo-dx/2024/").content.decode()
    assert html.count('class="notice locked-note"') == 1
    assert "3行は提出済または承認済のためロックされています" in html
    assert "編集できません" not in html.split('class="notice locked-note"')[1].split("</p>", 1)[1]
