"""Sign-in settings come from DXPLAN_* variables through dxplan/env.py: off when unset, loud when wrong."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, dxplan.settings as s; print(json.dumps({'ldap': s.DXPLAN_LDAP, 'middleware': s.MIDDLEWARE, "
    "'limit': s.AXES_FAILURE_LIMIT, 'cooloff': str(s.AXES_COOLOFF_TIME), 'axes': s.AXES_ENABLED}))"
)


def _settings(**environ):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DXPLAN_"))}
    clean.update(environ, DXPLAN_VAR_DIR=os.environ.get("DXPLAN_VAR_DIR", str(ROOT / "var")))
    return subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_with_nothing_set_the_directory_and_the_header_are_off_and_the_lock_out_is_on():
    values = json.loads(_settings().stdout)

    assert values["ldap"] is None
    assert "plans.signin.middleware.TrustedHeaderMiddleware" not in values["middleware"]
    assert (values["axes"], values["limit"], values["cooloff"]) == (True, 5, "0:30:00")


def test_the_directory_settings_are_read_from_the_environment():
    values = json.loads(_settings(
        DXPLAN_LDAP_URL="ldap://dc1.city.example, ldap://dc2.city.example",
        DXPLAN_LDAP_USER_SEARCH_BASE="ou=people,dc=city,dc=example",
        DXPLAN_LDAP_BIND_DN="cn=dxplan,dc=city,dc=example", DXPLAN_LDAP_BIND_PASSWORD="secret",
        DXPLAN_LDAP_USERNAME_ATTRIBUTE="sAMAccountName", DXPLAN_LDAP_START_TLS="yes",
    ).stdout)["ldap"]

    assert values["urls"] == ["ldap://dc1.city.example", "ldap://dc2.city.example"]
    assert (values["username_attribute"], values["start_tls"], values["timeout"]) == ("sAMAccountName", True, 5)


def test_a_directory_without_a_search_base_stops_the_process_naming_the_variable():
    result = _settings(DXPLAN_LDAP_URL="ldap://dc1.city.example")

    assert result.returncode != 0
    assert "DXPLAN_LDAP_USER_SEARCH_BASE is required" in result.stderr


def test_the_trusted_header_adds_its_middleware_after_authentication_and_zero_minutes_locks_until_lifted():
    values = json.loads(_settings(DXPLAN_TRUSTED_HEADER="X-Remote-User", DXPLAN_LOGIN_LOCKOUT_MINUTES="0",
                                  DXPLAN_LOGIN_FAILURE_LIMIT="8").stdout)

    middleware = values["middleware"]
    position = middleware.index("plans.signin.middleware.TrustedHeaderMiddleware")
    assert middleware[position - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"
    assert (values["cooloff"], values["limit"]) == ("None", 8)
