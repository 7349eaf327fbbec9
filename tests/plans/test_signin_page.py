"""The login page's messages for local accounts (the directory's own are in test_signin_directory.py)."""

GENERIC = "ユーザー名またはパスワードが正しくありません。もう一度入力してください。"


def test_a_wrong_local_password_gets_the_generic_message(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "not-her-password"})

    assert response.status_code == 200
    assert GENERIC in response.content.decode()


def test_a_missing_password_gets_the_generic_message_too(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": ""})

    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
