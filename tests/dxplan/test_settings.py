"""Settings read the environment through typed helpers that fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dxplan import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DXPLAN_TEST_FLAG", raw)
    assert env.env_bool("DXPLAN_TEST_FLAG", default=not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("DXPLAN_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DXPLAN_TEST_FLAG='maybe'"):
        env.env_bool("DXPLAN_TEST_FLAG", default=False)


def test_env_int_refuses_text_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("DXPLAN_TEST_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env.env_int("DXPLAN_TEST_INT", 1)
    monkeypatch.setenv("DXPLAN_TEST_INT", "-1")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env.env_int("DXPLAN_TEST_INT", 1, minimum=0)


def test_env_choice_and_required(monkeypatch):
    monkeypatch.setenv("DXPLAN_TEST_CHOICE", "staging")
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env.env_choice("DXPLAN_TEST_CHOICE", "local", ("local", "production"))
    monkeypatch.delenv("DXPLAN_TEST_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DXPLAN_TEST_REQUIRED is required"):
        env.env_str("DXPLAN_TEST_REQUIRED", required=True)


def _manage(*args, **environ):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DXPLAN_", "DATABASE_URL"))}
    clean.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_profile_passes_check_deploy_without_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DXPLAN_PROFILE="production",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "-production-secret-key-for-the-test-0123456789",
        DJANGO_ALLOWED_HOSTS="dxplan.example.jp",
        DXPLAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_its_secrets(tmp_path):
    result = _manage("check", DXPLAN_PROFILE="production", DXPLAN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_local_default_is_sqlite_in_process_celery_and_console_mail(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dxplan.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG, s.LANGUAGE_CODE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DXPLAN_", "DATABASE_URL", "CELERY_", "REDIS_URL", "EMAIL_"))}
    clean["DXPLAN_VAR_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "ja",
    ]


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[:2] == ["ok", "database: ok"]


def test_real_parts_are_in_use_when_required():
    """CI sets DXPLAN_REQUIRE_REAL_PARTS: then the suite must be on PostgreSQL and Redis."""
    if not os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"):
        pytest.skip("DXPLAN_REQUIRE_REAL_PARTS is not set (embedded default run)")
    import redis
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping() is True


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "30"),
        ({"DXPLAN_REPORT_HEARTBEAT_SECONDS": "7"}, "7"),  # the older name keeps working
        ({"DXPLAN_REPORT_HEARTBEAT_SECONDS": "7", "DXPLAN_HEARTBEAT_SECONDS": "9"}, "9"),
    ],
)
def test_heartbeat_seconds_reads_the_new_and_the_older_name(tmp_path, environ, expected):
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DXPLAN_HEARTBEAT_SECONDS)",
                     DXPLAN_VAR_DIR=str(tmp_path), **environ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(("url", "environ", "expected"), [
    ("sqlite:///{tmp}/db.sqlite3", {}, "0 True"),
    ("postgres://postgres@127.0.0.1:5432/dxplan", {}, "60 True"),
    ("postgres://postgres@127.0.0.1:5432/dxplan", {"DATABASE_CONN_MAX_AGE": "0",
                                                     "DATABASE_CONN_HEALTH_CHECKS": "off"}, "0 False"),
])
def test_server_databases_keep_their_connections_checked(tmp_path, url, environ, expected):
    """Issue 16: a new PostgreSQL connection per request was 15–17 % of a save's time."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dxplan.settings'; django.setup();"
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DXPLAN_", "DATABASE_"))}
    clean.update(DXPLAN_VAR_DIR=str(tmp_path), DATABASE_URL=url.format(tmp=tmp_path), **environ)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
