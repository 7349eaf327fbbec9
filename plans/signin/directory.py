"""The city's directory (LDAP / Active Directory), spoken to with ldap3 (pure Python).

`authenticate(conf, username, password)`:
- binds as the service account (DXPLAN_LDAP_BIND_DN, or anonymously), finds the user under
  the search base by the username attribute, reads their attributes and groups (memberOf,
  and the groups under DXPLAN_LDAP_GROUP_SEARCH_BASE listing them as member), then
- binds as the user with the password on a second connection.
It answers a DirectoryAccount, or None for an unknown user or a wrong password, and raises
DirectoryUnreachable when no server answers (or the service account cannot bind), so the
login page can say so instead of "wrong password".
"""

import logging
from dataclasses import dataclass

import ldap3
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars

logger = logging.getLogger(__name__)

# Network failures, a pool with no server left, a failed StartTLS: the directory is not usable.
_UNREACHABLE = (
    ldap_errors.LDAPCommunicationError,
    ldap_errors.LDAPServerPoolError,
    ldap_errors.LDAPServerPoolExhaustedError,
    ldap_errors.LDAPStartTLSError,
)


class DirectoryUnreachable(Exception):
    """No directory server answered, or the service account could not bind."""


@dataclass(frozen=True)
class DirectorySettings:
    """settings.DXPLAN_LDAP (built from the DXPLAN_LDAP_* variables in dxplan/settings.py)."""

    urls: tuple[str, ...]
    user_search_base: str
    bind_dn: str = ""
    bind_password: str = ""
    username_attribute: str = "uid"
    user_filter: str = "(objectClass=person)"
    group_search_base: str = ""
    group_filter: str = "(|(member={dn})(uniqueMember={dn}))"
    disabled_group: str = ""
    start_tls: bool = False
    timeout: int = 5


@dataclass(frozen=True)
class DirectoryAccount:
    dn: str
    username: str
    email: str
    first_name: str
    last_name: str
    group_dns: tuple[str, ...]
    attributes: dict


def _first(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _connection(conf: DirectorySettings, user: str | None, password: str | None) -> ldap3.Connection:
    servers = [ldap3.Server(url, connect_timeout=conf.timeout, get_info=ldap3.NONE) for url in conf.urls]
    pool = ldap3.ServerPool(servers, ldap3.FIRST, active=1, exhaust=False)
    connection = ldap3.Connection(
        pool, user=user, password=password, receive_timeout=conf.timeout, read_only=True, raise_exceptions=False
    )
    connection.open()
    if conf.start_tls:
        connection.start_tls()
    return connection


def _service_connection(conf: DirectorySettings) -> ldap3.Connection:
    connection = _connection(conf, conf.bind_dn or None, conf.bind_password or None)
    if not connection.bind():
        # A wrong service password is a configuration fault: nobody can sign in with the directory.
        logger.error("The directory refused the service account %r: %s", conf.bind_dn, connection.result)
        connection.unbind()
        raise DirectoryUnreachable("service account refused")
    return connection


def _find(connection: ldap3.Connection, conf: DirectorySettings, username: str) -> tuple[str, dict] | None:
    search_filter = f"(&{conf.user_filter}({conf.username_attribute}={escape_filter_chars(username)}))"
    connection.search(conf.user_search_base, search_filter, ldap3.SUBTREE, attributes=["*", "+"], size_limit=2)
    entries = [entry for entry in connection.response or [] if entry.get("type") == "searchResEntry"]
    if len(entries) != 1:
        return None  # unknown, or ambiguous: never guess which person this is
    return entries[0]["dn"], dict(entries[0]["attributes"])


def _groups(connection: ldap3.Connection, conf: DirectorySettings, dn: str, attributes: dict) -> tuple[str, ...]:
    groups = [str(group) for group in attributes.get("memberOf") or []]
    if conf.group_search_base:
        search_filter = conf.group_filter.format(dn=escape_filter_chars(dn))
        connection.search(conf.group_search_base, search_filter, ldap3.SUBTREE, attributes=["cn"])
        groups += [entry["dn"] for entry in connection.response or [] if entry.get("type") == "searchResEntry"]
    return tuple(dict.fromkeys(groups))


def authenticate(conf: DirectorySettings, username: str, password: str) -> DirectoryAccount | None:
    if not username or not password:
        return None  # an empty password would be an anonymous bind, which "succeeds"
    try:
        connection = _service_connection(conf)
        try:
            found = _find(connection, conf, username)
            if found is None:
                return None
            dn, attributes = found
            group_dns = _groups(connection, conf, dn, attributes)
        finally:
            connection.unbind()
        user_connection = _connection(conf, dn, password)
        try:
            if not user_connection.bind():
                return None
        finally:
            user_connection.unbind()
    except _UNREACHABLE as error:
        logger.warning("The directory is unreachable: %s", error)
        raise DirectoryUnreachable(str(error)) from error
    return DirectoryAccount(
        dn=dn,
        username=_first(attributes, conf.username_attribute) or username,
        email=_first(attributes, "mail"),
        first_name=_first(attributes, "givenName"),
        last_name=_first(attributes, "sn"),
        group_dns=group_dns,
        attributes=attributes,
    )
