"""Password rules for local accounts: 12 characters or more, not like the user name, not common,
not all digits; the messages are Japanese (Django's own validators and their translations)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from plans.models import User


def _messages(password, user=None):
    with translation.override("ja"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Kj8#mq2!Zp4", "最低 12 文字以上必要です"),  # 11 characters: Django's default of 8 allowed it
        ("password1234", "一般的すぎます"),
        ("824719365027", "数字しか使われていません"),
    ],
)
def test_weak_passwords_are_refused_in_japanese(password, expected):
    assert expected in _messages(password)


def test_a_password_like_the_user_name_is_refused():
    user = User(username="kanko-tarou", first_name="Tarou")
    assert "ユーザー名 と似すぎています" in _messages("kanko-tarou1", user)


def test_a_long_unusual_password_passes():
    assert _messages("Minato-Sasebo-Kujukushima-7") == ""


def test_the_admin_password_form_applies_the_rules(client, dave, erin):
    client.force_login(dave)
    response = client.post(
        f"/admin/plans/user/{erin.pk}/password/", {"password1": "short-pw-1", "password2": "short-pw-1"}
    )

    assert response.status_code == 200
    assert "最低 12 文字以上必要です" in response.content.decode()
    erin.refresh_from_db()
    assert not erin.check_password("short-pw-1")
