"""Directory groups → municipality, department and role, and when a directory account counts as disabled.

Plain Python over plain rows (no Django), so the rules are tested without a directory.
"""

from dataclasses import dataclass

from ldap3.utils.dn import parse_dn

# Active Directory's userAccountControl flag ACCOUNTDISABLE.
AD_ACCOUNT_DISABLED = 0x2


@dataclass(frozen=True)
class MappingRow:
    """One DirectoryGroupMapping as plain values."""

    id: int
    group: str
    department_id: int | None
    role: str
    priority: int
    # The city the group's members work in: the department's, else the mapping's own (None for
    # the cross-city roles, and for a mapping not placed yet: `manage.py check_boundary`).
    municipality_id: int | None = None


def normalize_dn(dn: str) -> str:
    """A DN compared without regard to case or the spaces around ',' and '='."""
    try:
        parts = parse_dn(dn.strip(), strip=True)
    except Exception:  # ldap3 raises LDAPInvalidDnError; a plain name is not a DN
        return dn.strip().lower()
    return ",".join(f"{attribute.lower()}={value.lower()}" for attribute, value, _separator in parts)


def group_name(dn: str) -> str:
    """The value of the group DN's first RDN (cn=観光課,ou=groups,… → 観光課), lower-cased."""
    try:
        parts = parse_dn(dn.strip(), strip=True)
    except Exception:
        return dn.strip().lower()
    return parts[0][1].lower() if parts else ""


def _matches(row: MappingRow, group_dns: list[str]) -> bool:
    wanted = row.group.strip()
    if "=" in wanted:
        wanted_dn = normalize_dn(wanted)
        return any(normalize_dn(dn) == wanted_dn for dn in group_dns)
    return any(group_name(dn) == wanted.lower() for dn in group_dns)


def choose_mapping(rows: list[MappingRow], group_dns: list[str]) -> MappingRow | None:
    """The matching row with the lowest priority number (then the lowest id); None if no group is mapped."""
    matching = [row for row in rows if _matches(row, group_dns)]
    return min(matching, key=lambda row: (row.priority, row.id), default=None)


def account_disabled(attributes: dict, group_dns: list[str], disabled_group: str = "") -> bool:
    """Active Directory: userAccountControl has ACCOUNTDISABLE (bit 2). OpenLDAP: the password
    policy overlay locked it (pwdAccountLockedTime present), or it is a member of the configured
    disabled group (DXPLAN_LDAP_DISABLED_GROUP)."""
    control = _first(attributes.get("userAccountControl"))
    if control not in (None, "") and int(control) & AD_ACCOUNT_DISABLED:
        return True
    if _first(attributes.get("pwdAccountLockedTime")) not in (None, ""):
        return True
    if disabled_group:
        wanted = normalize_dn(disabled_group)
        return any(normalize_dn(dn) == wanted for dn in group_dns)
    return False


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value
